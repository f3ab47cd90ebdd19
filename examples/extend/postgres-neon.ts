// PostgreSQL through Neon's serverless driver: SQL over a WebSocket, for platforms without TCP sockets (Vercel and
// Netlify functions, Cloudflare Workers, Deno Deploy). `@vercel/postgres` (deprecated in Neon's favour) wraps this same
// Pool. The bff README's "Neon" lines are cut from here; postgres-neon.test.ts runs the published conformance suite
// over it, against a real PostgreSQL behind a local WebSocket proxy of the kind Neon runs in front of its databases.
// docs:postgres-neon
import { Pool } from '@neondatabase/serverless';
import { migrate, postgresStore } from '@otpkit/bff/postgres';

export async function createNeonStore(connectionString: string) {
  const pool = new Pool({ connectionString });
  pool.on('error', (error: Error) => console.error('neon pool:', error.message));
  await migrate(pool);
  return { store: postgresStore({ client: pool }), pool };
}
// docs:end
