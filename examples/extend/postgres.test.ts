// The two README examples against a real PostgreSQL (this file's own, or $OTPKIT_POSTGRES_URL), proven by the
// published conformance suite, as a user would prove a store.
import { describeStore } from '@otpkit/bff/store-conformance';
import type { Pool } from 'pg';
import type { Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPostgres } from '../../scripts/postgres-server.mjs';
import { createPostgresStore } from './postgres.js';
import { createPostgresJsStore } from './postgres-js.js';

let server: { url: string; stop(): Promise<void> };
let pool: Pool;
let sql: Sql;
let stores: {
  pg: Awaited<ReturnType<typeof createPostgresStore>>['store'];
  js: ReturnType<typeof createPostgresJsStore>['store'];
};
beforeAll(async () => {
  server = await testPostgres();
  const viaPg = await createPostgresStore(server.url);
  const viaJs = createPostgresJsStore(server.url);
  pool = viaPg.pool;
  sql = viaJs.sql;
  stores = { pg: viaPg.store, js: viaJs.store };
}, 30_000);
afterAll(async () => {
  await sql?.end();
  await pool?.end();
  await server?.stop();
});

describeStore('postgresStore over pg', () => stores.pg);
describeStore('postgresStore over postgres.js', () => stores.js);

describe('both clients', () => {
  it('share the same tables', async () => {
    const now = Date.now();
    const key = `shared:${crypto.randomUUID()}`;
    await stores.pg.take({ rules: [{ key, limit: 2, windowMs: 60_000 }], now });
    await stores.js.take({ rules: [{ key, limit: 2, windowMs: 60_000 }], now });
    expect(await stores.pg.take({ rules: [{ key, limit: 2, windowMs: 60_000 }], now })).toMatchObject({
      ok: false,
      key,
    });
    expect(await stores.js.hits({ key, now })).toBe(2);
  });
});
