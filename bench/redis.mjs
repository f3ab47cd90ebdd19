// The Redis section of BENCHMARKS.md: verify throughput and latency through the handler with redisStore against
// memoryStore in the same run, and how many Redis round trips a send and a verify cost. Uses the BUILT packages
// (`pnpm bench` builds first) and a throwaway redis-server on a free loopback port.
import os from 'node:os';
import { createOtpHandler, engagelab, memoryStore } from '@otpkit/bff';
import { redisStore } from '@otpkit/bff/redis';
import { createEngageLabSimulator } from '@otpkit/bff/testing';
import { Cluster, Redis } from 'ioredis';
import { startRedisCluster } from '../scripts/redis-cluster.mjs';
import { startRedis } from '../scripts/redis-server.mjs';
import { RAISED_LIMITS } from './common/raised-limits.mjs';
import { call, load, newNumber, openVerifications } from './in-process/load.mjs';
import { summarize, VERIFICATIONS } from './runtimes/load.mjs';

const CONCURRENCY = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
/** Sends and verifies watched with MONITOR to count round trips. */
const COUNTED = 100;
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';

const sim = createEngageLabSimulator();
const quiet = { info() {}, warn() {}, error() {} };

/** `mode`: EngageLab's 'platform' (the provider checks codes) or 'custom' (we make and check them). */
function handler(store, mode = 'platform') {
  return createOtpHandler({
    // In-process upstream (the simulator's fetch, no HTTP): the same for both stores, so the difference between
    // the rows is the store.
    provider: engagelab({
      devKey: sim.devKey,
      devSecret: sim.devSecret,
      templateId: sim.templateId,
      fetch: sim.fetch,
      mode,
    }),
    secret: SECRET,
    store,
    ...RAISED_LIMITS,
    logger: quiet,
  });
}

/** Round trips per operation, seen by MONITOR (one line per command a client sends; a script counts once, the
 * commands it runs inside Redis are listed with source 'lua' and left out). */
