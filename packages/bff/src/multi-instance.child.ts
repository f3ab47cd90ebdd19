// One BFF server process of multi-instance.test.ts: the real handler over redisStore, served by node:http. The test
// bundles this file with esbuild (Node 20 cannot run TypeScript) and forks two of it; settings come from the
// environment, and the child tells its parent the port it listens on.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from './adapters/node.js';
import { createOtpHandler } from './http/handler.js';
import { engagelab } from './providers/engagelab.js';
import { redisStore } from './stores/redis/index.js';

/** What the parent passes in the environment. */
export interface ChildEnv {
  REDIS_URL: string;
  PREFIX: string;
  OTP_SECRET: string;
  SIM_KEY: string;
  SIM_SECRET: string;
  SIM_TEMPLATE: string;
  SIM_URL: string;
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

const otp = createOtpHandler({
  provider: engagelab({
    devKey: env('SIM_KEY'),
    devSecret: env('SIM_SECRET'),
    templateId: env('SIM_TEMPLATE'),
    baseUrl: env('SIM_URL'),
  }),
  secret: env('OTP_SECRET'),
  store: redisStore({ url: env('REDIS_URL'), prefix: env('PREFIX'), timeoutMs: Number(env('STORE_TIMEOUT_MS')) }),
  maxAttempts: Number(env('MAX_ATTEMPTS')),
  ipLimit: { limit: Number(env('IP_LIMIT')), windowSeconds: 3600 },
  trustProxy: true,
  // Errors go to stderr, one JSON line each, for the parent to read (the outage must be logged with its cause).
  logger: {
    info() {},
    warn() {},
    error: (message, fields) => console.error(`LOG ${JSON.stringify({ message, ...fields })}`),
  },
});

const server = createServer(toNodeHandler(otp));
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
