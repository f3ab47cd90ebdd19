// The runtimes section's load: opening verifications over HTTP, the closed-loop load (bench/bff/load.mjs in its own
// process), CPU time of a process from /proc; and, shared with the redis and stores sections (their in-process load,
// ../in-process/load.mjs), the number of open verifications and pooling rounds into one row.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const loadScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'bff', 'load.mjs');
/** Open verifications the load cycles through (each gets wrong codes only). */
export const VERIFICATIONS = 64;

/** CPU seconds (user + system, all threads) a process has used so far, from /proc (USER_HZ = 100). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After the command name (which may hold spaces): state is field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Opens VERIFICATIONS verifications through `base` (…/api/otp); the wrong-code verify bodies for them. */
export async function openVerifications(base, round) {
  const bodies = [];
  for (let i = 0; i < VERIFICATIONS; i++) {
    // Fresh numbers per round: EngageLab refuses a second send while a code is valid (3004). The simulator's codes
    // are random: '000000' is wrong with probability 1 - 1e-6 (a right one would be counted as an error).
    const to = `+86138${String(round).padStart(2, '0')}${String(i).padStart(6, '0')}`;
    const res = await fetch(`${base}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to }),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = await res.json();
    if (res.status !== 200) throw new Error(`send answered ${res.status}: ${JSON.stringify(answer)}`);
    bodies.push(JSON.stringify({ verificationId: answer.verificationId, code: '000000' }));
  }
  return bodies;
}

/** One load run in its own process: { count, total, errors, seconds, latencies }. */
export function closedLoad(options) {
  const child = fork(loadScript, [], { stdio: ['ignore', 2, 2, 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    // 'close', not 'exit': 'exit' may come before the IPC channel has delivered the child's last message.
    child.once('close', (code) => reject(new Error(`the load generator exited with ${code} and no figures`)));
    child.send(options);
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

/** Rounds of one row, pooled. `cpuMicros` per round (optional): CPU per request over all requests answered. */
export function summarize(runs) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const count = runs.reduce((s, r) => s + r.count, 0);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  return {
    rps: count / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    count,
    errors: runs.reduce((s, r) => s + r.errors, 0),
    perRound: runs.map((r) => (r.count / r.seconds).toFixed(0)).join(' / '),
    cpuPerRequest: runs.reduce((s, r) => s + (r.cpuMicros ?? 0), 0) / runs.reduce((s, r) => s + r.total, 0),
  };
}