async function roundTrips(url, mode) {
  const prefix = `rt-${mode}:`;
  const store = redisStore({ url, prefix });
  const otp = handler(store, mode);
  const monitorClient = new Redis(url);
  const monitor = await monitorClient.monitor();
  let seen = 0;
  monitor.on('monitor', (_time, args, source) => {
    if (source !== 'lua' && args.some((arg) => String(arg).startsWith(prefix))) seen++;
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
  const counted = async (run) => {
    await settle();
    const before = seen;
    await run();
    await settle();
    return (seen - before) / COUNTED;
  };
  try {
    const sent = [];
    const send = await counted(async () => {
      for (let i = 0; i < COUNTED; i++) {
        const to = newNumber();
        sent.push({ id: (await call(otp, 'send', { to })).verificationId, to });
      }
    });
    const wrong = await counted(async () => {
      for (const { id } of sent) await call(otp, 'verify', { verificationId: id, code: '000000' });
    });
    const right = await counted(async () => {
      for (const { id, to } of sent) await call(otp, 'verify', { verificationId: id, code: sim.lastCode(to) });
    });
    return { send, wrong, right };
  } finally {
    monitor.disconnect();
    monitorClient.disconnect();
    await store.close();
  }
}

/** Sends and wrong verifies through the handler on a Redis Cluster (3 primaries, 3 replicas) with an ioredis
 * `Cluster` and the default prefix; then the keys each primary holds. */
async function clusterShare(sends) {
  const cluster = await startRedisCluster();
  const client = new Cluster(cluster.startupNodes, { enableOfflineQueue: false });
  await new Promise((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });
  try {
    const otp = handler(redisStore({ client }));
    for (let i = 0; i < sends; i++) {
      const { verificationId } = await call(otp, 'send', { to: newNumber() });
      await call(otp, 'verify', { verificationId, code: '000000' });
    }
    const primaries = client.nodes('master');
    const counts = await Promise.all(primaries.map((node) => node.dbsize()));
    return primaries.map((node, i) => ({ node: `${node.options.host}:${node.options.port}`, keys: counts[i] }));
  } finally {
    client.disconnect();
    await cluster.stop();
  }
}

const ms = (v) => v.toFixed(2);
const verdict = (ok) => (ok ? 'met' : '**MISSED**');

export default async function run() {
  const loadBefore = os.loadavg()[0];
  const redis = await startRedis();
  const store = redisStore({ url: redis.url, prefix: 'bench:' });
  try {
    const stores = { memory: handler(memoryStore()), redis: handler(store) };
    const runs = { memory: [], redis: [] };
    // A-B-B-A: on a shared machine load drifts; alternating keeps that drift out of the ratio.
    for (const kind of ['memory', 'redis', 'redis', 'memory']) {
      const otp = stores[kind];
      const bodies = await openVerifications(otp);
      runs[kind].push(
        await load(otp, bodies, { connections: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS }),
      );
    }
    const memory = summarize(runs.memory);
    const red = summarize(runs.redis);
    const trips = await roundTrips(redis.url, 'platform');
    const local = await roundTrips(redis.url, 'custom');
    const CLUSTER_SENDS = 2000;
    const shares = await clusterShare(CLUSTER_SENDS);
    const clusterKeys = shares.reduce((sum, s) => sum + s.keys, 0);
    const info = new Redis(redis.url);
    const version = /redis_version:(\S+)/.exec(await info.info('server'))?.[1] ?? '';
    info.disconnect();
    const row = (name, r) =>
      `| ${name} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.count} | ${r.errors} |`;
    return [
      '## @otpkit/bff/redis: verify with redisStore vs. memoryStore',
      '',
      `Wrong-code verifies through \`createOtpHandler(...).handle(request)\` (no HTTP server: the difference between`,
      'the rows is the store), EngageLab provider against the simulator in-process, the same for both stores.',
      `${CONCURRENCY} concurrent requests in a closed loop over ${VERIFICATIONS} open verifications. redisStore talks`,
      `to a local redis-server ${version} on loopback (one Lua script, one round trip, per store call).`,
      `Rounds: memory, redis, redis, memory; each ${WARMUP_MS / 1000} s warmup + ${DURATION_MS / 1000} s measured,`,
      `pooled per store. Client, Redis and the simulator share ${os.availableParallelism()} cores (1-min load average`,
      `${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after): under contention redis-server's own process`,
      "gets CPU time besides the benchmark's, so compare latencies more than throughput.",
      '',
      '| store | verifies/s | p50 ms | p99 ms | verifies | errors |',
      '|---|---:|---:|---:|---:|---:|',
      row('memoryStore', memory),
      row('redisStore', red),
      '',
      "- memoryStore's latency is the handler's own CPU time (no I/O at all); redisStore's adds two loopback round",
      '  trips and the wait for the event loop between them.',
      `- redisStore does **${((red.rps / memory.rps) * 100).toFixed(0)}%** of memoryStore's verifies/s; p50 +${ms(red.p50 - memory.p50)} ms, p99 +${ms(red.p99 - memory.p99)} ms.`,
      '',
      `### Redis round trips per request (MONITOR, ${COUNTED} of each, sequential)`,
      '',
      '| request | provider-checked code (EngageLab platform) | locally checked code (EngageLab custom) | before (#14) |',
      '|---|---:|---:|---:|',
      `| send | ${trips.send.toFixed(2)} | ${local.send.toFixed(2)} | 4 |`,
      `| verify, wrong code | ${trips.wrong.toFixed(2)} | ${local.wrong.toFixed(2)} | 2 |`,
      `| verify, right code | ${trips.right.toFixed(2)} | ${local.right.toFixed(2)} | 2 |`,
      '',
      `- Target: a locally checked verify in 1 round trip, a provider-checked one in 2: ${verdict(local.wrong <= 1 && local.right <= 1 && trips.wrong <= 2 && trips.right <= 2)}. reserveAttempt reserves the attempt and counts the failure on the recipient's budgets in the same step, so a wrong code is ONE script; for a local code the handler passes the guess's keyed hash and the same script marks a right one verified. A provider-checked right code: reserveAttempt, the provider, then markVerified (which gives the failure back).`,
      "- A send: ONE script before the provider: the recipient's wrong-code lock (read), every send limit, and the resend",
      '  gate, whose window the same script picks by the sends of the day it counts. A locally checked code (made before',
      '  the provider is called) has its record saved by that same script: one round trip in all. A provider-checked',
      "  code's record holds the message id the provider answers with, so it is written by a second script after the",
      `  provider: ${trips.send.toFixed(0)} round trips (before #14: 4 commands in 3 round trips for both). Target (one round trip): ${verdict(local.send <= 1)} for a locally checked code; a provider-checked one cannot be written before the provider has answered.`,
      "  On Redis Cluster the first script is one per hash slot, side by side (the per-client and pumping counters live in other slots than the recipient's).",
      '- Every store call is one script (`@otpkit/bff/redis-scripts`), so any client that can EVAL makes the same count.',
      '',
      `### Keys per primary on a Redis Cluster (${CLUSTER_SENDS} sends + ${CLUSTER_SENDS} wrong verifies)`,
      '',
      'scripts/redis-cluster.mjs (3 primaries, 3 replicas of the same redis-server, loopback), `redisStore({ client })`',
      'with an ioredis `Cluster` and the default prefix. Every key about one recipient carries its shard tag as a hash tag,',
      'so each script runs on one node, and recipients spread over all of them.',
      '',
      '| primary | keys | share |',
      '|---|---:|---:|',
      ...shares.map((s) => `| ${s.node} | ${s.keys} | ${((s.keys / clusterKeys) * 100).toFixed(1)}% |`),
      '',
      '- The counters every send touches (the global send budget `sb:h`/`sb:d` and the country budget `cb:<country>`) are',
      '  split in 16 pieces by recipient on a cluster (`counterShards`), each with its share of the limit.',
    ].join('\n');
  } finally {
    await store.close();
    await redis.stop();
  }
}
