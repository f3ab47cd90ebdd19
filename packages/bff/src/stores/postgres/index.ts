// The PostgreSQL store: every OtpStore method is ONE SQL statement (atomic on its own, safe under concurrent calls
// from any number of server instances), sent through any client with `query(text, params)`. No driver is imported
// and there is no `node:` import, so it runs on edge runtimes over an HTTP Postgres client (Neon, Vercel) as well as
// on Node over pg or postgres.js.
import { OtpError } from '../../errors.js';
import {
  type FailureBudget,
  type LimitRule,
  type OtpStore,
  type ReserveResult,
  recipientKey,
  type TakeResult,
  type VerificationRecord,
} from '../types.js';
import { within } from '../within.js';

/**
 * What the store needs from a Postgres client: one parameterized statement at a time (`$1`, `$2`, … placeholders),
 * resolving its rows as `{ rows }` (pg's `Pool` and `Client`, `@neondatabase/serverless`' `Pool`/`Client`,
 * `@vercel/postgres`' `sql`/`db`) or as the array of rows itself (Neon's `neon()` HTTP function; postgres.js
 * through `{ query: (text, params) => sql.unsafe(text, params) }`). Parameters are always strings; the SQL casts
 * them from text (`$1::text::bigint`), so no driver maps a type its own way (postgres.js would turn the string
 * `true` into `f` for a boolean parameter).
 */
export interface PostgresClient {
  query(text: string, params?: string[]): PromiseLike<{ rows: readonly unknown[] } | readonly unknown[]>;
}

export interface PostgresTablesOptions {
  /** Table (and index) names start with this. @defaultValue 'otpkit_' */
  tablePrefix?: string;
  /** The schema holding the tables. @defaultValue none: the connection's `search_path` (usually `public`) */
  schema?: string;
}

export interface PostgresStoreOptions extends PostgresTablesOptions {
  client: PostgresClient;
  /** A call that has no answer after this long fails (503); the statement may still complete on the server.
   * Set your driver's own timeouts too (pg: `connectionTimeoutMillis`, `query_timeout`). @defaultValue 5000 */
  timeoutMs?: number;
  /** Each `create` (one per send) also deletes up to this many records and this many counters that ended before
   * its `now`, so the tables do not grow without a cleanup job. 0 turns it off (then run `cleanup` yourself).
   * @defaultValue 10 */
  cleanupBatch?: number;
}

// ----- Names

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface Tables {
  records: string;
  counters: string;
  /** Unqualified names, for indexes (an index lives in its table's schema). */
  bare: { records: string; counters: string; recordsIndex: string; countersIndex: string };
  schema: string | undefined;
}

function tables(options: PostgresTablesOptions = {}): Tables {
  const prefix = options.tablePrefix ?? 'otpkit_';
  const names = {
    records: `${prefix}records`,
    counters: `${prefix}counters`,
    recordsIndex: `${prefix}records_gone_at_idx`,
    countersIndex: `${prefix}counters_resets_at_idx`,
  };
  // Postgres silently truncates identifiers to 63 bytes: two prefixes that differ only past that would share tables.
  for (const name of Object.values(names)) {
    if (new TextEncoder().encode(name).length > 63) {
      throw new TypeError(`postgresStore: tablePrefix is too long (${name} is over Postgres' 63-byte limit).`);
    }
  }
  const qualify = (name: string) =>
    options.schema === undefined ? quote(name) : `${quote(options.schema)}.${quote(name)}`;
  return {
    records: qualify(names.records),
    counters: qualify(names.counters),
    bare: names,
    schema: options.schema,
  };
}

// ----- Schema

/**
 * The store's schema as SQL (the statements `migrate` runs), for a migration tool of your own. Two tables; times are
 * epoch milliseconds of the caller's clock (the `now` each store call carries), never the database's.
 *
 * - `<prefix>records`: one row per open verification. `data` is the record as the flow wrote it; the columns beside
 *   it are the fields the statements read or change (`attempts` and `verified` there win over `data`'s), plus
 *   `gone_at`, the moment the record disappears (create's `now + ttlMs`).
 * - `<prefix>counters`: window counters (send limits, cooldowns, failure budgets per recipient): `hits` in the window
 *   that ends at `resets_at`. A row whose window has ended counts as 0 (and is a candidate for cleanup).
 */
