// Starts and stops a throwaway redis-server for tests and benchmarks: a free loopback port, its own temp dir, stopped
// by its pid. Shared by scripts/with-redis.mjs, the Redis tests (when run without it) and bench/redis.mjs.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, startServer } from './server-process.mjs';

/** Path of the redis-server binary: $OTPKIT_REDIS_SERVER, else the first on PATH (or /usr/bin, /usr/sbin). */
export function findRedisServer() {
  return findExecutable('redis-server', 'OTPKIT_REDIS_SERVER', ['/usr/bin', '/usr/sbin', '/usr/local/bin']);
}

/** Resolves true when something on the port answers PING with +PONG within `timeoutMs`. */
export function ping(port, timeoutMs = 200) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * Starts redis-server on 127.0.0.1 and waits until it answers PING.
 * `port`: reuse a port (restart after an outage); default: a free one.
 * `persist`: an append-only file in its own dir, so a restart on the same `dir` keeps every acknowledged write
 * (without it, a restarted Redis is empty). Redis write()s the AOF buffer before it replies to any client ("we are
 * required to write the AOF before replying to the client", aof.c flushAppendOnlyFile), so a killed redis-server
 * loses nothing it acknowledged: the kernel holds the data. `appendfsync no`, because fsync only adds safety against
 * the MACHINE going down, and `always` puts a disk wait on Redis' main thread for every write: a suspect in one loaded
 * full test run whose store calls timed out (not reproduced on demand). (`everysec` is no good either: it may
 * postpone the write itself while a background fsync runs.)
 * `args`: more redis-server arguments (cluster mode: scripts/redis-cluster.mjs).
 * @param {{ port?: number, dir?: string, persist?: boolean, timeoutMs?: number, args?: string[] }} [options]
 */
export async function startRedis(options = {}) {
  const bin = findRedisServer();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'otpkit-redis-'));
  mkdirSync(dir, { recursive: true });
  const more = options.persist ? ['--appendonly', 'yes', '--appendfsync', 'no'] : ['--appendonly', 'no'];
  more.push(...(options.args ?? []));
  const { port, pid, stop, exited, running } = await startServer({
    name: 'redis-server',
    bin,
    port: options.port,
    args: (port) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...more],
    ready: (port) => ping(port),
    // SIGTERM: redis shuts down cleanly (flushes the AOF).
    stopSignal: 'SIGTERM',
    timeoutMs: options.timeoutMs ?? 10_000,
    cleanup: () => {
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  });
  return { bin, port, dir, pid, url: `redis://127.0.0.1:${port}`, stop, exited, running };
}

/**
 * The Redis a test should use: the one scripts/with-redis.mjs started ($OTPKIT_REDIS_URL), or, when the tests run
 * without it (plain `vitest`), a server of its own. `stop()` stops only a server started here.
 */
export async function testRedis() {
  if (process.env.OTPKIT_REDIS_URL) return { url: process.env.OTPKIT_REDIS_URL, stop: async () => {} };
  const redis = await startRedis();
  return { url: redis.url, stop: redis.stop };
}
