// Types for scripts/redis-server.mjs, imported by the TypeScript tests.
export interface RedisServer {
  bin: string;
  port: number;
  dir: string;
  pid: number;
  url: string;
  stop(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether the process is still alive. */
  running(): boolean;
}
export function findRedisServer(): string;
export function ping(port: number, timeoutMs?: number): Promise<boolean>;
export function startRedis(options?: {
  port?: number;
  dir?: string;
  persist?: boolean;
  timeoutMs?: number;
  args?: string[];
}): Promise<RedisServer>;
export function testRedis(): Promise<{ url: string; stop(): Promise<void> }>;
