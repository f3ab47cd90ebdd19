// Every runtime's example (examples/runtimes/*.ts, the code the README's "Mount it" snippets are cut from) run in
// its real runtime as a child process on a free loopback port, against the BUILT package (the global setup builds
// it): Fastify and Hono on Node, Bun.serve, Deno.serve (from a packed tarball installed with npm, as a Deno user
// must) and a Cloudflare Worker on workerd with @upstash/redis talking to a real redis-server through a local
// endpoint that speaks Upstash's REST protocol. Each gets the same round trip over HTTP, and its client IP is
// proven by the per-IP send limit holding.
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type UpstashRest, upstashRest } from '../packages/bff/src/stores/redis/upstash-rest.test-helpers.js';
import { testRedis } from '../scripts/redis-server.mjs';
import { freePort, type RunningServer, serverEnv, startServer } from './servers.js';

const root = resolve(import.meta.dirname, '..');
const examples = join(root, 'examples/runtimes');
// The binaries themselves, not node_modules/.bin: deno's entry there is a Node wrapper that spawns the binary, and
// stopping the wrapper by its pid would leave the server running.
const BUN = join(root, 'node_modules/bun/bin/bun.exe');
const DENO = join(root, 'node_modules/deno/deno');
/** Inside the repository, so that Node and Bun resolve fastify, hono and @otpkit/bff (its dist) from its node_modules. */
const work = join(root, 'test-results/e2e/runtimes');
const logs = join(root, 'test-results/e2e/logs');
const SECRET = 'e2e-runtimes-secret-of-at-least-32-bytes!';
/** The default per-IP send limit (OtpHandlerOptions.ipLimit). */
const IP_LIMIT = 20;

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  mkdirSync(logs, { recursive: true });
});

