// The stores section of BENCHMARKS.md: wrong-code verify throughput and latency through the handler over each store
// (memoryStore; redisStore on ioredis; redisStore on @upstash/redis, Redis over HTTP, through the local endpoint that
// speaks Upstash's REST protocol in front of a real redis-server; postgresStore on pg), side by side in one run, and
// how many round trips each store makes per verify. In-process (`otp.handle(request)`, no HTTP server in front): the
// difference between the rows is the store. Uses the BUILT packages (`pnpm bench` builds first).
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createOtpHandler, engagelab, memoryStore } from '@otpkit/bff';
import { migrate, postgresStore } from '@otpkit/bff/postgres';
import { redisStore } from '@otpkit/bff/redis';
import { createEngageLabSimulator } from '@otpkit/bff/testing';
import { Redis as UpstashRedis } from '@upstash/redis';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startPostgres } from '../scripts/postgres-server.mjs';
import { startRedis } from '../scripts/redis-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONCURRENCY = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const VERIFICATIONS = 64;
/** Sequential verifies whose round trips are counted per store. */
const COUNTED = 100;
const STORES = ['memoryStore', 'redisStore (ioredis)', 'redisStore (@upstash/redis, HTTP)', 'postgresStore (pg)'];
/** The stores' short names, for the order of the rounds. */
const SHORT = ['memory', 'ioredis', 'Upstash', 'Postgres'];
const ORDER = [...STORES, ...[...STORES].reverse()];
const many = 1_000_000_000;

const sim = createEngageLabSimulator();

function handler(store) {
  return createOtpHandler({
    // In-process upstream (the simulator's fetch): the same for every store.
    provider: engagelab({ devKey: sim.devKey, devSecret: sim.devSecret, templateId: sim.templateId, fetch: sim.fetch }),
    secret: 'stores-bench-secret-0123456789abcdef0123',
    store,
    logger: { info() {}, warn() {}, error: (message, fields) => console.error(message, fields) },
    maxAttempts: many,
    maxFailuresPerNumber: many,
    maxFailuresPerNumberPerDay: many,
    prefixVelocity: { digits: 2, limit: many, windowSeconds: 3600 },
    countryBudget: { default: many },
    sendBudget: { perHour: many, perDay: many },
  });
}

const request = (path, body) =>
  new Request(`http://127.0.0.1/api/otp/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function call(otp, path, body) {
  const res = await otp.handle(request(path, body));
  const answer = await res.json();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(answer)}`);
  return answer;
}

let numberSeq = 0;
const newNumber = () => `+8613${String(++numberSeq).padStart(9, '0')}`;

/** Closed loop: CONCURRENCY workers each verify a wrong code, wait for the answer, repeat (phases by the clock read
 * in the loop: with memoryStore a verify can complete in microtasks alone, and a timer would never get its turn). */
