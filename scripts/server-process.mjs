// What the throwaway servers of the tests and benchmarks (redis-server.mjs, postgres-server.mjs, haproxy.mjs) have in
// common: finding the binary, a free loopback port, and the process itself, spawned in the foreground (the pid we
// hold is the server's own, so stopping it never leaves a daemon behind), waited for until it serves, stopped by its
// pid, and its files removed.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Path of the `name` binary: $`envVar` when set, else the first on PATH, else in `dirs` (where Debian puts it, which
 * is not on every user's PATH).
 */
export function findExecutable(name, envVar, dirs) {
  const candidates = [...(process.env.PATH ?? '').split(delimiter), ...dirs].filter(Boolean).map((d) => join(d, name));
  if (process.env[envVar]) candidates.unshift(process.env[envVar]);
  const found = candidates.find(isExecutable);
  if (found) return found;
  throw new Error(`${name} is not installed. Run \`sh scripts/setup.sh\` (it installs it from Debian), then retry.`);
}

/** A port the kernel just handed out on 127.0.0.1 (closed again, so a server can take it). */
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

/**
 * Spawns a server on a loopback port and resolves once `ready(port, output)` says it serves (polled every 25 ms).
 * `port`: that port (a restart after an outage); default: a free one. A free port can be taken by someone else
 * between freePort() and the server's bind, so a server that exits at start is tried again on a new one (up to 5
 * times, while `retry(output)` agrees); never on a port the caller chose.
 * `stop()` sends `stopSignal` to the pid (SIGKILL if it still runs 5 s later: it hangs), waits for the exit, then
 * runs `cleanup` (which also runs when the server never got ready).
 * @param {{
 *   name: string,
 *   bin: string,
 *   args: (port: number) => string[],
 *   port?: number,
 *   spawnOptions?: import('node:child_process').SpawnOptions,
 *   ready: (port: number, output: string) => boolean | Promise<boolean>,
 *   retry?: (output: string) => boolean,
 *   stopSignal?: NodeJS.Signals,
 *   timeoutMs: number,
 *   cleanup?: () => void,
 * }} options
 */
export async function startServer(options) {
  const cleanup = options.cleanup ?? (() => {});
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  for (let tries = 0; tries < 5; tries++) {
    const port = options.port ?? (await freePort());
    const child = spawn(options.bin, options.args(port), {
      ...options.spawnOptions,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk) => {
      output = (output + chunk).slice(-8000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => collect(error.message));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let exitedEarly = false;
    exited.then(() => {
      exitedEarly = true;
    });
    const running = () => child.exitCode === null && child.signalCode === null;
    while (!exitedEarly && Date.now() < deadline) {
      if (await options.ready(port, output)) {
        const stop = async () => {
          if (running()) {
            child.kill(options.stopSignal ?? 'SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(timer);
          }
          cleanup();
        };
        return { child, pid: child.pid, port, exited, running, stop };
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (!exitedEarly) {
      child.kill('SIGKILL');
      await exited;
      lastError = `${options.name} did not get ready within ${options.timeoutMs} ms. Output:\n${output}`;
      break;
    }
    lastError = `${options.name} exited at start. Output:\n${output}`;
    if (options.port !== undefined || !(options.retry?.(output) ?? true)) break;
  }
  cleanup();
  throw new Error(lastError);
}
