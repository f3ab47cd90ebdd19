import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis as Upstash } from '@upstash/redis';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedis } from '../../../../../scripts/redis-server.mjs';
import { freePort } from '../../../../../scripts/server-process.mjs';
import { describeError, OtpError } from '../../errors.js';
import { describeStore, makeRecord } from '../conformance.js';
import { everyStoreCall, rejection } from '../store-calls.test-helpers.js';
import { type OtpStore, recipientKey, type VerificationRecord } from '../types.js';
import { type RedisStore, redisStore } from './index.js';
import { REDIS_SCRIPTS, type RedisEval, redisScriptStore } from './scripts.js';
import { type UpstashRest, upstashRest } from './upstash-rest.test-helpers.js';

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

const newPrefix = (kind: string) => `test:${kind}:${randomUUID()}:`;

// Each test gets its own key prefix on the shared server: a fresh, empty store.
describeStore('redisStore (ioredis, defineCommand: EVALSHA)', () => redisStore({ client, prefix: newPrefix('io') }));

// Any client that can EVAL runs the same store. These evaluators take other paths through ioredis than redisStore
// (no defineCommand: a raw EVAL each time), and hand replies over in the shapes other clients use.
const rawEval: RedisEval = (script, keys, args) => client.call('EVAL', script.lua, keys.length, ...keys, ...args);
describeStore('redisScriptStore over a raw EVAL', () => redisScriptStore({ eval: rawEval, prefix: newPrefix('eval') }));

// Bulk strings as bytes (node-redis with RESP buffers, or any client that leaves decoding to the caller).
const bufferEval: RedisEval = (script, keys, args) =>
  client.callBuffer('EVAL', script.lua, keys.length, ...keys, ...args);
describeStore('redisScriptStore, replies as bytes', () =>
  redisScriptStore({ eval: bufferEval, prefix: newPrefix('bytes') }),
);

// The other clients `redisStore({ client })` takes: node-redis on the same server, and @upstash/redis over HTTP
// through a local endpoint that speaks Upstash's REST protocol in front of the same server.
let nodeRedis: ReturnType<typeof createClient>;
let rest: UpstashRest;
beforeAll(async () => {
  nodeRedis = createClient({ url: redis.url, disableOfflineQueue: true });
  nodeRedis.on('error', () => {});
  await nodeRedis.connect();
  rest = await upstashRest(redis.url);
});
afterAll(async () => {
  await nodeRedis?.quit();
  await rest?.close();
});
const upstash = () => new Upstash({ url: rest.url, token: rest.token, retry: false });
describeStore('redisStore (node-redis)', () => redisStore({ client: nodeRedis, prefix: newPrefix('node-redis') }));
describeStore('redisStore (@upstash/redis over REST)', () =>
  redisStore({ client: upstash(), prefix: newPrefix('upstash') }),
);

const record = (overrides: Partial<VerificationRecord> = {}) => makeRecord({ to: '+8618701235678', ...overrides });

