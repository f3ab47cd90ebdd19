import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPostgres } from '../../../../../scripts/postgres-server.mjs';
import { freePort } from '../../../../../scripts/server-process.mjs';
import { describeError, OtpError } from '../../errors.js';
import { createOtpHandler } from '../../http/handler.js';
import { engagelab } from '../../providers/engagelab.js';
import { createEngageLabSimulator } from '../../testing/index.js';
import { describeStore, makeRecord } from '../conformance.js';
import { everyStoreCall, rejection } from '../store-calls.test-helpers.js';
import { type OtpStore, recipientKey, type VerificationRecord } from '../types.js';
import { cleanup, migrate, type PostgresClient, postgresSchema, postgresStore } from './index.js';

// A real PostgreSQL 15 server: $OTPKIT_POSTGRES_URL, or one this file starts (initdb in a temp dir, a free loopback
// port, stopped by its pid).
let server: { url: string; stop(): Promise<void> };
const pools: pg.Pool[] = [];
/** A pool like an app's: its own connections (10), as one server instance would have. */
const newPool = (url = server.url, options: pg.PoolConfig = {}) => {
  const pool = new pg.Pool({ connectionString: url, max: 10, ...options });
  // An idle connection the server drops emits 'error' on the pool; without a listener that crashes the process.
  pool.on('error', () => {});
  pools.push(pool);
  return pool;
};
/** Opens all of a pool's connections, so the concurrency tests race on 10 connections from their first call (a cold
 * pool opens them one by one while the first calls run, which lines those calls up). */
const warm = (p: pg.Pool) => Promise.all(Array.from({ length: 10 }, () => p.query('SELECT pg_sleep(0.02)')));
let pool: pg.Pool;
beforeAll(async () => {
  server = await testPostgres();
  pool = newPool();
  await migrate(pool);
  await warm(pool);
}, 30_000);
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end().catch(() => {})));
  await server?.stop();
});

// Every test of the suite shares the default tables: its ids and keys are random, so each test sees an empty store.
describeStore('postgresStore (pg Pool)', () => postgresStore({ client: pool }));

// The reply shape of Neon's HTTP `neon()` and postgres.js: the rows themselves, every value as text (as an HTTP
// driver that does not parse types returns them), in another schema with another table prefix.
const textClient = (inner: pg.Pool): PostgresClient => ({
  query: async (text, params) =>
    (await inner.query(text, params)).rows.map((row: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [
          k,
          v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v),
        ]),
      ),
    ),
});
describe('in a schema of its own', () => {
  beforeAll(() => migrate(pool, { schema: 'otpkit test', tablePrefix: 'otp_' }));
  describeStore('postgresStore (rows as text, schema and prefix)', () =>
    postgresStore({ client: textClient(pool), schema: 'otpkit test', tablePrefix: 'otp_' }),
  );
});

const record = (overrides: Partial<VerificationRecord> = {}) => makeRecord({ to: '+8618701235678', ...overrides });
const many = <T>(n: number, call: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => call(i)));

