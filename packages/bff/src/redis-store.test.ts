import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, testRedis } from '../../../scripts/redis-server.mjs';
import { OtpError } from './errors.js';
import { type RedisStore, redisStore } from './redis-store.js';
import { describeStore, makeRecord } from './store.suite.js';
import type { VerificationRecord } from './types.js';

// A real redis-server: the one scripts/with-redis.mjs started, or one of this file's own.
let redis: { url: string; stop(): Promise<void> };
let client: Redis;
beforeAll(async () => {
  redis = await testRedis();
  client = new Redis(redis.url, { enableOfflineQueue: false, commandTimeout: 2000, lazyConnect: true });
  await client.connect();
}, 20_000);
afterAll(async () => {
  await client?.quit();
  await redis?.stop();
});

// Each test gets its own key prefix on the shared server: a fresh, empty store.
describeStore('redisStore', () => redisStore({ client, prefix: `test:${randomUUID()}:` }));

const record = (overrides: Partial<VerificationRecord> = {}) => makeRecord({ to: '+8618701235678', ...overrides });

describe('redisStore on Redis', () => {
  it('keeps keys under its prefix, with Redis TTLs', async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = redisStore({ client, prefix });
    const r = record();
    await store.create(r, 300_000);
    await store.take([{ key: 'send:x', limit: 5, windowMs: 60_000 }], Date.now());
    await store.finishAttempt(r.id, false, `fail:${r.to}`, 3_600_000);
    const keys = (await client.keys(`${prefix}*`)).sort();
    expect(keys).toEqual([`${prefix}fail:${r.to}`, `${prefix}send:x`, `${prefix}v:${r.id}`]);
    for (const [key, max] of [
      [`${prefix}v:${r.id}`, 300_000],
      [`${prefix}send:x`, 60_000],
      [`${prefix}fail:${r.to}`, 3_600_000],
    ] as const) {
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(max - 5000);
      expect(ttl).toBeLessThanOrEqual(max);
    }
  });

  it('takes one round trip per call: a verify (reserve + finish) is 2 commands', async () => {
    const prefix = `rt:${randomUUID()}:`;
    const store = redisStore({ client, prefix });
    const r = record();
    await store.create(r, 60_000);
    const monitor = await client.monitor();
    const seen: string[] = [];
    // MONITOR also lists the commands a script runs inside Redis (source 'lua'): only the client's count.
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua' && args.some((arg) => String(arg).includes(prefix))) {
        seen.push(String(args[0]).toLowerCase());
      }
    });
    try {
      await store.reserveAttempt(r.id, Date.now(), 'fail:', 10);
      await store.finishAttempt(r.id, true, `fail:${r.to}`, 60_000);
      await store.take(
        [
          { key: 'a', limit: 1, windowMs: 1000 },
          { key: 'b', limit: 1, windowMs: 1000 },
        ],
        Date.now(),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      monitor.disconnect();
    }
    expect(seen).toHaveLength(3);
    // EVALSHA, or EVAL the first time a connection meets the script.
    for (const command of seen) expect(['evalsha', 'eval']).toContain(command);
  });

  it('reloads its scripts after SCRIPT FLUSH (EVALSHA falls back to EVAL on NOSCRIPT)', async () => {
    const store = redisStore({ client, prefix: `flush:${randomUUID()}:` });
    const r = record();
    await store.create(r, 60_000);
    await client.script('FLUSH');
    expect(await store.reserveAttempt(r.id, Date.now(), 'fail:', 10)).toMatchObject({ status: 'reserved' });
  });

  it('redisStore({ url }) makes its own client and close() quits it', async () => {
    const store = redisStore({ url: redis.url, prefix: `url:${randomUUID()}:` });
    const r = record();
    await store.create(r, 60_000);
    expect(await store.get(r.id)).toEqual(r);
    await store.close();
    expect(store.client.status).toBe('end');
    await store.close();
    await expect(store.get(r.id)).rejects.toMatchObject({ code: 'provider_unavailable' });
  });

  it('connects a lazyConnect client without an offline queue on first use', async () => {
    const lazy = new Redis(redis.url, { lazyConnect: true, enableOfflineQueue: false });
    try {
      const store = redisStore({ client: lazy, prefix: `lazy:${randomUUID()}:` });
      expect(await store.failures('fail:x')).toBe(0);
      await store.close();
      // Not the store's client: close() leaves it connected.
      expect(lazy.status).toBe('ready');
    } finally {
      lazy.disconnect();
    }
  });

  it('needs a client or a url', () => {
    expect(() => redisStore({})).toThrow(TypeError);
  });
});

describe('redisStore when Redis is down (fails closed)', () => {
  let store: RedisStore;
  beforeAll(async () => {
    // Nothing listens on this port: every connect is refused.
    store = redisStore({ url: `redis://127.0.0.1:${await freePort()}`, timeoutMs: 300 });
  });
  afterAll(() => store.close());

  it('every method rejects quickly with OtpError provider_unavailable', async () => {
    const r = record();
    const calls: [string, () => Promise<unknown>][] = [
      ['create', () => store.create(r, 1000)],
      ['get', () => store.get(r.id)],
      ['delete', () => store.delete(r.id)],
      ['reserveAttempt', () => store.reserveAttempt(r.id, Date.now(), 'fail:', 10)],
      ['finishAttempt', () => store.finishAttempt(r.id, true, 'fail:x', 1000)],
      ['failures', () => store.failures('fail:x')],
      ['hits', () => store.hits('k', Date.now())],
      ['take', () => store.take([{ key: 'k', limit: 1, windowMs: 1000 }], Date.now())],
      ['release', () => store.release(['k'])],
    ];
    for (const [name, call] of calls) {
      const started = Date.now();
      const error = await call().then(
        () => new Error(`${name} resolved`),
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(OtpError);
      expect(error).toMatchObject({ code: 'provider_unavailable', status: 503 });
      expect(Date.now() - started, name).toBeLessThan(1500);
    }
  });
});
