// A fleet: 2 and then 4 BFF server processes behind a real load balancer (Debian's HAProxy, round robin per request,
// the client's address appended to X-Forwarded-For, the servers on `trustProxy: true`), one shared Redis, and a
// closed-loop load through the balancer. What must hold whatever instance a request reaches: each verification's
// attempt budget exactly (no more provider checks and no more accepted guesses than it allows), no 5xx, and the
// per-client send limit, keyed on the address HAProxy saw (a forged X-Forwarded-For buys nothing). Correctness only;
// throughput per added instance is bench/fleet.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Haproxy, startHaproxy } from '../../../scripts/haproxy.mjs';
import { startRedisCluster } from '../../../scripts/redis-cluster.mjs';
import type { ChildEnv } from './multi-instance.child.js';
import { bundleServer, type ServerProcess, startServer } from './server-process.test-helpers.js';
import { createEngageLabSimulator } from './testing/index.js';
import type { LoopbackServer } from './testing/loopback.js';

const MAX_ATTEMPTS = 5;
const IP_LIMIT = 10;
/** Concurrent clients of the closed loop: each sends its next request when its last one is answered. */
const WORKERS = 16;

/**
 * The store the fleet shares: a Redis Cluster of its own (scripts/redis-cluster.mjs: 3 primaries, 3 replicas), which
 * each instance reaches through an ioredis Cluster. `PREFIX` keeps each fleet's keys (and limit counters) apart.
 */
async function startStore(): Promise<{ env: Pick<ChildEnv, 'STORE' | 'STORE_URL'>; stop(): Promise<void> }> {
  const cluster = await startRedisCluster();
  const nodes = cluster.startupNodes.map((node) => `${node.host}:${node.port}`).join(',');
  return { env: { STORE: 'redis-cluster', STORE_URL: nodes }, stop: () => cluster.stop() };
}

let tmp: string;
let childFile: string;
let store: Awaited<ReturnType<typeof startStore>>;
let sim: ReturnType<typeof createEngageLabSimulator>;
let upstream: LoopbackServer;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'otpkit-fleet-'));
  store = await startStore();
  sim = createEngageLabSimulator();
  upstream = await sim.listen();
  // The multi-instance tests' server (the real handler over redisStore, node:http, trustProxy: true).
  childFile = await bundleServer(tmp);
}, 60_000);

afterAll(async () => {
  await upstream?.close();
  await store?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** One client machine: its own loopback source address (127.0.0.0/8 is all ours) and kept-alive connections. */
function client(address: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: WORKERS });
  return {
    address,
    agent,
    post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
      const payload = JSON.stringify(body);
      return new Promise<{ status: number; body: { [key: string]: unknown; error?: { code: string } } }>(
        (resolve, reject) => {
          const req = request(
            `${base}/api/otp/${path}`,
            {
              method: 'POST',
              agent,
              localAddress: address,
              headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
            },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (chunk) => {
                text += chunk;
              });
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
            },
          );
          req.on('error', reject);
          req.end(payload);
        },
      );
    },
  };
}

let numberSeq = 0;
// Valid UK mobiles, each in its own block of 100 (neighbours would trip the prefix velocity limit).
const newNumber = () => `+4475${String(++numberSeq * 100 + 10_000_000)}`;
const wrong = (code: string) => code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));

/** Runs `total` requests through WORKERS concurrent clients, each sending its next as soon as its last returns. */
async function closedLoop<T>(total: number, next: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let issued = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (issued < total) results.push(await next(issued++));
    }),
  );
  return results;
}

