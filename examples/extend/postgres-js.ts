// PostgreSQL as the shared store, over postgres.js: its `unsafe(text, params)` is the `query` the store needs. The
// bff README's postgres.js line is cut from here; postgres.test.ts runs the conformance suite over it.
// docs:postgres-js
import { postgresStore } from '@otpkit/bff/postgres';
import postgres from 'postgres';

export function createPostgresJsStore(url: string) {
  const sql = postgres(url, { max: 10 });
  const store = postgresStore({ client: { query: (text, params) => sql.unsafe(text, params) } });
  return { store, sql };
}
// docs:end