export function postgresSchema(options: PostgresTablesOptions = {}): string {
  return `${ddl(tables(options)).join(';\n\n')};\n`;
}

function ddl(t: Tables): string[] {
  const statements: string[] = [];
  if (t.schema !== undefined) statements.push(`CREATE SCHEMA IF NOT EXISTS ${quote(t.schema)}`);
  statements.push(
    `CREATE TABLE IF NOT EXISTS ${t.records} (
  id text PRIMARY KEY,
  data jsonb NOT NULL,
  recipient text NOT NULL,
  attempts integer NOT NULL,
  max_attempts integer NOT NULL,
  verified boolean NOT NULL,
  expires_at bigint NOT NULL,
  gone_at bigint NOT NULL
) WITH (fillfactor = 80)`,
    `CREATE INDEX IF NOT EXISTS ${quote(t.bare.recordsIndex)} ON ${t.records} (gone_at)`,
    `CREATE TABLE IF NOT EXISTS ${t.counters} (
  key text PRIMARY KEY,
  hits integer NOT NULL,
  resets_at bigint NOT NULL
) WITH (fillfactor = 70)`,
    `CREATE INDEX IF NOT EXISTS ${quote(t.bare.countersIndex)} ON ${t.counters} (resets_at)`,
  );
  return statements;
}

/** Reads rows out of either reply shape (`{ rows }` or the rows themselves). */
function rowsOf(result: { rows: readonly unknown[] } | readonly unknown[]): Record<string, unknown>[] {
  const rows = Array.isArray(result) ? result : (result as { rows?: unknown }).rows;
  if (!Array.isArray(rows)) throw new TypeError('The Postgres client resolved neither rows nor { rows }');
  return rows as Record<string, unknown>[];
}

/**
 * Creates the store's tables and indexes if they do not exist yet (idempotent: run it at every deploy or start-up).
 * One statement: a DO block holding an advisory lock, so instances that start together do not trip over each
 * other's CREATE TABLE. Errors are thrown as the client threw them (this is set-up, not a request).
 */
export async function migrate(client: PostgresClient, options: PostgresTablesOptions = {}): Promise<void> {
  const t = tables(options);
  const body = ddl(t)
    .map((statement) => `  ${statement.replace(/\n/g, '\n  ')};`)
    .join('\n');
  // The lock key: a fixed number ("otpkit" in ASCII), the same for every prefix; migrations are rare and quick.
  await client.query(
    `DO $otpkit$\nBEGIN\n  PERFORM pg_advisory_xact_lock(121090138540404);\n${body}\nEND\n$otpkit$`,
    [],
  );
}

/**
 * Deletes records and counters that ended before `now` (at most `limit` of each per call, oldest first; repeat
 * while it reports a full batch). The store already does this a little on each `create` (`cleanupBatch`); call this
 * from a scheduled job if you turned that off or want the tables trimmed at quiet times.
 */
export async function cleanup(
  client: PostgresClient,
  options: PostgresTablesOptions & { now: number; limit?: number },
): Promise<{ records: number; counters: number }> {
  const t = tables(options);
  const limit = String(Math.max(0, Math.floor(options.limit ?? 10_000)));
  const now = String(Math.floor(options.now));
  const rows = rowsOf(
    await client.query(
      `WITH r AS (
  DELETE FROM ${t.records} WHERE id IN (
    SELECT id FROM ${t.records} WHERE gone_at <= $1::text::bigint ORDER BY gone_at LIMIT $2::text::int FOR UPDATE SKIP LOCKED)
  RETURNING 1
), c AS (
  DELETE FROM ${t.counters} WHERE key IN (
    SELECT key FROM ${t.counters} WHERE resets_at <= $1::text::bigint ORDER BY resets_at LIMIT $2::text::int FOR UPDATE SKIP LOCKED)
  RETURNING 1
)
SELECT (SELECT count(*) FROM r) AS records, (SELECT count(*) FROM c) AS counters`,
      [now, limit],
    ),
  );
  return { records: num(rows[0]?.records), counters: num(rows[0]?.counters) };
}

// ----- Replies, decoded defensively: drivers differ (pg returns bigint and count(*) as strings, HTTP drivers may
// return every value as a string, jsonb may arrive parsed or as text).