describe('postgresStore under concurrency, across instances (one pool each)', () => {
  // Four "instances", each with its own pool and store over the same tables.
  let stores: OtpStore[];
  beforeAll(async () => {
    const instances = Array.from({ length: 4 }, () => newPool());
    await Promise.all(instances.map(warm));
    stores = instances.map((client) => postgresStore({ client }));
  });
  const on = (i: number) => stores[i % stores.length]!;

  it('200 concurrent reserveAttempt reserve exactly maxAttempts (3 rounds)', async () => {
    // (Without the row lock, rounds after the first reserved 8 to 20 here.)
    for (let round = 0; round < 3; round++) {
      const r = record({ maxAttempts: 7 });
      const now = Date.now();
      await on(0).create({ record: r, ttlMs: 60_000, now });
      const results = await many(200, (i) =>
        on(i).reserveAttempt({
          id: r.id,
          budgets: [{ prefix: 'f:', limit: 1000, windowMs: 60_000, sliding: false }],
          now,
        }),
      );
      const reserved = results.flatMap((x) => (x.status === 'reserved' ? [x.record.attempts] : []));
      expect(reserved.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      // Every refusal saw the latest row: the budget already spent, never a stale count.
      for (const x of results.filter((x) => x.status !== 'reserved')) {
        expect(x).toMatchObject({ status: 'exhausted', record: { attempts: 7 } });
      }
      expect((await on(1).get({ id: r.id, now }))?.attempts).toBe(7);
    }
  });

  it('50 concurrent markVerified have one winner, while reservations run too', async () => {
    const r = record({ maxAttempts: 1000 });
    // Prefixes of this test's own: the records of this file share one recipient.
    const [f, d] = [`f:${r.id}:`, `d:${r.id}:`];
    const budgets = [
      { prefix: f, limit: 1000, windowMs: 60_000, sliding: false },
      { prefix: d, limit: 1000, windowMs: 60_000, sliding: true },
    ];
    const now = Date.now();
    await on(0).create({ record: r, ttlMs: 60_000, now });
    const [wins, reserves] = await Promise.all([
      many(50, (i) => on(i).markVerified({ id: r.id, budgets, now })),
      many(50, (i) => on(i + 1).reserveAttempt({ id: r.id, budgets, now })),
    ]);
    expect(wins.filter(Boolean)).toHaveLength(1);
    // A reservation either came before the mark (reserved) or after it (already_verified), never both orders mixed
    // up: the attempts counted are exactly the reservations answered reserved.
    const reserved = reserves.filter((x) => x.status === 'reserved').length;
    expect(reserved + reserves.filter((x) => x.status === 'already_verified').length).toBe(50);
    expect(await on(2).get({ id: r.id, now })).toMatchObject({ verified: true, attempts: reserved });
    // Each reservation counted one failure on both budgets, and the one winning mark gave one back (if there was
    // one to give: never below 0).
    for (const prefix of [f, d])
      expect(await on(3).hits({ key: prefix + recipientKey(r.to), now })).toBe(Math.max(0, reserved - 1));
  });

  it('100 concurrent takes give exactly the limit, on new and existing keys, in any rule order, without deadlock', async () => {
    const now = Date.now();
    const [a, b, c] = ['a', 'b', 'c'].map((k) => `take:${k}:${randomUUID()}`) as [string, string, string];
    await on(0).take({ rules: [{ key: c, limit: 1000, windowMs: 60_000 }], now });
    // The same keys in different orders and combinations: rows are locked in key order, so no call waits in a cycle.
    const sets = [
      [a, b, c],
      [c, b, a],
      [b, a],
      [c, a],
    ];
    const results = await many(100, (i) =>
      on(i).take({ rules: sets[i % 4]!.map((key) => ({ key, limit: key === a ? 9 : 1000, windowMs: 60_000 })), now }),
    );
    expect(results.filter((x) => x.ok)).toHaveLength(9);
    for (const x of results.filter((x) => !x.ok)) expect(x).toEqual({ ok: false, retryAfterMs: 60_000, key: a });
    expect(await on(1).hits({ key: a, now })).toBe(9);
    // b and c counted only with the takes that got through.
    const okSets = results.flatMap((x, i) => (x.ok ? [sets[i % 4]!] : []));
    expect(await on(2).hits({ key: b, now })).toBe(okSets.filter((s) => s.includes(b)).length);
    expect(await on(3).hits({ key: c, now })).toBe(1 + okSets.filter((s) => s.includes(c)).length);
  });

  it('failure budgets, refunds and takes on the same counters, all at once, stay exact and never deadlock', async () => {
    const now = Date.now();
    const to = `+44770${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const key = `fail:${recipientKey(to)}`;
    const records = await many(5, async (i) => {
      const r = record({ to, maxAttempts: 100 });
      await on(i).create({ record: r, ttlMs: 60_000, now });
      return r;
    });
    const budgets = [
      { prefix: 'fail:', limit: 1000, windowMs: 60_000, sliding: false },
      { prefix: 'day:', limit: 1000, windowMs: 60_000, sliding: true },
    ];
    // 20 failures first, so that the 20 refunds below always have one to give back (never floored at 0).
    await many(20, (i) => on(i).reserveAttempt({ id: records[i % 5]!.id, budgets, now }));
    await Promise.all([
      many(40, (i) => on(i).reserveAttempt({ id: records[i % 5]!.id, budgets, now })),
      many(20, (i) => on(i).refundAttempt({ id: records[i % 5]!.id, budgets, now })),
      many(20, (i) => on(i).take({ rules: [{ key, limit: 10_000, windowMs: 60_000 }], now })),
    ]);
    expect(await on(0).hits({ key, now })).toBe(60 - 20 + 20);
    expect(await on(0).hits({ key: `day:${recipientKey(to)}`, now })).toBe(60 - 20);
    const attempts = await many(5, (i) => on(i).get({ id: records[i]!.id, now }));
    expect(attempts.reduce((sum, r) => sum + (r?.attempts ?? 0), 0)).toBe(60);
  });
});

describe('postgresStore on Postgres', () => {
  it("keeps one row per record and per counter, with its end time on the caller's clock", async () => {
    const store = postgresStore({ client: pool });
    const r = record();
    const now = Date.now();
    await store.create({ record: r, ttlMs: 300_000, now });
    await store.take({ rules: [{ key: `send:${r.id}`, limit: 5, windowMs: 60_000 }], now });
    const { rows } = await pool.query(
      'SELECT recipient, attempts, max_attempts, verified, expires_at, gone_at FROM otpkit_records WHERE id = $1',
      [r.id],
    );
    expect(rows).toEqual([
      {
        recipient: recipientKey(r.to),
        attempts: 0,
        max_attempts: 5,
        verified: false,
        expires_at: String(r.expiresAt),
        gone_at: String(now + 300_000),
      },
    ]);
    const counters = await pool.query('SELECT hits, resets_at FROM otpkit_counters WHERE key = $1', [`send:${r.id}`]);
    expect(counters.rows).toEqual([{ hits: 1, resets_at: String(now + 60_000) }]);
  });

  it('one round trip per call; take and reserveAttempt on counters that do not exist yet take two', async () => {
    const budgets = [
      { prefix: 'fail:', limit: 10, windowMs: 60_000, sliding: false },
      { prefix: 'day:', limit: 100, windowMs: 86_400_000, sliding: true },
    ];
    let statements = 0;
    const counting: PostgresClient = {
      query: (text, params) => {
        statements++;
        return pool.query(text, params as unknown[]);
      },
    };
    const store = postgresStore({ client: counting });
    const r = record();
    const now = Date.now();
    const rules = [
      { key: `a:${r.id}`, limit: 5, windowMs: 1000 },
      { key: `b:${r.id}`, limit: 5, windowMs: 1000 },
    ];
    const calls: [string, () => Promise<unknown>, number][] = [
      ['create', () => store.create({ record: r, ttlMs: 60_000, now }), 1],
      ['get', () => store.get({ id: r.id, now }), 1],
      ['reserveAttempt (new counters)', () => store.reserveAttempt({ id: r.id, budgets, now }), 2],
      ['reserveAttempt (existing counters)', () => store.reserveAttempt({ id: r.id, budgets, now }), 1],
      ['refundAttempt', () => store.refundAttempt({ id: r.id, budgets, now }), 1],
      ['markVerified', () => store.markVerified({ id: r.id, budgets, now }), 1],
      ['hits', () => store.hits({ key: `fail:${recipientKey(r.to)}`, now }), 1],
      ['take (new counters)', () => store.take({ rules, now }), 2],
      ['take (existing counters)', () => store.take({ rules, now }), 1],
      ['release', () => store.release({ keys: rules.map((rule) => rule.key), now }), 1],
      ['delete', () => store.delete({ id: r.id, now }), 1],
    ];
    for (const [name, call, expected] of calls) {
      const before = statements;
      await call();
      expect(statements - before, name).toBe(expected);
    }
  });

  it('migrate is idempotent, also when instances run it at once, and postgresSchema is what it creates', async () => {
    const tablePrefix = `m${randomUUID().slice(0, 8)}_`;
    await Promise.all(Array.from({ length: 5 }, () => migrate(newPool(), { tablePrefix, schema: 'migrations' })));
    await migrate(pool, { tablePrefix, schema: 'migrations' });
    const { rows } = await pool.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'migrations' AND tablename LIKE $1 ORDER BY 1`,
      [`${tablePrefix}%`],
    );
    expect(rows.map((row) => row.tablename)).toEqual([`${tablePrefix}counters`, `${tablePrefix}records`]);
    const schema = postgresSchema({ tablePrefix, schema: 'migrations' });
    expect(schema).toContain(`CREATE TABLE IF NOT EXISTS "migrations"."${tablePrefix}records"`);
    // Applying the documented schema by hand is the same as migrate (all IF NOT EXISTS).
    for (const statement of schema.split(';\n').filter((s) => s.trim())) await pool.query(statement);
    const store = postgresStore({ client: pool, tablePrefix, schema: 'migrations' });
    const r = record();
    await store.create({ record: r, ttlMs: 1000, now: Date.now() });
    expect(await store.get({ id: r.id, now: Date.now() })).toEqual(r);
  });

  it('rejects a table prefix Postgres would truncate', () => {
    expect(() => postgresStore({ client: pool, tablePrefix: 'x'.repeat(60) })).toThrow(/63-byte/);
    expect(() => postgresStore({ client: {} as PostgresClient })).toThrow(TypeError);
  });

  describe('cleanup', () => {
    const tablePrefix = `c${randomUUID().slice(0, 8)}_`;
    beforeAll(() => migrate(pool, { tablePrefix }));
    const count = async (table: string) =>
      Number((await pool.query(`SELECT count(*) AS n FROM ${tablePrefix}${table}`)).rows[0].n);

    it('cleanup(client, { now }) deletes what ended before now and keeps the rest', async () => {
      const store = postgresStore({ client: pool, tablePrefix, cleanupBatch: 0 });
      const t0 = Date.now();
      for (let i = 0; i < 30; i++) await store.create({ record: record(), ttlMs: i < 20 ? 1000 : 60_000, now: t0 });
      const kept = record();
      await store.create({ record: kept, ttlMs: 60_000, now: t0 });
      for (let i = 0; i < 10; i++) {
        await store.take({ rules: [{ key: `f:${i}`, limit: 5, windowMs: i < 4 ? 1000 : 60_000 }], now: t0 });
      }
      expect(await count('records')).toBe(31);
      expect(await cleanup(pool, { tablePrefix, now: t0 + 1000, limit: 15 })).toEqual({ records: 15, counters: 4 });
      expect(await cleanup(pool, { tablePrefix, now: t0 + 1000 })).toEqual({ records: 5, counters: 0 });
      expect(await count('records')).toBe(11);
      expect(await count('counters')).toBe(6);
      expect(await store.get({ id: kept.id, now: t0 + 1000 })).toEqual(kept);
      expect(await store.hits({ key: 'f:9', now: t0 + 1000 })).toBe(1);
      expect(await cleanup(pool, { tablePrefix, now: t0 + 60_000 })).toEqual({ records: 11, counters: 6 });
    });

    it('each create deletes up to cleanupBatch rows that ended before its now', async () => {
      const store = postgresStore({ client: pool, tablePrefix, cleanupBatch: 3 });
      const t0 = Date.now();
      for (let i = 0; i < 7; i++) await store.create({ record: record(), ttlMs: 1000, now: t0 });
      for (let i = 0; i < 5; i++) await store.take({ rules: [{ key: `g:${i}`, limit: 5, windowMs: 1000 }], now: t0 });
      await store.create({ record: record(), ttlMs: 60_000, now: t0 + 2000 });
      expect(await count('records')).toBe(7 + 1 - 3);
      expect(await count('counters')).toBe(5 - 3);
      await store.create({ record: record(), ttlMs: 60_000, now: t0 + 2000 });
      await store.create({ record: record(), ttlMs: 60_000, now: t0 + 2000 });
      expect(await count('records')).toBe(3);
      expect(await count('counters')).toBe(0);
      await cleanup(pool, { tablePrefix, now: t0 + 120_000 });
    });
  });
});

