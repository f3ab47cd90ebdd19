// Starts and stops a throwaway HAProxy (Debian's) in front of some loopback HTTP servers, for the fleet test and
// bench: a free loopback port, its config in its own temp dir, stopped by its pid. Round robin per request over
// kept-alive connections, and the client's address appended to X-Forwarded-For (so the servers behind it set
// `trustProxy`). A stats endpoint says how many requests each server got and how many answers were 5xx.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, freePort, startServer } from './server-process.mjs';

/** Path of the haproxy binary: $OTPKIT_HAPROXY, else the first on PATH (or /usr/sbin, where Debian puts it). */
export function findHaproxy() {
  return findExecutable('haproxy', 'OTPKIT_HAPROXY', ['/usr/sbin', '/usr/bin', '/usr/local/sbin']);
}

const connects = (port) =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** The config: one frontend, one backend of `servers`, and the stats page. */
function config({ port, statsPort, servers }) {
  return [
    'global',
    // One thread: the machines this runs on have few cores, shared with the servers behind it.
    '  nbthread 1',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  option http-keep-alive',
    // Appends `X-Forwarded-For: <the client's address>` (a header the client sent stays, before it): the servers
    // trust only the last entry.
    '  option forwardfor',
    'frontend otp',
    `  bind 127.0.0.1:${port}`,
    '  default_backend bff',
    'backend bff',
    '  balance roundrobin',
    ...servers.map((s, i) => `  server bff${i} ${s.host ?? '127.0.0.1'}:${s.port}`),
    'frontend stats',
    `  bind 127.0.0.1:${statsPort}`,
    '  stats enable',
    '  stats uri /stats',
    '',
  ].join('\n');
}

/**
 * Starts haproxy in the foreground (its pid is ours to stop) and waits until its frontend accepts connections.
 * @param {{ servers: { port: number, host?: string }[], timeoutMs?: number }} options
 */
export async function startHaproxy(options) {
  const bin = findHaproxy();
  const dir = mkdtempSync(join(tmpdir(), 'otpkit-haproxy-'));
  const port = await freePort();
  const statsPort = await freePort();
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config({ port, statsPort, servers: options.servers }));
  const { pid, stop, exited } = await startServer({
    name: 'haproxy',
    bin,
    // Given, so one try only: a retry on a new port would need a new config (the stats port in it too).
    port,
    // -db: stay in the foreground, no daemon (so the pid we hold is haproxy itself).
    args: () => ['-db', '-f', file],
    ready: async () => (await connects(port)) && (await connects(statsPort)),
    timeoutMs: options.timeoutMs ?? 10_000,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  });
  return { bin, pid, port, url: `http://127.0.0.1:${port}`, stats: () => stats(statsPort), stop, exited };
}

/** Per server behind it: requests sent to it, and answers by class, from the stats page's CSV. */
async function stats(statsPort) {
  const text = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
  const [header, ...rows] = text.trim().split('\n');
  const names = header.replace(/^# /, '').split(',');
  const col = (row, name) => row[names.indexOf(name)];
  return rows
    .map((line) => line.split(','))
    .filter((row) => col(row, 'pxname') === 'bff' && col(row, 'svname') !== 'BACKEND')
    .map((row) => ({
      name: col(row, 'svname'),
      requests: Number(col(row, 'stot')),
      http2xx: Number(col(row, 'hrsp_2xx')),
      http4xx: Number(col(row, 'hrsp_4xx')),
      http5xx: Number(col(row, 'hrsp_5xx')),
    }));
}
