// Starts and stops a throwaway redis-server for tests and benchmarks: a free loopback port, its own temp dir, stopped
// by its pid. Shared by scripts/with-redis.mjs, the Redis tests (when run without it) and bench/redis.mjs.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Path of the redis-server binary: $OTPKIT_REDIS_SERVER, else the first on PATH (or /usr/bin, /usr/sbin). */
export function findRedisServer() {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  const candidates = dirs.filter(Boolean).map((dir) => join(dir, 'redis-server'));
  if (process.env.OTPKIT_REDIS_SERVER) candidates.unshift(process.env.OTPKIT_REDIS_SERVER);
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  throw new Error('redis-server is not installed. Run `sh scripts/setup.sh` (it installs it from Debian), then retry.');
}

/** A port the kernel just handed out on 127.0.0.1 (closed again, so redis-server can take it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
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
  const ownsDir = options.dir === undefined;
  mkdirSync(dir, { recursive: true });
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let lastError = '';
  // A free port can be taken by someone else between freePort() and redis' bind: retry on a new one.
  for (let tries = 0; tries < 5; tries++) {
    const port = options.port ?? (await freePort());
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
    args.push(...(options.persist ? ['--appendonly', 'yes', '--appendfsync', 'no'] : ['--appendonly', 'no']));
    args.push(...(options.args ?? []));
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => {
      output = (output + chunk).slice(-4000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let exitedEarly = false;
    exited.then(() => {
      exitedEarly = true;
    });
    child.once('error', (error) => {
      lastError = error.message;
    });
    while (!exitedEarly && Date.now() < deadline) {
      if (await ping(port)) {
        const stop = async () => {
          if (child.exitCode === null && child.signalCode === null) {
            // SIGTERM: redis shuts down cleanly (flushes the AOF); SIGKILL only if it hangs.
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(timer);
          }
          if (ownsDir) rmSync(dir, { recursive: true, force: true });
        };
        const running = () => child.exitCode === null && child.signalCode === null;
        return { bin, port, dir, pid: child.pid, url: `redis://127.0.0.1:${port}`, stop, exited, running };
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (!exitedEarly) {
      child.kill('SIGKILL');
      await exited;
      lastError = `redis-server did not answer PING within the time limit. Output:\n${output}`;
      break;
    }
    lastError = `redis-server exited at start. Output:\n${output}`;
    if (options.port !== undefined) break;
  }
  if (ownsDir) rmSync(dir, { recursive: true, force: true });
  throw new Error(lastError);
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