describe('redisStore on Redis', () => {
  it('keeps keys under its prefix, each with a Redis TTL as long as its lifetime or window', async () => {
    const prefix = newPrefix('ttl');
    const store = redisStore({ client, prefix });
    const r = record();
    const now = Date.now();
    await store.create({ record: r, ttlMs: 300_000, now });
    await store.take({ rules: [{ key: 'send:x', limit: 5, windowMs: 60_000 }], now });
    await store.reserveAttempt({
      id: r.id,
      budgets: [{ prefix: 'fail:', limit: 10, windowMs: 3_600_000, sliding: false }],
      now,
    });
    const keys = (await client.keys(`${prefix}*`)).sort();
    expect(keys).toEqual([
      `${prefix}fail:${recipientKey(r.to)}`,
      `${prefix}send:x`,
      `${prefix}v:{${r.id.slice(0, 4)}}${r.id.slice(4)}`,
    ]);
    for (const [key, max] of [
      [`${prefix}v:{${r.id.slice(0, 4)}}${r.id.slice(4)}`, 300_000],
      [`${prefix}send:x`, 60_000],
      [`${prefix}fail:${recipientKey(r.to)}`, 3_600_000],
    ] as const) {
      const ttl = await client.pttl(key);
      expect(ttl, key).toBeGreaterThan(max - 5000);
      expect(ttl, key).toBeLessThanOrEqual(max);
    }
    // Counters are hashes { n, reset }: the window is judged by the caller's `now` against `reset`.
    expect(await client.hgetall(`${prefix}fail:${recipientKey(r.to)}`)).toEqual({
      n: '1',
      reset: String(now + 3_600_000),
    });
  });

  it('a later hit keeps the TTL of its window; a hit after the window ends starts a new one', async () => {
    const prefix = newPrefix('window');
    const store = redisStore({ client, prefix });
    const now = Date.now();
    const hit = (windowMs: number, at: number) => store.take({ rules: [{ key: 'f', limit: 1000, windowMs }], now: at });
    await hit(60_000, now);
    // The same window, 50 s later by the caller's clock: counted, not extended.
    await hit(60_000, now + 50_000);
    expect(await client.hgetall(`${prefix}f`)).toEqual({ n: '2', reset: String(now + 60_000) });
    expect(await client.pttl(`${prefix}f`)).toBeGreaterThan(55_000);
    // Past the window by the caller's clock: a new window with a fresh TTL (the old key would have expired by now in
    // real time; here it has not, and must not be counted on).
    await hit(20_000, now + 60_000);
    expect(await client.hgetall(`${prefix}f`)).toEqual({ n: '1', reset: String(now + 80_000) });
    const ttl = await client.pttl(`${prefix}f`);
    expect(ttl).toBeGreaterThan(15_000);
    expect(ttl).toBeLessThanOrEqual(20_000);
  });

  it('a key expires on its own once its TTL has run out', async () => {
    const prefix = newPrefix('expire');
    const store = redisStore({ client, prefix });
    const r = record();
    const now = Date.now();
    await store.create({ record: r, ttlMs: 1, now });
    await store.take({ rules: [{ key: 'k', limit: 5, windowMs: 1 }], now });
    await store.take({ rules: [{ key: 'f', limit: 5, windowMs: 1 }], now });
    // Redis removes an expired key when it is next touched (or by its background cycle): EXISTS touches it. The
    // 1 ms TTLs above have run out long before this poll returns, so it loops once or twice at most.
    let left = 3;
    for (let tries = 0; tries < 50 && left > 0; tries++) {
      left = await client.exists(`${prefix}v:{${r.id.slice(0, 4)}}${r.id.slice(4)}`, `${prefix}k`, `${prefix}f`);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(left).toBe(0);
  });

  it('takes one round trip per call: every method is one script, a verify (reserve + mark) is 2 commands', async () => {
    const prefix = newPrefix('rt');
    const budgets = [
      { prefix: 'fail:', limit: 10, windowMs: 60_000, sliding: false },
      { prefix: 'day:', limit: 100, windowMs: 86_400_000, sliding: true },
    ];
    const store = redisStore({ client, prefix });
    const r = record();
    const now = Date.now();
    await store.create({ record: r, ttlMs: 60_000, now });
    const monitor = await client.monitor();
    const seen: string[] = [];
    // MONITOR also lists the commands a script runs inside Redis (source 'lua'): only the client's count.
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua' && args.some((arg) => String(arg).includes(prefix))) {
        seen.push(String(args[0]).toLowerCase());
      }
    });
    const calls: [string, () => Promise<unknown>][] = [
      ['create', () => store.create({ record: record(), ttlMs: 60_000, now })],
      ['get', () => store.get({ id: r.id, now })],
      ['reserveAttempt', () => store.reserveAttempt({ id: r.id, budgets, now })],
      ['refundAttempt', () => store.refundAttempt({ id: r.id, budgets, now })],
      ['markVerified', () => store.markVerified({ id: r.id, budgets, now })],
      ['hits', () => store.hits({ key: `fail:${recipientKey(r.to)}`, now })],
      [
        'take',
        () =>
          store.take({
            rules: [
              { key: 'a', limit: 1, windowMs: 1000 },
              { key: 'b', limit: 1, windowMs: 1000 },
            ],
            now,
          }),
      ],
      ['release', () => store.release({ keys: ['a', 'b'], now })],
      ['delete', () => store.delete({ id: r.id, now })],
    ];
    const counts: Record<string, number> = {};
    try {
      for (const [name, call] of calls) {
        const before = seen.length;
        await call();
        // MONITOR lines arrive on their own connection: wait until this call's line is in.
        for (let tries = 0; tries < 100 && seen.length === before; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
        counts[name] = seen.length - before;
      }
    } finally {
      monitor.disconnect();
    }
    expect(counts).toEqual(Object.fromEntries(calls.map(([name]) => [name, 1])));
    // EVALSHA, or EVAL the first time a connection meets the script.
    for (const command of seen) expect(['evalsha', 'eval']).toContain(command);
  });

  it('reloads its scripts after SCRIPT FLUSH (EVALSHA falls back to EVAL on NOSCRIPT)', async () => {
    const store = redisStore({ client, prefix: newPrefix('flush') });
    const r = record();
    await store.create({ record: r, ttlMs: 60_000, now: Date.now() });
    await client.script('FLUSH');
    expect(
      await store.reserveAttempt({
        id: r.id,
        budgets: [{ prefix: 'fail:', limit: 10, windowMs: 3_600_000, sliding: false }],
        now: Date.now(),
      }),
    ).toMatchObject({ status: 'reserved' });
  });

  it('reads what an older version wrote: a record without `u`, and a plain-number failure counter', async () => {
    const prefix = newPrefix('old');
    const store = redisStore({ client, prefix });
    const r = record();
    const now = Date.now();
    await store.create({ record: r, ttlMs: 60_000, now });
    await client.hdel(`${prefix}v:{${r.id.slice(0, 4)}}${r.id.slice(4)}`, 'u');
    // The previous failure counter: INCR with a PEXPIRE.
    await client.set(`${prefix}fail:${recipientKey(r.to)}`, '3', 'PX', 60_000);
    // No `u`: live until its key expires, whatever the caller's clock says.
    expect(await store.get({ id: r.id, now: now + 3_600_000 })).toEqual(r);
    // Not a counter of this version: read as empty (not a WRONGTYPE error on every call), replaced on the next hit.
    expect(await store.hits({ key: `fail:${recipientKey(r.to)}`, now })).toBe(0);
    const budgets = [{ prefix: 'fail:', limit: 1, windowMs: 60_000, sliding: false }];
    expect(await store.reserveAttempt({ id: r.id, budgets, now })).toMatchObject({
      status: 'reserved',
      failuresLeft: 0,
    });
    expect(await store.hits({ key: `fail:${recipientKey(r.to)}`, now })).toBe(1);
    expect(
      await store.take({ rules: [{ key: `fail:${recipientKey(r.to)}`, limit: 2, windowMs: 60_000 }], now }),
    ).toMatchObject({ ok: true, hits: [1] });
    expect(await store.hits({ key: `fail:${recipientKey(r.to)}`, now })).toBe(2);
  });

  it('redisStore({ url }) makes its own client and close() quits it', async () => {
    const store = redisStore({ url: redis.url, prefix: newPrefix('url') });
    const r = record();
    await store.create({ record: r, ttlMs: 60_000, now: Date.now() });
    expect(await store.get({ id: r.id, now: Date.now() })).toEqual(r);
    const clients = async () => ((await client.call('CLIENT', 'LIST')) as string).split('\n').filter(Boolean).length;
    const before = await clients();
    await store.close();
    // Its connection is gone, and a second close() is harmless.
    expect(await clients()).toBe(before - 1);
    await store.close();
    await expect(store.get({ id: r.id, now: Date.now() })).rejects.toMatchObject({ code: 'provider_unavailable' });
  });

  it('connects a lazyConnect client without an offline queue on first use, and leaves it open', async () => {
    const lazy = new Redis(redis.url, { lazyConnect: true, enableOfflineQueue: false });
    try {
      const store = redisStore({ client: lazy, prefix: newPrefix('lazy') });
      expect(await store.hits({ key: 'fail:x', now: Date.now() })).toBe(0);
      await store.close();
      // Not the store's client: close() leaves it connected.
      expect(lazy.status).toBe('ready');
    } finally {
      lazy.disconnect();
    }
  });

  it('over @upstash/redis: EVALSHA, EVAL once on NOSCRIPT, then EVALSHA only; an HTTP outage is a 503 with its cause', async () => {
    await client.call('SCRIPT', 'FLUSH');
    const store = redisStore({ client: upstash(), prefix: newPrefix('upstash-sha') });
    rest.commands.length = 0;
    const now = Date.now();
    await store.hits({ key: 'x', now });
    await store.hits({ key: 'x', now });
    expect(rest.commands).toEqual(['EVALSHA', 'EVAL', 'EVALSHA']);
    rest.fail(true);
    try {
      const error = await store.hits({ key: 'x', now }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OtpError);
      // The cause says what happened, and not the command: its key would hold a recipient.
      expect(describeError(error)).toBe(
        'OtpError: The verification store is unavailable. <- caused by UpstashError: Service Unavailable',
      );
    } finally {
      rest.fail(false);
    }
  });

  it('over node-redis: a closed client is a 503, not a hang', async () => {
    const closed = createClient({ url: redis.url, disableOfflineQueue: true });
    const store = redisStore({ client: closed, prefix: newPrefix('node-closed'), timeoutMs: 300 });
    await expect(store.hits({ key: 'x', now: Date.now() })).rejects.toMatchObject({ code: 'provider_unavailable' });
  });

  it('refuses a client it does not know', () => {
    expect(() => redisStore({ client: {} as never })).toThrow(/ioredis, node-redis or @upstash\/redis/);
  });

  it('needs a client or a url', () => {
    expect(() => redisStore({})).toThrow(TypeError);
  });
});

