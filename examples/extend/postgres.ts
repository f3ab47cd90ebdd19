// PostgreSQL as the shared store, over pg (node-postgres). The bff README's "Store in PostgreSQL" is cut from here;
// postgres.test.ts runs the published conformance suite over it against a real server.
// docs:postgres-store
import { migrate, postgresStore } from '@otpkit/bff/postgres';
import pg from 'pg';

export async function createPostgresStore(connectionString: string) {
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 2000 });
  // A connection the server drops while idle (a restart, a failover) is an 'error' event on the pool: without a
  // listener it crashes the process. (The next store call that fails is a 503, logged with its cause.)
  pool.on('error', (error) => console.error('postgres pool:', error.message));
  await migrate(pool); // CREATE TABLE IF NOT EXISTS …: idempotent, fine at every start-up
  return { store: postgresStore({ client: pool }), pool };
}
// docs:end
