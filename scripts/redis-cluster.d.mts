// Types for scripts/redis-cluster.mjs, imported by the TypeScript tests.
import type { RedisServer } from './redis-server.mjs';

export interface RedisCluster {
  nodes: RedisServer[];
  dir: string;
  startupNodes: { host: string; port: number }[];
  primaries(): Promise<RedisServer[]>;
  healed(ms?: number): Promise<void>;
  stop(): Promise<void>;
}
export function startRedisCluster(options?: {
  primaries?: number;
  replicas?: number;
  timeoutMs?: number;
}): Promise<RedisCluster>;
export function cli(port: number, ...args: string[]): Promise<string>;