describe.each([2, 4])('%i BFF instances behind HAProxy, one shared Redis Cluster', (count) => {
  let instances: ServerProcess[] = [];
  let haproxy: Haproxy;
  const clients = new Map<string, ReturnType<typeof client>>();
  const from = (address: string) => {
    if (!clients.has(address)) clients.set(address, client(address));
    return clients.get(address)!;
  };
  // Each fleet its own client addresses, so the per-IP counters of one fleet do not reach into the other's.
  const ip = (host: number) => `127.0.${count}.${host}`;

  beforeAll(async () => {
    const env: ChildEnv = {
      ...store.env,
      PREFIX: `fleet${count}-${Date.now()}:`,
      OTP_SECRET: 'fleet-test-secret-0123456789abcdef0123456789',
      SIM_KEY: sim.devKey,
      SIM_SECRET: sim.devSecret,
      SIM_TEMPLATE: sim.templateId,
      SIM_URL: upstream.url,
      // The child's second mount (UniMTX) is not used by the fleet: pointed at the same simulator, never called.
      UNI_KEY_ID: 'unused',
      UNI_KEY_SECRET: 'unused',
      UNI_URL: upstream.url,
      STORE_TIMEOUT_MS: '8000',
      MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      IP_LIMIT: String(IP_LIMIT),
    };
    instances = await Promise.all(Array.from({ length: count }, () => startServer(childFile, env)));
    haproxy = await startHaproxy({ servers: instances.map(({ port }) => ({ port })) });
  }, 60_000);

  afterAll(async () => {
    await haproxy?.stop();
    for (const instance of instances) instance.stop();
    for (const c of clients.values()) c.agent.destroy();
  });

  let senders = 0;
  /** Opens `n` verifications, each call from a client address of its own (so they stay under its send limit). */
  async function open(n: number) {
    const sender = from(ip(100 + ++senders));
    const opened: { id: string; code: string }[] = [];
    for (let i = 0; i < n; i++) {
      const to = newNumber();
      const res = await sender.post(haproxy.url, 'send', { to });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      opened.push({ id: res.body.verificationId as string, code: sim.lastCode(to)! });
    }
    return opened;
  }

  it('wrong guesses in a closed loop: each verification reaches the provider exactly maxAttempts times, then 429', async () => {
    const verifications = await open(8);
    const before = sim.calls.verifications;
    const guesser = from(ip(2));
    // 20 guesses per verification (4x its budget), spread over every instance by the balancer.
    const results = await closedLoop(verifications.length * 20, (i) => {
      const v = verifications[i % verifications.length]!;
      return guesser.post(haproxy.url, 'verify', { verificationId: v.id, code: wrong(v.code) });
    });
    const budget = verifications.length * MAX_ATTEMPTS;
    expect(sim.calls.verifications - before).toBe(budget);
    expect(results.filter((r) => r.status === 200 && r.body.verified === false)).toHaveLength(budget);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused.map((r) => r.body.error?.code)).toEqual(refused.map(() => 'too_many_attempts'));
    // Spent for good: the right code itself is refused now, without a provider call.
    for (const v of verifications) {
      expect((await guesser.post(haproxy.url, 'verify', { verificationId: v.id, code: v.code })).status).toBe(429);
    }
    expect(sim.calls.verifications - before).toBe(budget);
  }, 60_000);

  it('the right code raced from every instance: accepted exactly once per verification', async () => {
    const verifications = await open(8);
    const before = sim.calls.verifications;
    const guesser = from(ip(3));
    const results = await closedLoop(verifications.length * 12, (i) => {
      const v = verifications[i % verifications.length]!;
      return guesser.post(haproxy.url, 'verify', { verificationId: v.id, code: v.code }).then((r) => ({ ...r, v }));
    });
    for (const v of verifications) {
      const mine = results.filter((r) => r.v === v);
      expect(mine.filter((r) => r.status === 200 && r.body.verified === true)).toHaveLength(1);
      // The losers: already verified, the budget reserved by racing requests, or 'expired' (a loser whose provider
      // check reads "expired or already verified" just before the winner marks the record: never a second success).
      for (const r of mine.filter((r) => r.status !== 200)) {
        expect(['already_verified', 'too_many_attempts', 'expired']).toContain(r.body.error?.code);
      }
    }
    expect(sim.calls.verifications - before).toBeLessThanOrEqual(verifications.length * MAX_ATTEMPTS);
  }, 60_000);

  it('the per-client send limit holds across the instances, keyed on the address HAProxy forwards', async () => {
    const honest = [from(ip(10)), from(ip(11))];
    // This one writes a new X-Forwarded-For on every request: HAProxy appends the real address after it, and the
    // servers trust only the last entry.
    const forger = from(ip(12));
    let forged = 0;
    const senders = [...honest, forger];
    const results = await closedLoop(senders.length * 2 * IP_LIMIT, (i) => {
      const sender = senders[i % senders.length]!;
      const headers: Record<string, string> =
        sender === forger ? { 'x-forwarded-for': `203.0.113.${++forged % 250}` } : {};
      return sender.post(haproxy.url, 'send', { to: newNumber() }, headers).then((r) => ({ ...r, sender }));
    });
    for (const sender of senders) {
      const mine = results.filter((r) => r.sender === sender);
      expect(mine, sender.address).toHaveLength(2 * IP_LIMIT);
      expect(mine.filter((r) => r.status === 200)).toHaveLength(IP_LIMIT);
      for (const r of mine.filter((r) => r.status !== 200)) expect(r.body.error?.code).toBe('rate_limited');
    }
  }, 60_000);

  it('every instance took its share, none answered a 5xx, none crashed', async () => {
    const stats = await haproxy.stats();
    expect(stats).toHaveLength(count);
    const total = stats.reduce((sum, s) => sum + s.requests, 0);
    for (const s of stats) {
      // Round robin: each gets its 1/count share, give or take the requests still in flight at a turn.
      expect(s.requests, s.name).toBeGreaterThanOrEqual(Math.floor(total / count) - WORKERS);
      expect(s.http5xx, s.name).toBe(0);
    }
    for (const { child, stderr } of instances) {
      expect(child.exitCode).toBeNull();
      expect(stderr()).not.toContain('UNHANDLED_REJECTION');
      expect(stderr()).not.toContain('LOG ');
    }
  });
});
