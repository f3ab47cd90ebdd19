// Types for scripts/server-process.mjs, imported by the TypeScript tests.
import type { ChildProcess, SpawnOptions } from 'node:child_process';

export function isExecutable(file: string): boolean;
export function findExecutable(name: string, envVar: string, dirs: string[]): string;
export function freePort(): Promise<number>;
export function startServer(options: {
  name: string;
  bin: string;
  args: (port: number) => string[];
  port?: number;
  spawnOptions?: SpawnOptions;
  ready: (port: number, output: string) => boolean | Promise<boolean>;
  retry?: (output: string) => boolean;
  stopSignal?: NodeJS.Signals;
  timeoutMs: number;
  cleanup?: () => void;
}): Promise<{
  child: ChildProcess;
  pid: number;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
  stop(): Promise<void>;
}>;