function num(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(typeof value === 'bigint' ? value : String(value));
  if (value === null || value === undefined || !Number.isFinite(n)) {
    throw new TypeError(`Postgres replied ${String(value)} where a number belongs`);
  }
  return n;
}
const bool = (value: unknown): boolean => value === true || value === 't' || value === 'true' || value === 1;
function toRecord(row: Record<string, unknown>): VerificationRecord {
  const data = row.data;
  if (data === null || data === undefined) throw new TypeError('Postgres replied a record without its data');
  const record = (typeof data === 'string' ? JSON.parse(data) : structuredClone(data)) as VerificationRecord;
  if (typeof record !== 'object' || record === null) throw new TypeError('Postgres replied a record that is not one');
  record.attempts = num(row.attempts);
  record.verified = bool(row.verified);
  return record;
}
/** Epoch ms as a bigint parameter: whole milliseconds (the columns are bigint). */
const at = (ms: number) => String(Math.floor(ms));
/** A duration: whole milliseconds, at least 1 (as the Redis store rounds them). */
const whole = (ms: number) => Math.max(1, Math.ceil(ms));

const prefixes = (budgets: readonly FailureBudget[]) => JSON.stringify(budgets.map((b) => b.prefix));

/** A statement of `take` that found a counter row missing: it inserted it, and the call runs again. */
const TAKE_TRIES = 5;

/** Queries bounded by `timeoutMs`, and the one place errors are wrapped. */
function connection(client: PostgresStoreOptions['client'], timeoutMs: number) {
  const query = async (text: string, params: string[]): Promise<Record<string, unknown>[]> => {
    try {
      return rowsOf(await within(timeoutMs, 'Postgres', client.query(text, params)));
    } catch (error) {
      // 42P01 undefined_table: the most likely first-run mistake; say what to do, keeping the driver's error.
      if ((error as { code?: unknown } | null)?.code === '42P01') {
        throw new Error(`The store's tables do not exist: run migrate(client) first (${(error as Error).message})`, {
          cause: error,
        });
      }
      throw error;
    }
  };
  // The one place errors are wrapped: the cause stays attached for the server's log (the flow logs the chain).
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new OtpError('provider_unavailable', { message: 'The verification store is unavailable.', cause: error });
    }
  };

  return { query, run };
}

