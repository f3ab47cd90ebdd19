import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface RunningServer {
  name: string;
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

/** Variables the servers must not inherit: real credentials (the e2e runs on the simulator) and test-runner state. */
const STRIPPED = /^(ENGAGELAB_|UNIMTX_|OTP_|REDIS_URL$|OTPKIT_|VITEST|PORT$|HOST$|NODE_ENV$|NODE_OPTIONS$)/;

export function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!STRIPPED.test(name)) env[name] = value;
  return { ...env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...extra };
}

/** A free loopback port, for servers (next start) that cannot report the port they got from port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts a server process, writes everything it prints to `logFile`, and resolves once a line of its output
 * matches `ready` (the URL is the first capture group, or `url`). Rejects with the log's tail if the process
 * exits or stays silent for `timeoutMs`.
 */
export function startServer(options: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  ready: RegExp;
  url?: string;
  timeoutMs?: number;
}): Promise<RunningServer> {
  const log = createWriteStream(options.logFile);
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = () => readFileSync(options.logFile, 'utf8').split('\n').slice(-30).join('\n');

  return new Promise((resolve, reject) => {
    let output = '';
    let started = false;
    const timer = setTimeout(() => {
      void stop(child).then(() => reject(new Error(`${options.name} did not start in time. Log:\n${tail()}`)));
    }, options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      if (started) return;
      output += chunk.toString();
      const match = options.ready.exec(output);
      if (!match) return;
      started = true;
      clearTimeout(timer);
      const url = options.url ?? match[1];
      if (url === undefined) throw new Error(`${options.name}: the ready pattern captured no URL`);
      resolve({
        name: options.name,
        url,
        pid: child.pid!,
        logFile: options.logFile,
        stop: async () => {
          await stop(child);
          log.end();
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      if (started) return;
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code ?? signal}) before it was ready. Log:\n${tail()}`));
    });
  });
}

/** SIGTERM by pid, SIGKILL if it is still there after 3 s. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
