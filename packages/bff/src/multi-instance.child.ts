// One BFF server process of the multi-instance and fleet tests: the real handler over redisStore or postgresStore,
// served by node:http. The tests bundle this file and fork it (server-process.test-helpers.ts); settings come from
// the environment, and the child tells its parent the port it listens on.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Cluster, Redis } from 'ioredis';
import pg from 'pg';
import { toNodeHandler } from './adapters/node.js';
import { createOtpHandler } from './http/handler.js';
import { engagelab } from './providers/engagelab.js';
import { unimtx } from './providers/unimtx.js';
import { migrate, postgresStore } from './stores/postgres/index.js';
import { redisStore } from './stores/redis/index.js';
import type { OtpStore } from './stores/types.js';

/** What the parent passes in the environment. */
export interface ChildEnv {
  /** Which store: redisStore({ url: STORE_URL }), redisStore over an ioredis Cluster (STORE_URL: its startup nodes,
   * `host:port,host:port,…`) or postgresStore over a pg Pool on STORE_URL. */
  STORE: 'redis' | 'redis-cluster' | 'postgres';
  STORE_URL: string;
  PREFIX: string;
  OTP_SECRET: string;
  SIM_KEY: string;
  SIM_SECRET: string;
  SIM_TEMPLATE: string;
  SIM_URL: string;
  /** The UniMTX simulator behind the second mount, `/api/otp-unimtx` (a new code on every send: several live
   * verifications of one number, for the burst test). */
  UNI_KEY_ID: string;
  UNI_KEY_SECRET: string;
  UNI_URL: string;
  STORE_TIMEOUT_MS: string;
  MAX_ATTEMPTS: string;
  IP_LIMIT: string;
}

function env(name: keyof ChildEnv): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`multi-instance child: ${name} is not set`);
  return value;
}

// Any unhandled rejection is a bug the test exists to catch: make it visible and fatal.
process.on('unhandledRejection', (error) => {
  console.error('UNHANDLED_REJECTION', error);
  process.exit(70);
});

async function createStore(): Promise<OtpStore> {
  const timeoutMs = Number(env('STORE_TIMEOUT_MS'));
  if (env('STORE') === 'redis-cluster') {
    const nodes = env('STORE_URL')
      .split(',')
      .map((node) => ({ host: node.split(':')[0] ?? '', port: Number(node.split(':')[1]) }));
    // The same fail-fast settings per node; the cluster client follows MOVED after a failover on its own.
    const client = new Cluster(nodes, {
      enableOfflineQueue: false,
      redisOptions: {
        commandTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
      },
      clusterRetryStrategy: (times) => Math.min(times * 100, 1000),
      // A command for a dead primary's slots is retried a few times 100 ms apart (ioredis' default: 16), then
      // fails: a 503 the browser may retry, instead of a request held for the whole failover.
      maxRedirections: 3,
    });
    client.on('error', () => {});
    return redisStore({ client, prefix: env('PREFIX'), timeoutMs });
  }
  if (env('STORE') === 'redis') {
    // The app's own ioredis client with the fail-fast settings redisStore({ url }) would use: this file is bundled
    // whole into a temp dir, where `{ url }`'s run-time import of ioredis would find no node_modules.
    const client = new Redis(env('STORE_URL'), {
      enableOfflineQueue: false,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    });
    client.on('error', () => {});
    return redisStore({ client, prefix: env('PREFIX'), timeoutMs });
  }
  const pool = new pg.Pool({ connectionString: env('STORE_URL'), max: 10, connectionTimeoutMillis: timeoutMs });
  // An idle connection the server drops (the outage test) emits 'error' on the pool: without a listener, a crash.
  pool.on('error', () => {});
  // Both children run it at start-up, at the same time: migrate is idempotent and serialized by an advisory lock.
  await migrate(pool);
  return postgresStore({ client: pool, timeoutMs });
}

// The handlers' clock: real time plus what the parent has advanced it by (a `{ advance: ms }` message, answered
// with `{ advanced }`), so cooldowns pass without sleeping. Both children are advanced together.
let offset = 0;
process.on('message', (message) => {
  const advance = (message as { advance?: unknown }).advance;
  if (typeof advance !== 'number') return;
  offset += advance;
  process.send?.({ advanced: offset });
});
const now = () => Date.now() + offset;

// (No top-level await: the test bundles this file as CommonJS.)
createStore().then((store) => {
  // Errors go to stderr, one JSON line each, for the parent to read (the outage must be logged with its cause).
  const logger = {
    info() {},
    warn() {},
    error: (message: string, fields?: Record<string, unknown>) =>
      console.error(`LOG ${JSON.stringify({ message, ...fields })}`),
  };
  const common = {
    secret: env('OTP_SECRET'),
    store,
    maxAttempts: Number(env('MAX_ATTEMPTS')),
    ipLimit: { limit: Number(env('IP_LIMIT')), windowSeconds: 3600 },
    trustProxy: true,
    logger,
    now,
    // The simulator answers from the test's own process, which is busy sending 500 requests at once: on a loaded
    // machine an answer can take longer than the 8 s default, and a 503 is not what these tests are about.
    timeoutMs: 30_000,
  };
  const otp = createOtpHandler({
    provider: engagelab({
      devKey: env('SIM_KEY'),
      devSecret: env('SIM_SECRET'),
      templateId: env('SIM_TEMPLATE'),
      baseUrl: env('SIM_URL'),
    }),
    ...common,
  });
  const uni = createOtpHandler({
    provider: unimtx({
      accessKeyId: env('UNI_KEY_ID'),
      accessKeySecret: env('UNI_KEY_SECRET'),
      baseUrl: env('UNI_URL'),
    }),
    ...common,
    resendCooldownSeconds: 1,
    numberLimit: { limit: 100, windowSeconds: 600 },
  });
  const handlers = [toNodeHandler(otp), toNodeHandler(uni)] as const;
  const server = createServer((request, response) =>
    (request.url?.startsWith('/api/otp-unimtx/') ? handlers[1] : handlers[0])(request, response),
  );
  // Idle keep-alive sockets stay open for the whole test: a server closing one just as the test's client sends on it
  // is a socket error ("other side closed") that says nothing about the store (seen once in a loaded full run).
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
});
process.on('disconnect', () => process.exit(0));