/** Every statement of the store, over its tables (`R` records, `C` counters). */
function statements(R: string, C: string) {
  // The tail of markVerified and refundAttempt: one failure back on each budget of the recipient in `m`.
  const REFUND = `keys AS (
  SELECT p || m.recipient AS key FROM m, jsonb_array_elements_text($3::text::jsonb) AS p
), cl AS (
  SELECT c.key FROM ${C} c WHERE c.key IN (SELECT key FROM keys) ORDER BY c.key FOR UPDATE
), refunded AS (
  UPDATE ${C} c SET hits = c.hits - 1 FROM cl
  WHERE c.key = cl.key AND c.resets_at > $2::text::bigint AND c.hits > 0 RETURNING 1
)`;
  return {
    // Replaces a record with the same id; deletes a few rows that ended before now on the way (SKIP LOCKED: never
    // waits for a row another call holds).
    create: `WITH gone AS (
  DELETE FROM ${R} WHERE id IN (
    SELECT id FROM ${R} WHERE gone_at <= $9::text::bigint AND id <> $1::text
    ORDER BY gone_at LIMIT $10::text::int FOR UPDATE SKIP LOCKED)
), ended AS (
  DELETE FROM ${C} WHERE key IN (
    SELECT key FROM ${C} WHERE resets_at <= $9::text::bigint ORDER BY resets_at LIMIT $10::text::int FOR UPDATE SKIP LOCKED)
)
INSERT INTO ${R} AS r (id, data, recipient, attempts, max_attempts, verified, expires_at, gone_at)
VALUES ($1::text, $2::text::jsonb, $3::text, $4::text::int, $5::text::int, $6::text::boolean, $7::text::bigint, $8::text::bigint)
ON CONFLICT (id) DO UPDATE SET data = excluded.data, recipient = excluded.recipient, attempts = excluded.attempts,
  max_attempts = excluded.max_attempts, verified = excluded.verified, expires_at = excluded.expires_at,
  gone_at = excluded.gone_at`,

    get: `SELECT data::text AS data, attempts, verified FROM ${R} WHERE id = $1::text AND gone_at > $2::text::bigint`,

    // Deletes the row whatever its time; says whether it was still there at now.
    delete: `DELETE FROM ${R} WHERE id = $1::text RETURNING gone_at > $2::text::bigint AS live`,

    // $1 id, $2 now, $3 the failure budgets as JSON [{p, l, w, s}] (l null: no limit), $4 the guessed code's hash
    // ('' for none: 'verified' when it is the record's, counting no failure), $5 the reopen prefixes as JSON (their
    // counters deleted when this step leaves no guess: verified, or the last attempt or budget room reserved). A record whose answer can no
    // longer change (verified, expired at now, or its attempts all reserved: each only ever goes one way) is
    // answered from the statement's snapshot, without a lock, so a flood of guesses on a spent verification does not
    // queue on its row. Otherwise: a budget counter row that does not exist yet is inserted (empty: hits 0) and the
    // answer is 'retry', locking nothing; else the record is locked (FOR UPDATE: the latest version), then its
    // budget counters in key order (their lock sits above a sort over a join with the locked record, so it always
    // comes second: no deadlock with markVerified, which also locks the record first), and the attempt is reserved
    // and one failure counted on every budget only if the record and every budget have room.
    reserveAttempt: `WITH seen AS (
  SELECT id, data, attempts, max_attempts, verified, expires_at, recipient
  FROM ${R} WHERE id = $1::text AND gone_at > $2::text::bigint
), settled AS (
  SELECT * FROM seen WHERE verified OR $2::text::bigint >= expires_at OR attempts >= max_attempts
), b AS (
  SELECT x.v->>'p' || seen.recipient AS key, (x.v->>'l')::float8 AS lim, (x.v->>'w')::bigint AS win,
    (x.v->>'s')::boolean AS slide
  FROM seen, jsonb_array_elements($3::text::jsonb) AS x(v)
), missing AS (
  SELECT b.key FROM b
  WHERE NOT EXISTS (SELECT 1 FROM settled) AND NOT EXISTS (SELECT 1 FROM ${C} c WHERE c.key = b.key)
), added AS (
  INSERT INTO ${C} (key, hits, resets_at) SELECT key, 0, $2::text::bigint + 60000 FROM missing ORDER BY key
  ON CONFLICT (key) DO NOTHING
), locked AS (
  SELECT id, data, attempts, max_attempts, verified, expires_at, recipient
  FROM ${R} WHERE id = $1::text AND gone_at > $2::text::bigint
    AND NOT EXISTS (SELECT 1 FROM settled) AND NOT EXISTS (SELECT 1 FROM missing)
  FOR UPDATE
), cl AS (
  SELECT c.key, c.hits, c.resets_at FROM ${C} c, locked l
  WHERE c.key IN (SELECT key FROM b) ORDER BY c.key FOR UPDATE OF c
), complete AS (
  SELECT NOT EXISTS (SELECT 1 FROM locked) OR (SELECT count(*) FROM cl) = (SELECT count(DISTINCT key) FROM b) AS ok
), r AS (
  SELECT * FROM settled UNION ALL SELECT * FROM locked
), counters AS (
  SELECT key, hits, resets_at FROM cl
  UNION ALL SELECT c.key, c.hits, c.resets_at FROM ${C} c
  WHERE NOT EXISTS (SELECT 1 FROM locked) AND c.key IN (SELECT key FROM b)
), v AS (
  SELECT b.key, b.lim, b.win, b.slide, x.resets_at,
    CASE WHEN x.resets_at > $2::text::bigint AND x.hits > 0 THEN x.hits ELSE 0 END AS n
  FROM b LEFT JOIN counters x ON x.key = b.key
), agg AS (
  SELECT min(lim - n) AS room,
    coalesce(max(CASE WHEN n >= lim THEN CASE WHEN n > 0 THEN resets_at - $2::text::bigint ELSE win END END), 0)
      AS wait
  FROM v
), s AS (
  SELECT r.*, CASE
    WHEN r.verified THEN 'already_verified'
    WHEN $2::text::bigint >= r.expires_at THEN 'expired'
    WHEN r.attempts >= r.max_attempts OR coalesce((SELECT room FROM agg), 'Infinity') <= 0 THEN 'exhausted'
    WHEN $4::text <> '' AND r.data->>'codeHash' = $4::text THEN 'verified'
    ELSE 'reserved' END AS status
  FROM r WHERE (SELECT ok FROM complete)
), u AS (
  UPDATE ${R} t SET attempts = t.attempts + 1, verified = t.verified OR s.status = 'verified'
  FROM s WHERE t.id = s.id AND s.status IN ('reserved', 'verified')
  RETURNING t.attempts
), counted AS (
  UPDATE ${C} c SET
    hits = CASE WHEN c.resets_at > $2::text::bigint AND c.hits > 0 THEN c.hits + 1 ELSE 1 END,
    resets_at = CASE WHEN c.resets_at > $2::text::bigint AND c.hits > 0 AND NOT v.slide THEN c.resets_at
      ELSE $2::text::bigint + v.win END
  FROM v WHERE c.key = v.key AND EXISTS (SELECT 1 FROM s WHERE s.status = 'reserved')
  RETURNING 1
), reopened AS (
  DELETE FROM ${C} c USING s, jsonb_array_elements_text($5::text::jsonb) AS p
  WHERE c.key = p || s.recipient AND (s.status = 'verified' OR (s.status = 'reserved'
    AND (s.attempts + 1 >= s.max_attempts OR coalesce((SELECT room FROM agg), 'Infinity') <= 1)))
  RETURNING 1
)
SELECT CASE WHEN EXISTS (SELECT 1 FROM missing) OR NOT (SELECT ok FROM complete) THEN 'retry'
    ELSE coalesce(s.status, 'not_found') END AS status,
  s.data::text AS data, coalesce((SELECT attempts FROM u), s.attempts) AS attempts,
  s.verified OR s.status = 'verified' AS verified,
  (SELECT room FROM agg) AS room, (SELECT wait FROM agg) AS wait, (SELECT count(*) FROM counted) AS counted
FROM (SELECT 1) AS one LEFT JOIN s ON true`,

    // $1 id, $2 now, $3 the budget prefixes as JSON, $4 the reopen prefixes as JSON. Only the call that flips it
    // gets a row back (a concurrent one waits, then finds it verified); that call also gives back one failure on
    // each budget (record first, then the counters in key order, as reserveAttempt locks them) and deletes the
    // reopen counters.
    markVerified: `WITH m AS (
  UPDATE ${R} SET verified = true
  WHERE id = $1::text AND gone_at > $2::text::bigint AND NOT verified RETURNING recipient
), ${REFUND}, reopened AS (
  DELETE FROM ${C} c USING m, jsonb_array_elements_text($4::text::jsonb) AS p WHERE c.key = p || m.recipient
  RETURNING 1
)
SELECT 1 AS won FROM m`,

    // $1 id, $2 now, $3 the budget prefixes as JSON: one failure back on each (never below 0).
    refundAttempt: `WITH m AS (
  SELECT recipient FROM ${R} WHERE id = $1::text AND gone_at > $2::text::bigint
), ${REFUND}
SELECT (SELECT count(*) FROM refunded) AS refunded`,

    // $1 now, $2 the rules as JSON [{k, l, w, p, b, ws}] (l null: no limit; p: peek, judged and never counted; b and
    // ws: the window is ws[n], n the hits of rule b (1-based) before this take, the last for more). If a counter row
    // is missing, inserts it (as an empty counter: hits 0, which every statement reads as "no window"; its resets_at
    // a minute ahead so that a concurrent cleanup, which deletes rows whose resets_at has passed, leaves it for the
    // retry to lock) and answers 'retry', locking nothing; otherwise locks every row in key order, judges them all,
    // and counts one hit on each counted rule only if every rule has room. Reply: status; for 'refused' the longest
    // wait and its key (the first rule that imposes it); for 'ok' each rule's [hits before, window] in order. $3: the
    // record to save when the take admits the send (JSON, or null), its resend fields decided here by its gate rule;
    // with one, a few rows that ended before now are deleted on the way, as create does ($4 of them at most).
    //
    take: `WITH e0 AS (
  SELECT x.v->>'k' AS key, (x.v->>'l')::float8 AS lim, (x.v->>'w')::bigint AS win0,
    coalesce((x.v->>'p')::boolean, false) AS peek, (x.v->>'b')::int AS by, x.v->'ws' AS ws, x.i
  FROM jsonb_array_elements($2::text::jsonb) WITH ORDINALITY AS x(v, i)
), keys AS (
  SELECT DISTINCT key FROM e0
), missing AS (
  SELECT k.key FROM keys k WHERE NOT EXISTS (SELECT 1 FROM ${C} c WHERE c.key = k.key)
), added AS (
  INSERT INTO ${C} (key, hits, resets_at) SELECT key, 0, $1::text::bigint + 60000 FROM missing ORDER BY key
  ON CONFLICT (key) DO NOTHING
), locked AS (
  SELECT c.key, c.hits, c.resets_at FROM ${C} c
  WHERE c.key IN (SELECT key FROM keys) AND NOT EXISTS (SELECT 1 FROM missing)
  ORDER BY c.key FOR UPDATE
), complete AS (
  SELECT (SELECT count(*) FROM locked) = (SELECT count(*) FROM keys) AS ok
), cur AS (
  SELECT e0.*, l.resets_at, CASE WHEN l.resets_at > $1::text::bigint AND l.hits > 0 THEN l.hits ELSE 0 END AS n
  FROM e0 JOIN locked l ON l.key = e0.key
), e AS (
  SELECT c.*, CASE WHEN c.ws IS NULL THEN c.win0 ELSE (c.ws->>least(
    coalesce((SELECT b.n FROM cur b WHERE b.i = c.by), 0), jsonb_array_length(c.ws) - 1)::int)::bigint END AS win
  FROM cur c
), refusal AS (
  SELECT e.key, CASE WHEN e.n > 0 THEN e.resets_at - $1::text::bigint ELSE e.win END AS wait
  FROM e WHERE e.win > 0 AND (e.lim <= 0 OR e.n >= e.lim)
  ORDER BY wait DESC, e.i LIMIT 1
), go AS (
  SELECT (SELECT ok FROM complete) AND NOT EXISTS (SELECT 1 FROM refusal) AS ok
), counted AS (
  UPDATE ${C} c SET
    hits = CASE WHEN c.resets_at > $1::text::bigint AND c.hits > 0 THEN c.hits + h.n ELSE h.n END,
    resets_at = CASE WHEN c.resets_at > $1::text::bigint AND c.hits > 0 THEN c.resets_at ELSE $1::text::bigint + h.win END
  FROM (SELECT key, count(*)::int AS n, (array_agg(win ORDER BY i))[1] AS win FROM e WHERE NOT peek AND win > 0
    GROUP BY key) h
  WHERE c.key = h.key AND (SELECT ok FROM go)
  RETURNING 1
), rec AS (
  SELECT x->>'id' AS id, x->'data' AS data, x->>'recipient' AS recipient, (x->>'attempts')::int AS attempts,
    (x->>'maxAttempts')::int AS max_attempts, (x->>'verified')::boolean AS verified,
    (x->>'expiresAt')::bigint AS expires_at, (x->>'ttl')::bigint AS ttl, (x->>'gate')::int AS gate,
    (x->>'resendCount')::int AS resend_count
  FROM (SELECT $3::text::jsonb AS x) q WHERE jsonb_typeof(x) = 'object'
), gone AS (
  DELETE FROM ${R} WHERE id IN (
    SELECT id FROM ${R} WHERE EXISTS (SELECT 1 FROM rec) AND gone_at <= $1::text::bigint
      AND id <> (SELECT id FROM rec)
    ORDER BY gone_at LIMIT $4::text::int FOR UPDATE SKIP LOCKED)
), ended AS (
  DELETE FROM ${C} WHERE key IN (
    SELECT key FROM ${C} WHERE EXISTS (SELECT 1 FROM rec) AND resets_at <= $1::text::bigint
      AND key NOT IN (SELECT key FROM keys)
    ORDER BY resets_at LIMIT $4::text::int FOR UPDATE SKIP LOCKED)
), saved AS (
  INSERT INTO ${R} AS r (id, data, recipient, attempts, max_attempts, verified, expires_at, gone_at)
  SELECT rec.id, rec.data || jsonb_build_object('resendAt', $1::text::bigint + g.win,
      'resendCount', greatest(rec.resend_count, coalesce(b.n, 0))),
    rec.recipient, rec.attempts, rec.max_attempts, rec.verified, rec.expires_at, $1::text::bigint + rec.ttl
  FROM rec JOIN e g ON g.i = rec.gate LEFT JOIN e b ON b.i = g.by
  WHERE (SELECT ok FROM go)
  ON CONFLICT (id) DO UPDATE SET data = excluded.data, recipient = excluded.recipient, attempts = excluded.attempts,
    max_attempts = excluded.max_attempts, verified = excluded.verified, expires_at = excluded.expires_at,
    gone_at = excluded.gone_at
  RETURNING 1
)
SELECT CASE WHEN NOT (SELECT ok FROM complete) THEN 'retry' WHEN (SELECT ok FROM go) THEN 'ok' ELSE 'refused' END
    AS status,
  (SELECT wait FROM refusal) AS wait, (SELECT key FROM refusal) AS key, (SELECT count(*) FROM counted) AS counted,
  (SELECT count(*) FROM saved) AS saved,
  (SELECT json_agg(json_build_array(n, win) ORDER BY i)::text FROM e) AS taken`,

    hits: `SELECT CASE WHEN resets_at > $2::text::bigint THEN hits ELSE 0 END AS hits FROM ${C} WHERE key = $1::text`,

    // Locks in key order first (as take does), then deletes.
    release: `DELETE FROM ${C} WHERE key IN (
  SELECT key FROM ${C} WHERE key IN (SELECT jsonb_array_elements_text($1::text::jsonb)) ORDER BY key FOR UPDATE)`,
  };
}

