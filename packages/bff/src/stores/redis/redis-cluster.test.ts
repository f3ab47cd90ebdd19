// redisStore on a real Redis Cluster (3 primaries, 3 replicas: scripts/redis-cluster.mjs), through an ioredis
// `Cluster` and the default prefix: the conformance suite, and the key layout's promise that each script's keys
// share a hash slot while recipients spread over every primary. (Two server processes and a primary killed mid-run:
// multi-instance.cluster.test.ts.)
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisCluster, startRedisCluster } from '../../../../../scripts/redis-cluster.mjs';
import { createOtpHandler } from '../../http/handler.js';
import { engagelab } from '../../providers/engagelab.js';
import { createEngageLabSimulator } from '../../testing/index.js';
import { describeStore, makeRecord } from '../conformance.js';
import { recipientKey } from '../types.js';
import { redisStore } from './index.js';
import { hashTagOf } from './scripts.js';

let cluster: RedisCluster;
let client: Cluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
  client = new Cluster(cluster.startupNodes, {
    enableOfflineQueue: false,
    redisOptions: { commandTimeout: 2000 },
  });
  await new Promise<void>((resolve, reject) => {
    client.once('error', reject);
    client.once('ready', () => {
      // Not left behind: each store would then watch the client's errors too (11 stores: a listener-leak warning).
      client.off('error', reject);
      resolve();
    });
  });
}, 60_000);
afterAll(async () => {
  await client?.quit();
  await cluster?.stop();
});

// The default prefix ('otpkit:'): no hash tag of its own. The tests use random ids and keys, so they share it.
describeStore('redisStore on a Redis Cluster (ioredis Cluster)', () => redisStore({ client }));

describe('the key layout on a Redis Cluster', () => {
  it("a recipient's keys share one hash slot; recipients spread evenly over the primaries", async () => {
    const store = redisStore({ client, prefix: 'spread:' });
    const now = Date.now();
    const n = 600;
    for (let i = 0; i < n; i++) {
      const to = `+4474${String(10_000_000 + i * 137)}`;
      const record = makeRecord({ to, createdAt: now });
      await store.create({ record, ttlMs: 60_000, now });
      await store.reserveAttempt({
        id: record.id,
        budgets: [{ prefix: 'fw:', limit: 10, windowMs: 60_000, sliding: false }],
        now,
      });
      // The send limits of one recipient, and a per-client counter (which has no tag: it lands by its own name).
      const rules = [`n:${recipientKey(to)}`, `g:${recipientKey(to)}`, `ip:198.51.${i >> 8}.${i & 255}`];
      expect(await store.take({ rules: rules.map((key) => ({ key, limit: 5, windowMs: 60_000 })), now })).toMatchObject(
        {
          ok: true,
        },
      );
    }
    const primaries = await cluster.primaries();
    expect(primaries).toHaveLength(3);
    const counts = await Promise.all(client.nodes('master').map(async (node) => (await node.keys('spread:*')).length));
    const total = counts.reduce((a, b) => a + b, 0);
    expect(total).toBe(n * 5);
    // Each primary holds about a third (hash slots split evenly; 3,000 keys over 2,400 slots' worth of tags).
    for (const count of counts) {
      expect(count / total).toBeGreaterThan(0.25);
      expect(count / total).toBeLessThan(0.42);
    }
    // And a record, its budget and its send limits are in one slot.
    const record = makeRecord({ createdAt: now });
    expect(hashTagOf(`spread:v:{${record.id.slice(0, 4)}}x`)).toBe(hashTagOf(`spread:fw:${recipientKey(record.to)}`));
  }, 60_000);
});

describe('the send budget on a Redis Cluster', () => {
  it('is split in 16 pieces by recipient (no key takes every send), and the whole still holds', async () => {
    const sim = createEngageLabSimulator();
    const prefix = 'budget:';
    const otp = createOtpHandler({
      provider: engagelab(sim.providerOptions),
      secret: 'cluster-budget-test-secret-0123456789abcdef',
      store: redisStore({ client, prefix }),
      sendBudget: { perHour: 32, perDay: 10_000 },
      logger: { info() {}, warn() {}, error() {} },
    });
    let accepted = 0;
    for (let i = 0; i < 200; i++) {
      const res = await otp.handle(
        new Request('https://app.test/api/otp/send', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ to: `+4474${10_000_000 + i * 100}` }),
        }),
        { clientIp: `198.51.100.${i}` },
      );
      if (res.status === 200) accepted += 1;
      else expect(res.status).toBe(429);
    }
    // 2 per piece (32 / 16), and with 200 tries every piece filled up.
    expect(accepted).toBe(32);
    const pieces = await Promise.all(client.nodes('master').map((node) => node.keys(`${prefix}sb:h:*`)));
    expect(pieces.flat()).toHaveLength(16);
    // Spread over every primary.
    for (const keys of pieces) expect(keys.length).toBeGreaterThan(0);
  }, 60_000);
});
