// Types for scripts/postgres-server.mjs, imported by the TypeScript tests.
export interface PostgresServer {
  bindir: string;
  port: number;
  dir: string;
  pid: number;
  /** postgres://postgres:<password>@127.0.0.1:<port>/postgres */
  url: string;
  password: string;
  stop(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
export const TEST_PASSWORD: string;
export function findPostgres(): string;
export function startPostgres(options?: {
  port?: number;
  dir?: string;
  password?: string;
  timeoutMs?: number;
}): Promise<PostgresServer>;
export function testPostgres(): Promise<{ url: string; stop(): Promise<void> }>;