describe('redisScriptStore errors', () => {
  const r = record();
  const now = Date.now();
  const everyMethod = (store: OtpStore) => everyStoreCall(store, r, now);

  it("wraps the evaluator's error once, as provider_unavailable with the error as its cause", async () => {
    const boom = new Error('NOAUTH Authentication required.');
    const store = redisScriptStore({ eval: () => Promise.reject(boom) });
    for (const [name, call] of everyMethod(store)) {
      const error = await rejection(call());
      expect(error, name).toBeInstanceOf(OtpError);
      expect(error, name).toMatchObject({
        code: 'provider_unavailable',
        status: 503,
        message: 'The verification store is unavailable.',
      });
      expect((error as OtpError).cause, name).toBe(boom);
    }
  });

  it('a reply that makes no sense is a store failure too', async () => {
    for (const reply of [{ ok: 'yes' }, 'nonsense', ['maybe', 'x']]) {
      const store = redisScriptStore({ eval: async () => reply });
      const results = await Promise.all(everyMethod(store).map(([, call]) => rejection(call())));
      // create, addFailure and release need no reply; every method that reads one must reject.
      for (const [i, [name]] of everyMethod(store).entries()) {
        if (['create', 'refundAttempt', 'release'].includes(name)) continue;
        expect(results[i], `${name} with ${JSON.stringify(reply)}`).toMatchObject({ code: 'provider_unavailable' });
        expect((results[i] as OtpError).cause, name).toBeInstanceOf(Error);
      }
    }
  });

  it('scripts.ts runs without Node: it bundles for a neutral platform with no node: or ioredis import', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./scripts.ts', import.meta.url))],
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["'](node:|ioredis)/);
    expect(code).toContain('redisScriptStore');
    for (const script of Object.values(REDIS_SCRIPTS)) expect(code).toContain(script.name);
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
    const now = Date.now();
    const calls = everyStoreCall(store, r, now);
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

  it('carries the cause: the log line names the connection problem, wrapped once', async () => {
    const refused = redisStore({ url: 'redis://127.0.0.1:1', timeoutMs: 300 });
    try {
      const error = await refused.get({ id: 'x', now: Date.now() }).then(
        () => new Error('resolved'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OtpError);
      expect((error as OtpError).cause).not.toBeInstanceOf(OtpError);
      const line = describeError(error);
      expect(line).toMatch(
        /^OtpError: The verification store is unavailable\. <- caused by Error: Redis not connected/,
      );
      expect(line).toContain('ECONNREFUSED 127.0.0.1:1');
    } finally {
      await refused.close();
    }
  });
});
