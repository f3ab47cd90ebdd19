// The runtimes section of BENCHMARKS.md: wrong-code verify throughput and latency of the same app (bench/runtimes/
// app.mjs: the real handler, memoryStore, the EngageLab simulator in-process) served by Node (node:http +
// toNodeHandler), Bun (Bun.serve), Deno (Deno.serve) and workerd (a Worker), side by side in one run. Each app is
// bundled from the BUILT package (`pnpm bench` builds first) with esbuild and run by the runtime the repository's
// e2e uses (the npm packages bun, deno and workerd), as a child process stopped by its pid.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { freePort } from '../scripts/server-process.mjs';
import { closedLoad, cpuSeconds, openVerifications, summarize } from './runtimes/load.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const here = join(root, 'bench/runtimes');
const work = join(root, 'test-results/bench/runtimes');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
const RUNTIMES = ['Node', 'Bun', 'Deno', 'workerd'];
/** Each runtime twice, the second pass in reverse order, to spread the machine's drift over all of them. */
const ORDER = [...RUNTIMES, ...[...RUNTIMES].reverse()];

const neutral = {
  platform: 'neutral',
  mainFields: ['module', 'main'],
  // @otpkit/bff/testing imports node:http only in listen(), which the app never calls.
  external: ['node:*'],
};

async function bundle(entry, options) {
  const outfile = join(work, entry);
  await build({
    entryPoints: [join(here, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    logLevel: 'error',
    ...options,
  });
  return outfile;
}

/** Starts `command`, logs its output, resolves when it prints its URL (or, for workerd, answers on `url`). */
async function launch(name, command, args, cwd, url) {
  const logFile = join(work, `${name}.log`);
  const log = createWriteStream(logFile);
  const env = { ...process.env, NODE_ENV: 'production', DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  const seen = new Promise((resolve) => {
    const onData = (chunk) => {
      log.write(chunk);
      output += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(force);
  };
  const deadline = Date.now() + 30_000;
  const answers = async () => {
    if (!url) return undefined;
    try {
      await fetch(url);
      return url;
    } catch {
      return undefined;
    }
  };
  for (;;) {
    const ready = await Promise.race([seen, new Promise((r) => setTimeout(r, 100)).then(answers)]);
    if (ready) return { name, url: ready, pid: child.pid, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not start. Log:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
  }
}

async function startRuntimes() {
  mkdirSync(work, { recursive: true });
  const servers = {};
  try {
    servers.Node = await launch('node', process.execPath, [await bundle('node.mjs', { platform: 'node' })], work);
    const bun = join(root, 'node_modules/bun/bin/bun.exe');
    servers.Bun = await launch('bun', bun, [await bundle('bun.mjs', { platform: 'node' })], work);
    const deno = join(root, 'node_modules/deno/deno');
    await bundle('deno.mjs', neutral);
    servers.Deno = await launch(
      'deno',
      deno,
      ['run', '--no-lock', '--allow-net=127.0.0.1', '--allow-env', 'deno.mjs'],
      work,
    );
    await bundle('worker.mjs', { ...neutral, conditions: ['workerd', 'worker', 'browser'] });
    const port = await freePort();
    writeFileSync(
      join(work, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.mjs", esModule = embed "worker.mjs") ],
  compatibilityDate = "2026-11-01",
);
`,
    );
    const workerd = join(root, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd');
    servers.workerd = await launch('workerd', workerd, ['serve', 'config.capnp'], work, `http://127.0.0.1:${port}`);
    return servers;
  } catch (error) {
    for (const server of Object.values(servers)) await server.stop();
    throw error;
  }
}

export default async function run() {
  const loadAvg = os.loadavg()[0].toFixed(1);
  const servers = await startRuntimes();
  try {
    const runs = Object.fromEntries(RUNTIMES.map((r) => [r, []]));
    for (const [round, name] of ORDER.entries()) {
      const base = `${servers[name].url}/api/otp`;
      const bodies = await openVerifications(base, round);
      const before = cpuSeconds(servers[name].pid);
      const result = await closedLoad({
        url: `${base}/verify`,
        bodies,
        connections: CONNECTIONS,
        warmupMs: WARMUP_MS,
        durationMs: DURATION_MS,
      });
      runs[name].push({ ...result, cpuMicros: (cpuSeconds(servers[name].pid) - before) * 1e6 });
    }
    const rows = RUNTIMES.map((name) => ({ name, ...summarize(runs[name]) }));
    const node = rows[0];
    return [
      '## Runtimes: the same app on Node, Bun, Deno and workerd',
      '',
      'Wrong-code verifies over HTTP on loopback to one app (bench/runtimes/app.mjs: `createOtpHandler` with',
      '`memoryStore`, the EngageLab simulator answering in-process, budgets raised so every verify asks it), bundled',
      'by esbuild from the built package and served by each runtime the way its README snippet mounts it: Node',
      '`node:http` + `toNodeHandler`, `Bun.serve`, `Deno.serve`, and a Worker on `workerd serve` (npm packages',
      `bun, deno, @cloudflare/workerd-linux-64, as in e2e/runtimes.e2e.test.ts). ${CONNECTIONS} concurrent keep-alive connections in a`,
      `closed loop from a separate Node process (bench/bff/load.mjs). Rounds: ${ORDER.join(', ')}; each ${DURATION_MS / 1000} s measured`,
      `after ${WARMUP_MS / 1000} s of warmup, pooled per runtime. Client and server share ${os.availableParallelism()} cores (load average`,
      `when this section started: ${loadAvg}), so compare the runtimes with each other, not with other machines.`,
      '',
      '| runtime | verifies/s | x Node | p50 ms | p99 ms | server CPU µs/verify | verifies | errors |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.rps.toFixed(0)} | ${(r.rps / node.rps).toFixed(2)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpuPerRequest.toFixed(0)} | ${r.count} | ${r.errors} |`,
      ),
      '',
      `- Requests/s per round, in order: ${rows.map((r) => `${r.name} ${r.perRound}`).join('; ')}.`,
      '- Server CPU is the runtime process (all its threads) over warmup and measured window, per verify answered.',
    ].join('\n');
  } finally {
    for (const server of Object.values(servers)) await server.stop();
  }
}
