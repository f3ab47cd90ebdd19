import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { upstashRest } from '../packages/bff/src/stores/redis/upstash-rest.test-helpers.js';
import { testRedis } from '../scripts/redis-server.mjs';
import { freePort, type RunningServer, serverEnv, startServer } from './servers.js';

const root = resolve(import.meta.dirname, '..');
const demoDir = join(root, 'examples/demo');
const nextDir = join(root, 'examples/next');
export const resultsDir = join(root, 'test-results/e2e');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The demo on the default settings (code lifetime 300 s, cooldown 60 s). */
    demoUrl: string;
    /** The demo with OTP_CODE_TTL_SECONDS=4 and OTP_RESEND_COOLDOWN_SECONDS=2, for expiry and cooldown. */
    shortDemoUrl: string;
    /** The demo with OTP_BOT_CHECK=turnstile (Cloudflare's test keys on the siteverify simulator, offline). */
    botDemoUrl: string;
    /** The Next.js example, built with `next build` and served by `next start`. */
    nextUrl: string;
    /** The redis-server behind the Upstash REST endpoint that the Next example's edge route uses as its store. */
    nextRedisUrl: string;
    /** Server name -> log file, to point at when a test fails. */
    serverLogs: Record<string, string>;
  }
}

/** Newest modification time under `paths` (files or folders), skipping build output and dependencies. */
function newest(paths: string[]): number {
  let latest = 0;
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    // A folder's own time counts too: deleting a file changes only its folder.
    latest = Math.max(latest, stat.mtimeMs);
    if (!stat.isDirectory()) return;
    for (const entry of readdirSync(path)) {
      if (entry !== 'node_modules' && entry !== 'dist' && entry !== '.next') walk(join(path, entry));
    }
  };
  for (const path of paths) walk(path);
  return latest;
}

/** Oldest modification time of `outputs`, or 0 when one is missing (= must build). */
function oldest(outputs: string[]): number {
  return Math.min(...outputs.map((path) => (existsSync(path) ? statSync(path).mtimeMs : 0)));
}

function buildIfStale(name: string, inputs: string[], outputs: string[], command: string[], cwd = root): void {
  if (oldest(outputs) > newest(inputs)) return;
  const started = Date.now();
  // `npm test` builds the packages just before; here only what changed since is rebuilt.
  execFileSync('pnpm', command, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
  });
  console.log(`e2e: built ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export default async function setup(project: TestProject) {
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(join(resultsDir, 'logs'), { recursive: true });

  const packages = ['bff', 'react'].map((name) => join(root, 'packages', name));
  const packageOutputs = [join(root, 'packages/bff/dist/index.js'), join(root, 'packages/react/dist/index.js')];
  buildIfStale('packages', packages, packageOutputs, ['--filter', './packages/*', 'build']);
  buildIfStale(
    'demo',
    [
      join(demoDir, 'src'),
      join(demoDir, 'server'),
      join(demoDir, 'index.html'),
      join(demoDir, 'vite.config.ts'),
      ...packageOutputs,
    ],
    [join(demoDir, 'dist/server.js'), join(demoDir, 'dist/page/index.html')],
    ['run', 'build:demo'],
    demoDir,
  );
  buildIfStale(
    'next example',
    [
      join(nextDir, 'app'),
      join(nextDir, 'lib'),
      join(nextDir, 'pages'),
      join(nextDir, 'next.config.mjs'),
      ...packageOutputs,
    ],
    [join(nextDir, '.next/BUILD_ID')],
    ['run', 'build'],
    nextDir,
  );

  const servers: RunningServer[] = [];
  // The Next example's edge route keeps its store in Redis over HTTP (@upstash/redis), as on Vercel's edge: a
  // local endpoint speaking Upstash's REST protocol in front of a real redis-server.
  const redis = await testRedis();
  const upstash = await upstashRest(redis.url).catch(async (error) => {
    await redis.stop();
    throw error;
  });
  const stopAll = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await upstash.close();
    await redis.stop();
  };
  try {
    const demo = (name: string, env: Record<string, string>) =>
      startServer({
        name,
        command: process.execPath,
        args: ['dist/server.js'],
        cwd: demoDir,
        env: serverEnv({ PORT: '0', HOST: '127.0.0.1', ...env }),
        logFile: join(resultsDir, 'logs', `${name}.log`),
        ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      });
    const nextPort = await freePort();
    const settled = await Promise.allSettled([
      demo('demo', {}),
      demo('demo-short', { OTP_CODE_TTL_SECONDS: '4', OTP_RESEND_COOLDOWN_SECONDS: '2' }),
      demo('demo-bot', { OTP_BOT_CHECK: 'turnstile' }),
      startServer({
        name: 'next',
        command: process.execPath,
        args: [join(nextDir, 'node_modules/next/dist/bin/next'), 'start', '-p', String(nextPort), '-H', '127.0.0.1'],
        cwd: nextDir,
        // One secret for the Node and the edge routes (each edge route is its own isolate), and the edge store.
        env: serverEnv({
          OTP_SECRET: 'e2e-next-secret-shared-by-node-and-edge-routes',
          UPSTASH_REDIS_REST_URL: upstash.url,
          UPSTASH_REDIS_REST_TOKEN: upstash.token,
        }),
        logFile: join(resultsDir, 'logs', 'next.log'),
        ready: /Ready in/,
        url: `http://127.0.0.1:${nextPort}`,
        timeoutMs: 60_000,
      }),
    ]);
    for (const result of settled) if (result.status === 'fulfilled') servers.push(result.value);
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const started = servers;
    const [demoServer, shortServer, botServer, nextServer] = started as [
      RunningServer,
      RunningServer,
      RunningServer,
      RunningServer,
    ];
    project.provide('demoUrl', demoServer.url);
    project.provide('shortDemoUrl', shortServer.url);
    project.provide('botDemoUrl', botServer.url);
    project.provide('nextUrl', nextServer.url);
    project.provide('nextRedisUrl', redis.url);
    project.provide('serverLogs', Object.fromEntries(started.map((server) => [server.name, server.logFile])));
  } catch (error) {
    await stopAll();
    throw error;
  }

  return async () => {
    await stopAll();
  };
}
