// The fleet section of BENCHMARKS.md: wrong-code verify throughput through HAProxy with 1, 2 and 4 BFF instances
// over one shared Redis, and where the CPU goes (per process kind) to say what the bottleneck is. Uses the BUILT
// packages (`pnpm bench` builds first), Debian's haproxy and redis-server, each process started and stopped by pid.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHaproxy } from '../scripts/haproxy.mjs';
import { startRedis } from '../scripts/redis-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FLEETS = [1, 2, 4];
/** Rounds, in order: each fleet measured twice, the second time in reverse order, to spread the machine's drift. */
const ORDER = [...FLEETS, ...[...FLEETS].reverse()];
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const VERIFICATIONS = 64;
const CHILD_TIMEOUT_MS = 60_000;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const HZ = 100;

/**
 * The Redis the fleet shares: one redis-server now. To measure the fleet on a Redis Cluster, start it here and
 * return `{ redis: { cluster: [url, ...] }, pids, stop }` (bench/fleet/server.mjs builds an ioredis Cluster for it).
 */
async function startStore() {
  const redis = await startRedis();
  return { redis: { url: redis.url }, pids: [redis.pid], stop: redis.stop };
}

const children = new Set();
function start(file, args = []) {
  const child = fork(file, args, { stdio: ['ignore', 2, 2, 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const first = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} gave no answer`)), CHILD_TIMEOUT_MS);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return { child, first };
}

/** Busy and total CPU seconds of the whole machine so far (every process, ours or not), from /proc/stat. */
function machineSeconds() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are the idle part.
  const total = ticks.slice(0, 8).reduce((s, t) => s + t, 0);
  return { busy: (total - ticks[3] - ticks[4]) / HZ, total: total / HZ };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at index 2 (state); utime, stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / HZ;
}

async function post(url, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = await res.json();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(answer)}`);
  return answer;
}

let numberSeq = 0;
async function openVerifications(base) {
  const bodies = [];
  for (let i = 0; i < VERIFICATIONS; i++) {
    // Fresh numbers: EngageLab refuses a second send while a code is valid (3004).
    const { verificationId } = await post(`${base}/send`, { to: `+8613${String(++numberSeq).padStart(9, '0')}` });
    bodies.push(JSON.stringify({ verificationId, code: '000000' }));
  }
  return bodies;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

export default async function run() {
  const loadAvg = os.loadavg()[0].toFixed(1);
  const store = await startStore();
  const fleets = new Map();
  try {
    const upstreamChild = start(join(here, 'bff', 'upstream.mjs'));
    const upstream = await upstreamChild.first;
    for (const count of FLEETS) {
      const config = JSON.stringify({ upstream, redis: store.redis, prefix: `fleet${count}:` });
      const servers = Array.from({ length: count }, () => start(join(here, 'fleet', 'server.mjs'), [config]));
      const ports = (await Promise.all(servers.map((s) => s.first))).map((m) => m.port);
      const haproxy = await startHaproxy({ servers: ports.map((port) => ({ port })) });
      fleets.set(count, { servers, haproxy, base: `${haproxy.url}/api/otp`, runs: [] });
    }
    for (const count of ORDER) {
      const fleet = fleets.get(count);
      const bodies = await openVerifications(fleet.base);
      const pids = {
        'BFF instances': fleet.servers.map((s) => s.child.pid),
        HAProxy: [fleet.haproxy.pid],
        Redis: store.pids,
        'EngageLab simulator': [upstreamChild.child.pid],
      };
      // CPU is read around the whole load run (warmup and measured window alike), like the bff section does.
      const load = start(join(here, 'bff', 'load.mjs'));
      pids['load generator'] = [load.child.pid];
      const used = () =>
        Object.fromEntries(Object.entries(pids).map(([k, ps]) => [k, ps.reduce((s, p) => s + cpuSeconds(p), 0)]));
      const before = used();
      const machineBefore = machineSeconds();
      const started = Date.now();
      load.child.send({
        url: `${fleet.base}/verify`,
        bodies,
        connections: CONNECTIONS,
        warmupMs: WARMUP_MS,
        durationMs: DURATION_MS,
      });
      // load.mjs answers before it exits: its CPU is read while it is still there.
      const result = await load.first;
      const after = used();
      const machineAfter = machineSeconds();
      const cpu = Object.fromEntries(Object.keys(pids).map((k) => [k, after[k] - before[k]]));
      const machineBusy = machineAfter.busy - machineBefore.busy;
      fleet.runs.push({ ...result, cpu, machineBusy, wall: (Date.now() - started) / 1000 });
    }
    const rows = FLEETS.map((count) => {
      const { runs, haproxy } = fleets.get(count);
      const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
      const verifies = runs.reduce((s, r) => s + r.count, 0);
      const seconds = runs.reduce((s, r) => s + r.seconds, 0);
      const cpu = {};
      for (const r of runs) for (const [k, v] of Object.entries(r.cpu)) cpu[k] = (cpu[k] ?? 0) + v;
      const wall = runs.reduce((s, r) => s + r.wall, 0);
      const machineBusy = runs.reduce((s, r) => s + r.machineBusy, 0);
      const total = runs.reduce((s, r) => s + r.total, 0);
      return {
        count,
        rps: verifies / seconds,
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
        verifies,
        errors: runs.reduce((s, r) => s + r.errors, 0),
        perRound: runs.map((r) => (r.count / r.seconds).toFixed(0)).join(' / '),
        cpu,
        wall,
        total,
        machineBusy,
        haproxy,
      };
    });
    for (const row of rows) row.stats = await row.haproxy.stats();
    const one = rows[0].rps;
    const kinds = Object.keys(rows[0].cpu);
    const cores = os.availableParallelism();
    return [
      '## Fleet: BFF instances behind HAProxy, one shared Redis',
      '',
      `Wrong-code verifies through HAProxy ${'(Debian, round robin per request, X-Forwarded-For appended)'} to 1, 2`,
      'and 4 BFF processes (node:http + `toNodeHandler`, `trustProxy: true`, redisStore over ioredis on one',
      `redis-server), the EngageLab simulator as the upstream; ${CONNECTIONS} concurrent keep-alive connections in a closed loop`,
      `(bench/bff/load.mjs) over ${VERIFICATIONS} open verifications, budgets raised so every verify asks the provider.`,
      `Rounds: ${ORDER.join(', ')} instances; each ${DURATION_MS / 1000} s measured after ${WARMUP_MS / 1000} s of warmup, pooled per fleet.`,
      `Everything shares the machine's ${cores} cores; load average when this section started: ${loadAvg}.`,
      '',
      '| instances | verifies/s | x 1 instance | p50 ms | p99 ms | verifies | errors | requests per instance (HAProxy) |',
      '|---:|---:|---:|---:|---:|---:|---:|---|',
      ...rows.map(
        (r) =>
          `| ${r.count} | ${r.rps.toFixed(0)} | ${(r.rps / one).toFixed(2)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.verifies} | ${r.errors} | ${r.stats.map((s) => s.requests).join(' / ')} (5xx: ${r.stats.reduce((s, x) => s + x.http5xx, 0)}) |`,
      ),
      '',
      'Where the CPU goes: cores busy on average over each load run (warmup included), and CPU µs per verify:',
      '',
      `| instances | ${kinds.join(' | ')} | total | the whole machine (any process) |`,
      `|---:|${kinds.map(() => '---:').join('|')}|---:|---:|`,
      ...rows.map((r) => {
        const total = kinds.reduce((s, k) => s + r.cpu[k], 0);
        const cell = (v) => `${(v / r.wall).toFixed(2)} (${((v / r.total) * 1e6).toFixed(0)} µs)`;
        return `| ${r.count} | ${kinds.map((k) => cell(r.cpu[k])).join(' | ')} | ${cell(total)} | ${(r.machineBusy / r.wall).toFixed(2)} |`;
      }),
      '',
      `- Per added instance: 2 instances do **${(rows[1].rps / one).toFixed(2)}x** and 4 do **${(rows[2].rps / one).toFixed(2)}x** the verifies/s of one (requests/s per round, in order of the rounds above: ${rows.map((r) => `${r.count}: ${r.perRound}`).join('; ')}).`,
      `- The bottleneck: ${bottleneck(rows, kinds, cores)}`,
    ].join('\n');
  } finally {
    for (const fleet of fleets.values()) await fleet.haproxy.stop();
    for (const child of children) child.kill();
    await store.stop();
  }
}

/** Where the time goes, from the figures. */
function bottleneck(rows, kinds, cores) {
  const ours = (r) => kinds.reduce((s, k) => s + r.cpu[k], 0) / r.wall;
  const machine = (r) => r.machineBusy / r.wall;
  const share = (r, k) => ((100 * r.cpu[k]) / kinds.reduce((s, x) => s + r.cpu[x], 0)).toFixed(0);
  const last = rows.at(-1);
  const top = [...kinds].sort((a, b) => last.cpu[b] - last.cpu[a]);
  const saturated = rows.every((r) => machine(r) >= cores * 0.9);
  return [
    `the machine's ${cores} cores were ${rows.map((r) => machine(r).toFixed(2)).join(' / ')} busy during the 1 / 2 / 4-instance runs, `,
    `this bench's own processes ${rows.map((r) => ours(r).toFixed(2)).join(' / ')} of them. `,
    rows.some((r) => ours(r) < cores / 2)
      ? 'Other work on the machine took most of the cores during this run, so the ratios say little: more processes also get a larger share of a contended machine from the scheduler. '
      : '',
    saturated
      ? 'The cores are saturated from one instance on, so an added instance can only share them: on 2 cores the ratio stays near 1 (or below: more processes, more switching), and the throughput per instance is bounded by CPU, not by the BFF design. '
      : 'The cores are not all busy, so an added instance adds throughput until they are. ',
    `CPU per verify at ${last.count} instances, by share: ${top.map((k) => `${k} ${share(last, k)}%`).join(', ')} `,
    '(the load generator and the EngageLab simulator stand in for the internet and the provider, and would not be on these cores in production; HAProxy and Redis take little).',
  ].join('');
}