/** A TypeScript example as plain ESM for Node 20 (no type stripping there), next to the repository's node_modules. */
async function compiled(name: string): Promise<string> {
  const outfile = join(work, `${name}.mjs`);
  await build({
    entryPoints: [join(examples, `${name}.ts`)],
    outfile,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
  return outfile;
}

/** The code the example's simulator printed for `to` (each example logs its "SMS"). */
async function codeFor(server: RunningServer, to: string): Promise<string> {
  const pattern = new RegExp(`SMS to \\${to}: your code is (\\d+)`);
  for (let tries = 0; tries < 100; tries++) {
    const match = pattern.exec(readFileSync(server.logFile, 'utf8'));
    if (match) return match[1]!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${server.name} logged no code for ${to}`);
}

/** Valid US numbers (libphonenumber), each in its own block of 100: neighbours would trip the prefix velocity
 * limit, which is not what these round trips test. */
const numbers = (area: number) => {
  let next = 0;
  return () => `+1${area}${200 + next++}0100`;
};

/**
 * The round trip every runtime must pass, as a browser on the page's own origin sends it, then the client IP:
 * `headers` go on every request (the worker's CF-Connecting-IP).
 */
async function roundTrip(server: RunningServer, area: number, headers: Record<string, string> = {}) {
  const base = server.url;
  const number = numbers(area);
  const post = (path: string, body: string, extra: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, ...headers, ...extra },
      body,
    });
  const json = async (response: Response) => {
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return (await response.json()) as Record<string, unknown>;
  };

  const to = number();
  const sent = await post('/api/otp/send', JSON.stringify({ to }));
  expect(sent.status).toBe(200);
  const { verificationId } = (await json(sent)) as { verificationId: string };
  const code = await codeFor(server, to);

  const wrongCode = code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
  const wrong = await post('/api/otp/verify', JSON.stringify({ verificationId, code: wrongCode }));
  expect(wrong.status).toBe(200);
  expect(await json(wrong)).toMatchObject({ verified: false, attemptsLeft: 4 });

  const right = await post('/api/otp/verify', JSON.stringify({ verificationId, code }));
  expect(right.status).toBe(200);
  const verified = (await json(right)) as { verified: boolean; proof: string };
  expect(verified.verified).toBe(true);

  // The app's own route checks the proof with otp.verifyProof; a forged one is refused.
  const accepted = await post('/api/proof', JSON.stringify({ proof: verified.proof }));
  expect(await accepted.json()).toEqual({ accepted: true, to });
  const forged = await post('/api/proof', JSON.stringify({ proof: `${verified.proof.slice(0, -4)}AAAA` }));
  expect(await forged.json()).toEqual({ accepted: false });

  const malformed = await post('/api/otp/send', `{"to": "${number()}",`);
  expect(malformed.status).toBe(400);
  expect(await json(malformed)).toMatchObject({ error: { code: 'invalid_request' } });

  const foreign = await post('/api/otp/send', JSON.stringify({ to: number() }), { origin: 'https://evil.example' });
  expect(foreign.status).toBe(403);
  expect(await json(foreign)).toMatchObject({ error: { code: 'forbidden' } });

  // The client IP reached the handler: the per-IP limit counts every send from it (one so far), so the send after
  // the limit is refused although each number is fresh. Without an IP the limit would be skipped (and logged).
  for (let sends = 1; sends < IP_LIMIT; sends++) {
    expect((await post('/api/otp/send', JSON.stringify({ to: number() }))).status).toBe(200);
  }
  const limited = await post('/api/otp/send', JSON.stringify({ to: number() }));
  expect(limited.status).toBe(429);
  expect(await json(limited)).toMatchObject({ error: { code: 'rate_limited' } });
  expect(readFileSync(server.logFile, 'utf8')).not.toContain('no client IP known');
  return { post, number };
}

/** For a server that prints nothing when it listens (workerd): started, logged, then polled until it answers. */
async function spawnQuiet(options: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  url: string;
}): Promise<RunningServer> {
  const logFile = join(logs, `runtime-${options.name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(options.command, options.args, { cwd: options.cwd, env: serverEnv({}), stdio: 'pipe' });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(force);
    }
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await fetch(options.url);
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`${options.name} did not start: ${String(error)}\n${readFileSync(logFile, 'utf8')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { name: options.name, url: options.url, pid: child.pid!, logFile, stop };
}

describe.sequential('runtimes: each example in its real runtime, over HTTP, on the built package', () => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });
  const run = async (options: Omit<Parameters<typeof startServer>[0], 'logFile' | 'env'> & { env?: object }) => {
    const server = await startServer({
      ...options,
      env: serverEnv({ OTP_SECRET: SECRET, PORT: '0', ...options.env }),
      logFile: join(logs, `runtime-${options.name}.log`),
    });
    servers.push(server);
    return server;
  };

  it('Fastify 5 on Node (toFastify from @otpkit/bff/fastify)', async () => {
    const server = await run({
      name: 'fastify',
      command: process.execPath,
      args: [await compiled('fastify')],
      cwd: work,
      ready: LISTENING,
    });
    await roundTrip(server, 415);
    await server.stop();
  });

  it('Hono on @hono/node-server (getConnInfo for the client IP)', async () => {
    const server = await run({
      name: 'hono',
      command: process.execPath,
      args: [await compiled('hono')],
      cwd: work,
      ready: LISTENING,
    });
    await roundTrip(server, 202);
    await server.stop();
  });

  it('Bun.serve (server.requestIP for the client IP)', async () => {
    const server = await run({ name: 'bun', command: BUN, args: ['bun.ts'], cwd: examples, ready: LISTENING });
    await roundTrip(server, 201);
    // Bun took the built package, as an app that installed it would (not the workspace's TypeScript source).
    const resolved = execFileSync(BUN, ['-e', 'console.log(Bun.resolveSync("@otpkit/bff", process.cwd()))'], {
      cwd: examples,
      encoding: 'utf8',
    });
    expect(resolved.trim()).toMatch(/packages\/bff\/dist\/index\.js$/);
    await server.stop();
  });

  it('Deno.serve: the packed package installs with npm, `deno check` passes, info.remoteAddr is the IP', async () => {
    const app = mkdtempSync(join(tmpdir(), 'otpkit-deno-'));
    try {
      execFileSync('pnpm', ['pack', '--pack-destination', app], { cwd: join(root, 'packages/bff'), stdio: 'pipe' });
      const tarball = readdirSync(app).find((file) => file.endsWith('.tgz'))!;
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify({ private: true, type: 'module', dependencies: { '@otpkit/bff': `file:./${tarball}` } }),
      );
      // How a Deno app uses a package that is not on the registry yet: npm installs it, Deno reads node_modules.
      writeFileSync(join(app, 'deno.json'), JSON.stringify({ nodeModulesDir: 'manual' }));
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
        cwd: app,
        stdio: 'pipe',
      });
      copyFileSync(join(examples, 'deno.ts'), join(app, 'main.ts'));
      const denoEnv = { ...serverEnv({}), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
      execFileSync(DENO, ['check', '--no-lock', 'main.ts'], { cwd: app, env: denoEnv, stdio: 'pipe' });

      const server = await run({
        name: 'deno',
        command: DENO,
        // Full --allow-env for now: creating the handler reads platform variables (VERCEL, NETLIFY, …) to refuse a
        // memory store on serverless, and Deno throws NotCapable on any variable not listed.
        args: ['run', '--no-lock', '--allow-net=127.0.0.1', '--allow-env', '--allow-read=.', 'main.ts'],
        cwd: app,
        env: { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
        ready: LISTENING,
      });
      await roundTrip(server, 212);
      await server.stop();
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });

  describe('Cloudflare Worker on workerd, store: @upstash/redis over HTTP to a real redis-server', () => {
    let redis: { url: string; stop(): Promise<void> };
    let upstash: UpstashRest;
    beforeAll(async () => {
      redis = await testRedis();
      upstash = await upstashRest(redis.url);
    });
    afterAll(async () => {
      await upstash?.close();
      await redis?.stop();
    });

    it('round trip, CF-Connecting-IP as the client IP, every store call over the REST endpoint', async () => {
      // What wrangler does: one ES module bundle for the workerd platform. ioredis (loaded by `redisStore` only
      // for `{ url }`) stays out of it.
      const dir = join(work, 'worker');
      mkdirSync(dir, { recursive: true });
      await build({
        entryPoints: [join(examples, 'worker.ts')],
        outfile: join(dir, 'worker.js'),
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        conditions: ['workerd', 'worker', 'browser'],
        mainFields: ['module', 'main'],
        external: ['node:*', 'ioredis'],
        logLevel: 'warning',
      });
      const port = await freePort();
      const binding = (name: string, value: string) => `(name = "${name}", text = ${JSON.stringify(value)})`;
      writeFileSync(
        join(dir, 'config.capnp'),
        `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The Upstash endpoint is on loopback; by default a worker may reach public addresses only.
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2026-11-01",
  globalOutbound = "loopback",
  bindings = [
    ${binding('OTP_SECRET', SECRET)},
    ${binding('UPSTASH_REDIS_REST_URL', upstash.url)},
    ${binding('UPSTASH_REDIS_REST_TOKEN', upstash.token)},
  ],
);
`,
      );
      const server = await spawnQuiet({
        name: 'workerd',
        command: join(root, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd'),
        args: ['serve', 'config.capnp'],
        cwd: dir,
        url: `http://127.0.0.1:${port}`,
      });
      servers.push(server);

      const commandsBefore = upstash.commands.length;
      const { post, number } = await roundTrip(server, 305, { 'cf-connecting-ip': '203.0.113.50' });
      // Another client (another CF-Connecting-IP) is not limited by the first one's sends.
      const other = await post('/api/otp/send', JSON.stringify({ to: number() }), {
        'cf-connecting-ip': '203.0.113.51',
      });
      expect(other.status).toBe(200);
      // The store lives in Redis: every call went through the REST endpoint as scripts.
      const commands = upstash.commands.slice(commandsBefore);
      expect(commands.length).toBeGreaterThan(20);
      expect(new Set(commands)).toEqual(new Set(['EVALSHA', 'EVAL'].filter((name) => commands.includes(name))));
      await server.stop();
    });
  });
});
