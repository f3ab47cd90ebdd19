// The stores section of BENCHMARKS.md: wrong-code verify throughput and latency through the handler over each store
// (memoryStore; redisStore on ioredis; redisStore on @upstash/redis, Redis over HTTP, through the local endpoint that
// speaks Upstash's REST protocol in front of a real redis-server; postgresStore on pg), side by side in one run, and
// how many round trips each store makes per verify. In-process (`otp.handle(request)`, no HTTP server in front): the
// difference between the rows is the store. Uses the BUILT packages (`pnpm bench` builds first).
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
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
import { RAISED_LIMITS } from './common/raised-limits.mjs';
import { call, load, newNumber, openVerifications } from './in-process/load.mjs';
import { summarize, VERIFICATIONS } from './runtimes/load.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONCURRENCY = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
/** Sequential verifies whose round trips are counted per store. */
const COUNTED = 100;
const STORES = ['memoryStore', 'redisStore (ioredis)', 'redisStore (@upstash/redis, HTTP)', 'postgresStore (pg)'];
/** The stores' short names, for the order of the rounds. */
const SHORT = ['memory', 'ioredis', 'Upstash', 'Postgres'];
const ORDER = [...STORES, ...[...STORES].reverse()];

const sim = createEngageLabSimulator();

function handler(store) {
  return createOtpHandler({
    // In-process upstream (the simulator's fetch): the same for every store.
    provider: engagelab({ devKey: sim.devKey, devSecret: sim.devSecret, templateId: sim.templateId, fetch: sim.fetch }),
    secret: 'stores-bench-secret-0123456789abcdef0123',
    store,
    logger: { info() {}, warn() {}, error: (message, fields) => console.error(message, fields) },
    ...RAISED_LIMITS,
  });
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
      const bodies = await openVerifications(otp);
      runs[name].push(
        await load(otp, bodies, { connections: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS }),
      );
    }
    const rows = STORES.map((name) => ({
      name,
      ...summarize(runs[name]),
      trips: trips[name],
      unit: stores[name].unit,
    }));
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
