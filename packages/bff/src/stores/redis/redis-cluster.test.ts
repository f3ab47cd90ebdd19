// redisStore on a real Redis Cluster (3 primaries, 3 replicas: scripts/redis-cluster.mjs), through an ioredis
// `Cluster` and the default prefix: the conformance suite, and the key layout's promise that each script's keys
// share a hash slot while recipients spread over every primary. (Two server processes and a primary killed mid-run:
// multi-instance.cluster.test.ts.)
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisCluster, startRedisCluster } from '../../../../../scripts/redis-cluster.mjs';
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
    client.once('ready', () => resolve());
    client.once('error', reject);
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
      expect(await store.take({ rules: rules.map((key) => ({ key, limit: 5, windowMs: 60_000 })), now })).toEqual({
        ok: true,
      });
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