/**
 * The store in PostgreSQL, shared by every server instance, over any client with `query(text, params)`. Run
 * `migrate(client)` once first (or apply `postgresSchema()` with your own migration tool).
 *
 * Every method is one statement, atomic by itself under READ COMMITTED, which is Postgres' default: the methods
 * that check and then change (`reserveAttempt`, `markVerified`, `refundAttempt`, `take`) lock the rows they judge
 * (`SELECT … FOR UPDATE` in the same statement, or `INSERT … ON CONFLICT DO UPDATE` / `UPDATE … WHERE` on the
 * latest row version), so concurrent calls from any number of instances queue on the row and each judges what
 * the one before it wrote. Rows are always locked in key order: concurrent calls cannot deadlock. A reservation
 * on a verification whose answer can no longer change (verified, expired, its attempts all spent) is answered
 * without a lock, so a flood of guesses does not queue on the row. `take` on a counter that does not exist yet
 * inserts it first and runs again (two round trips; one once it exists).
 *
 * Fails closed: any error from the client (a refused connection, a wrong password, a missing table, a timeout)
 * rejects with `OtpError('provider_unavailable')` (503) whose `cause` is that error, and nothing is verified
 * without its record.
 *
 * ```ts
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * pool.on('error', (error) => console.error(error)); // an idle connection dropped by the server
 * await migrate(pool);
 * const store = postgresStore({ client: pool });
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): OtpStore {
  const { client } = options;
  if (!client || typeof client.query !== 'function') {
    throw new TypeError('postgresStore needs `client`: an object with query(text, params) (pg Pool, Neon, …).');
  }
  const t = tables(options);
  const R = t.records;
  const C = t.counters;
  const batch = String(Math.max(0, Math.floor(options.cleanupBatch ?? 10)));
  const { query, run } = connection(client, options.timeoutMs ?? 5000);
  const SQL = statements(R, C);

  return {
    create: ({ record, ttlMs, now }) =>
      run(async () => {
        await query(SQL.create, [
          record.id,
          JSON.stringify(record),
          recipientKey(record.to),
          String(record.attempts),
          String(record.maxAttempts),
          record.verified ? 'true' : 'false',
          at(record.expiresAt),
          at(Math.floor(now) + whole(ttlMs)),
          at(now),
          batch,
        ]);
      }),

    get: ({ id, now }) =>
      run(async () => {
        const [row] = await query(SQL.get, [id, at(now)]);
        return row ? toRecord(row) : null;
      }),

    delete: ({ id, now }) =>
      run(async () => {
        const [row] = await query(SQL.delete, [id, at(now)]);
        return row !== undefined && bool(row.live);
      }),

    reserveAttempt: ({ id, budgets, now, codeHash, reopen = [] }) =>
      run(async (): Promise<ReserveResult> => {
        const json = JSON.stringify(
          budgets.map((b) => ({
            p: b.prefix,
            l: Number.isFinite(b.limit) ? b.limit : null,
            w: whole(b.windowMs),
            s: b.sliding,
          })),
        );
        for (let tries = 0; tries < TAKE_TRIES; tries++) {
          const [row] = await query(SQL.reserveAttempt, [id, at(now), json, codeHash ?? '', JSON.stringify(reopen)]);
          const status = row?.status;
          if (!row || status === 'retry') continue;
          const failuresLeft = row.room === null || row.room === undefined ? Number.POSITIVE_INFINITY : num(row.room);
          switch (status) {
            case 'not_found':
              return { status };
            case 'reserved':
              return { status, record: toRecord(row), failuresLeft: failuresLeft - 1 };
            case 'verified':
              return { status, record: toRecord(row) };
            case 'exhausted':
              return {
                status,
                record: toRecord(row),
                failuresLeft: Math.max(0, failuresLeft),
                retryAfterMs: num(row.wait),
              };
            case 'expired':
            case 'already_verified':
              return { status, record: toRecord(row) };
            default:
              throw new TypeError(`Postgres replied an unknown status ${String(status)}`);
          }
        }
        throw new Error(`reserveAttempt: its counters kept disappearing (deleted by cleanup) ${TAKE_TRIES} times`);
      }),

    markVerified: ({ id, budgets, now, reopen = [] }) =>
      run(async () => {
        const rows = await query(SQL.markVerified, [id, at(now), prefixes(budgets), JSON.stringify(reopen)]);
        return rows.length === 1;
      }),

    refundAttempt: ({ id, budgets, now }) =>
      run(async () => {
        await query(SQL.refundAttempt, [id, at(now), prefixes(budgets)]);
      }),

    take: ({ rules, now, create }) =>
      run(async (): Promise<TakeResult> => {
        const hits = rules.map(() => 0);
        const windowsMs = rules.map((rule) => rule.windowMs);
        // A window of 0 is no rule (as in memory and Redis).
        const counted = rules.filter((rule: LimitRule) => rule.windowMs > 0 || rule.windowBy);
        if (counted.length === 0) return { ok: true, hits, windowsMs };
        const json = JSON.stringify(
          counted.map((rule) => ({
            k: rule.key,
            l: Number.isFinite(rule.limit) ? rule.limit : null,
            w: rule.windowMs > 0 ? whole(rule.windowMs) : 0,
            ...(rule.peek ? { p: true } : {}),
            ...(rule.windowBy
              ? {
                  b: counted.findIndex((r) => r.key === rule.windowBy?.by) + 1,
                  ws: rule.windowBy.windowsMs.map(whole),
                }
              : {}),
          })),
        );
        // The record the take saves when it admits the send (its resend fields written by the statement).
        const record = create && {
          id: create.record.id,
          data: { ...create.record, resendAt: undefined, resendCount: undefined },
          recipient: recipientKey(create.record.to),
          attempts: create.record.attempts,
          maxAttempts: create.record.maxAttempts,
          verified: create.record.verified,
          expiresAt: at(create.record.expiresAt),
          ttl: whole(create.ttlMs),
          gate: counted.findIndex((r) => r.key === create.resendBy) + 1,
          resendCount: create.record.resendCount,
        };
        if (record && record.gate === 0) throw new TypeError(`take: create.resendBy ${create?.resendBy} is not a rule`);
        for (let tries = 0; tries < TAKE_TRIES; tries++) {
          const [row] = await query(SQL.take, [at(now), json, JSON.stringify(record ?? null), batch]);
          switch (row?.status) {
            case 'ok': {
              const taken = JSON.parse(String(row.taken)) as [number, number][];
              counted.forEach((rule, i) => {
                const index = rules.indexOf(rule);
                hits[index] = num(taken[i]?.[0]);
                windowsMs[index] = num(taken[i]?.[1]);
              });
              return { ok: true, hits, windowsMs };
            }
            case 'refused': {
              const key = row.key;
              if (typeof key !== 'string' || !counted.some((rule) => rule.key === key)) {
                throw new TypeError(`Postgres refused a take for a key it was not given: ${String(key)}`);
              }
              return { ok: false, retryAfterMs: num(row.wait), key };
            }
            case 'retry':
              continue;
            default:
              throw new TypeError(`Postgres replied an unknown take status ${String(row?.status)}`);
          }
        }
        throw new Error(`take: its counters kept disappearing (deleted by release or cleanup) ${TAKE_TRIES} times`);
      }),

    hits: ({ key, now }) =>
      run(async () => {
        const [row] = await query(SQL.hits, [key, at(now)]);
        return row ? num(row.hits) : 0;
      }),

    release: ({ keys }) =>
      run(async () => {
        if (keys.length === 0) return;
        await query(SQL.release, [JSON.stringify(keys)]);
      }),
  };
}