describe('postgresStore errors (fails closed, the cause kept)', () => {
  const r = record();
  const now = Date.now();
  const everyMethod = (store: OtpStore) => everyStoreCall(store, r, now);
  const expectUnavailable = async (store: OtpStore, cause: RegExp) => {
    for (const [name, call] of everyMethod(store)) {
      const error = await rejection(call());
      expect(error, name).toBeInstanceOf(OtpError);
      expect(error, name).toMatchObject({
        code: 'provider_unavailable',
        status: 503,
        message: 'The verification store is unavailable.',
      });
      // Wrapped once: the cause is the driver's error, not another OtpError.
      expect((error as OtpError).cause, name).not.toBeInstanceOf(OtpError);
      expect(describeError(error), name).toMatch(cause);
    }
  };

  it('a wrong password: every method is a 503 whose cause says so', async () => {
    const wrong = newPool(server.url.replace(/:[^:@/]+@/, ':not-the-password@'));
    await expectUnavailable(
      postgresStore({ client: wrong }),
      /^OtpError: The verification store is unavailable\. <- caused by error: password authentication failed for user "postgres"/,
    );
  });

  it('a wrong password behind the handler: 503 to the browser, the real cause in the server log', async () => {
    const sim = createEngageLabSimulator();
    const upstream = await sim.listen();
    const errors: { message: string; fields?: Record<string, unknown> }[] = [];
    try {
      const otp = createOtpHandler({
        provider: engagelab({
          devKey: sim.devKey,
          devSecret: sim.devSecret,
          templateId: sim.templateId,
          baseUrl: upstream.url,
        }),
        secret: 'postgres-test-secret-0123456789abcdef0123456789',
        store: postgresStore({ client: newPool(server.url.replace(/:[^:@/]+@/, ':not-the-password@')) }),
        logger: { info() {}, warn() {}, error: (message, fields) => errors.push({ message, fields }) },
      });
      const response = await otp.handle(
        new Request('https://app.test/api/otp/send', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ to: '+8618701235678' }),
        }),
        { clientIp: '203.0.113.9' },
      );
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body.error.code).toBe('provider_unavailable');
      // Nothing of the cause reaches the browser.
      expect(JSON.stringify(body)).not.toMatch(/password|postgres/i);
      expect(errors.map((entry) => entry.message)).toContain('store unavailable');
      expect(String(errors.find((entry) => entry.message === 'store unavailable')?.fields?.error)).toMatch(
        /^OtpError: The verification store is unavailable\. <- caused by error: password authentication failed for user "postgres"$/,
      );
      expect(sim.messages).toHaveLength(0);
    } finally {
      await upstream.close();
    }
  });

  it('no server: every method is a 503 with the refused connection as its cause', async () => {
    const refused = newPool(`postgres://postgres:x@127.0.0.1:${await freePort()}/postgres`);
    await expectUnavailable(postgresStore({ client: refused }), /ECONNREFUSED/);
  });

  it('tables missing: a 503 that says to run migrate', async () => {
    await expectUnavailable(
      postgresStore({ client: pool, tablePrefix: 'never_migrated_' }),
      /caused by Error: The store's tables do not exist: run migrate\(client\) first \(relation "never_migrated_\w+" does not exist\) <- caused by error:/,
    );
  });

  it('a store that does not answer: a 503 after timeoutMs', async () => {
    const silent: PostgresClient = { query: () => new Promise(() => {}) };
    const store = postgresStore({ client: silent, timeoutMs: 50 });
    const started = Date.now();
    await expectUnavailable(store, /caused by Error: Postgres did not answer within 50 ms/);
    expect(Date.now() - started).toBeLessThan(9 * 50 + 1000);
  });

  it('a reply that makes no sense is a store failure too', async () => {
    for (const reply of [{ nothing: true }, [{ status: 'maybe' }], [{ data: 'not json', attempts: 'x' }]]) {
      const store = postgresStore({ client: { query: async () => reply as never } });
      for (const [name, call] of everyMethod(store)) {
        const result = await rejection(call());
        if (result instanceof Error && result.message === 'resolved') continue;
        expect(result, `${name} with ${JSON.stringify(reply)}`).toMatchObject({ code: 'provider_unavailable' });
      }
      expect(await rejection(store.get({ id: 'x', now }))).toMatchObject({ code: 'provider_unavailable' });
      expect(
        await rejection(
          store.reserveAttempt({ id: 'x', budgets: [{ prefix: 'f:', limit: 1, windowMs: 1000, sliding: false }], now }),
        ),
      ).toMatchObject({
        code: 'provider_unavailable',
      });
    }
  });

  it('the store module runs without Node: it bundles for a neutral platform with no node: or driver import', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["'](node:|pg|postgres)/);
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).toContain('postgresStore');
  });
});
