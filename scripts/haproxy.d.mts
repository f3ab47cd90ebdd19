// Types for scripts/haproxy.mjs, imported by the TypeScript tests.
export interface HaproxyServerStats {
  name: string;
  requests: number;
  http2xx: number;
  http4xx: number;
  http5xx: number;
}
export interface Haproxy {
  bin: string;
  pid: number;
  port: number;
  url: string;
  stats(): Promise<HaproxyServerStats[]>;
  stop(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
export function findHaproxy(): string;
export function startHaproxy(options: {
  servers: { port: number; host?: string }[];
  timeoutMs?: number;
}): Promise<Haproxy>;
