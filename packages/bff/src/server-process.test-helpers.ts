// BFF server processes for the tests that need several (multi-instance.test-helpers.ts: two behind one store;
// fleet.test.ts: a fleet behind HAProxy): multi-instance.child.ts bundled once, then forked as often as needed.
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ChildEnv } from './multi-instance.child.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Bundles multi-instance.child.ts into `dir`/server.cjs; resolves its path. esbuild, because Node 20 cannot run
 * TypeScript; everything, the stores' drivers included, goes into one CommonJS file, so it needs no node_modules next
 * to it in a temp dir.
 */
export async function bundleServer(dir: string): Promise<string> {
  const file = join(dir, 'server.cjs');
  await build({
    entryPoints: [join(here, 'multi-instance.child.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    conditions: ['source'],
    // pg's optional native binding (never used here).
    external: ['pg-native'],
    outfile: file,
    logLevel: 'error',
  });
  return file;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Everything the server wrote to stderr so far (its log lines and any UNHANDLED_REJECTION). */
  stderr(): string;
  /** SIGTERM to its pid, unless it has exited already. */
  stop(): void;
}

/** Forks the bundled server (`file`, from bundleServer) with `env` and resolves once it says the port it listens on. */
export async function startServer(file: string, env: ChildEnv): Promise<ServerProcess> {
  const child = fork(file, [], {
    env: { ...process.env, ...env },
    // The test runner's Node flags are not the server's.
    execArgv: [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const port = await new Promise<number>((resolve, reject) => {
    // Generous: several of these start at once on 2 shared cores.
    const timer = setTimeout(() => reject(new Error(`a server process did not start: ${stderr}`)), 15_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve((message as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`a server process exited with ${code}: ${stderr}`)));
  });
  return {
    child,
    port,
    stderr: () => stderr,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}