async function load(otp, bodies) {
  const latencies = [];
  let errors = 0;
  let next = 0;
  const start = performance.now();
  const measureFrom = start + WARMUP_MS;
  const end = measureFrom + DURATION_MS;
  async function worker() {
    while (performance.now() < end) {
      const t0 = performance.now();
      let ok = false;
      try {
        const res = await otp.handle(request('verify', bodies[next++ % bodies.length]));
        ok = res.status === 200 && (await res.json()).verified === false;
      } catch {}
      const t1 = performance.now();
      if (t1 >= measureFrom && t1 <= end) {
        latencies.push(t1 - t0);
        if (!ok) errors += 1;
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, errors, seconds: DURATION_MS / 1000 };
}

/** The Upstash REST endpoint (a TypeScript test helper of the package), bundled for this Node process. */
async function upstashEndpoint(redisUrl) {
  const dir = join(root, 'test-results/bench/stores');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'upstash-rest.mjs');
  await build({
    entryPoints: [join(root, 'packages/bff/src/stores/redis/upstash-rest.test-helpers.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'error',
  });
  const { upstashRest } = await import(pathToFileURL(outfile).href);
  return upstashRest(redisUrl);
}

/** Each store with a counter of its round trips: commands sent (ioredis), HTTP requests (Upstash), queries (pg). */
async function startStores() {
  const stopping = [];
  const stores = {};
  try {
    stores.memoryStore = { store: memoryStore({ singleInstance: true }), trips: () => 0, unit: '-' };

    const redisServer = await startRedis();
    stopping.push(() => redisServer.stop());
    const client = new Redis(redisServer.url);
    stopping.unshift(() => client.quit());
    let commands = 0;
    const sendCommand = client.sendCommand.bind(client);
    client.sendCommand = (command, stream) => {
      commands += 1;
      return sendCommand(command, stream);
    };
    stores['redisStore (ioredis)'] = {
      store: redisStore({ client, prefix: 'bench-ioredis:' }),
      trips: () => commands,
      unit: 'commands',
    };

    const upstash = await upstashEndpoint(redisServer.url);
    stopping.unshift(() => upstash.close());
    let requests = 0;
    const upstashClient = new UpstashRedis({ url: upstash.url, token: upstash.token });
    // Counts the client's HTTP requests to the endpoint (it calls the global fetch; a pipeline is one request).
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).startsWith(upstash.url)) requests += 1;
      return realFetch(input, init);
    };
    stopping.push(() => {
      globalThis.fetch = realFetch;
    });
    stores['redisStore (@upstash/redis, HTTP)'] = {
      store: redisStore({ client: upstashClient, prefix: 'bench-upstash:' }),
      trips: () => requests,
      unit: 'HTTP requests',
    };

    const postgres = await startPostgres();
    stopping.push(() => postgres.stop());
    const pool = new pg.Pool({ connectionString: postgres.url, max: 10 });
    stopping.unshift(() => pool.end());
    await migrate(pool);
    let queries = 0;
    const counted = {
      query: (text, params) => {
        queries += 1;
        return pool.query(text, params);
      },
    };
    stores['postgresStore (pg)'] = { store: postgresStore({ client: counted }), trips: () => queries, unit: 'queries' };
    return {
      stores,
      stop: async () => {
        for (const stop of stopping) await stop();
      },
    };
  } catch (error) {
    for (const stop of stopping) await stop().catch(() => {});
    throw error;
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

export default async function run() {
  const loadAvg = os.loadavg()[0].toFixed(1);
  const { stores, stop } = await startStores();
  try {
    const handlers = Object.fromEntries(STORES.map((name) => [name, handler(stores[name].store)]));
    // Round trips: sequential verifies (wrong codes) on one verification, counted around each.
    const trips = {};
    for (const name of STORES) {
      const otp = handlers[name];
      const { verificationId } = await call(otp, 'send', { to: newNumber() });
      const before = stores[name].trips();
      for (let i = 0; i < COUNTED; i++) await call(otp, 'verify', { verificationId, code: '000000' });
      trips[name] = (stores[name].trips() - before) / COUNTED;
    }
    const runs = Object.fromEntries(STORES.map((name) => [name, []]));
    for (const name of ORDER) {
      const otp = handlers[name];
      const bodies = [];
      for (let i = 0; i < VERIFICATIONS; i++) {
        const { verificationId } = await call(otp, 'send', { to: newNumber() });
        bodies.push({ verificationId, code: '000000' });
      }
      runs[name].push(await load(otp, bodies));
    }
    const rows = STORES.map((name) => {
      const latencies = runs[name].flatMap((r) => r.latencies).sort((a, b) => a - b);
      const seconds = runs[name].reduce((s, r) => s + r.seconds, 0);
      return {
        name,
        rps: latencies.length / seconds,
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
        count: latencies.length,
        errors: runs[name].reduce((s, r) => s + r.errors, 0),
        trips: trips[name],
        unit: stores[name].unit,
      };
    });
    return [
      '## Stores: verify over each store, side by side',
      '',
      'Wrong-code verifies through `createOtpHandler(...).handle(request)` in one Node process (no HTTP server: the',
      'difference between the rows is the store), the EngageLab simulator answering in-process. redisStore runs on',
      'ioredis against a local redis-server 7, and on @upstash/redis over HTTP through the local endpoint that speaks',
      "Upstash's REST protocol (the package's test helper) in front of the same redis-server; postgresStore on a pg",
      `Pool (10 connections) against a local PostgreSQL (scripts/postgres-server.mjs). ${CONCURRENCY} concurrent requests in a closed loop`,
      `over ${VERIFICATIONS} open verifications; rounds ${ORDER.map((n) => SHORT[STORES.indexOf(n)]).join(', ')}; each ${WARMUP_MS / 1000} s warmup + ${DURATION_MS / 1000} s measured, pooled per store.`,
      `Everything, the servers included, shares ${os.availableParallelism()} cores (load average when this section started: ${loadAvg}).`,
      '',
      '| store | verifies/s | p50 ms | p99 ms | round trips per verify | verifies | errors |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.unit === '-' ? '0' : `${r.trips.toFixed(2)} ${r.unit}`} | ${r.count} | ${r.errors} |`,
      ),
      '',
      `- Round trips: ${COUNTED} sequential wrong-code verifies per store, counted at the client: commands ioredis sent, HTTP requests @upstash/redis made (one per script; a pipeline would be one), statements pg ran.`,
    ].join('\n');
  } finally {
    await stop();
  }
}
