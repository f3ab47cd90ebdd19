import {
  type Counter,
  countersIn,
  lead,
  PackedMap,
  packCounters,
  packRecord,
  unpackCounters,
  unpackRecord,
} from './memory-packing.js';
import { multiInstanceReason } from './platform.js';
import {
  createdBy,
  type OtpStore,
  type ReserveResult,
  recipientKey,
  type TakeResult,
  type VerificationRecord,
  windowOf,
} from './types.js';

export interface MemoryStoreOptions {
  /**
   * Promise that one process serves the handler. The memory store refuses to start where the platform runs several
   * instances or isolates (serverless, edge, a production server with several workers): each would keep its own
   * verifications and limits, so a verify reaching another instance answers 404 and every limit multiplies with the
   * instance count. @defaultValue false
   */
  singleInstance?: boolean;
  /** How often the background sweep drops expired entries. @defaultValue 60000 */
  sweepIntervalMs?: number;
  /**
   * At most this many records (open or finished verifications). When full, expired records go first, then
   * verified ones (finished: forgetting one only turns a replayed verify's 409 into a 404); an OPEN verification is
   * never evicted, so nobody can push other users' codes out by sending many of their own. If only open ones are
   * left, a new send fails (503, logged): fail closed. The default send budgets (1,000 sends an hour) keep far fewer
   * open at once. @defaultValue 100000
   */
  maxRecords?: number;
  /**
   * At most this many limit counters. When full, counters whose window has ended go first; a live counter is never
   * evicted (that would reopen a limit), so if none has ended the call fails (503, logged). @defaultValue 1000000
   */
  maxCounters?: number;
}

/** What a full store throws (the flow answers 503 and logs it). */
export class MemoryStoreFullError extends Error {
  override readonly name = 'MemoryStoreFullError';
}

/** A record as the store holds it: the fields plus the moment it disappears. */
type Stored = VerificationRecord & { until: number };

/**
 * The in-memory store for one server process (and for Storybook in the browser). Every method does its work
 * synchronously before its promise resolves, so no other request can interleave: that is what makes
 * `reserveAttempt`, `markVerified` and `take` atomic here. Not shared between instances: use the Redis store
 * when more than one process serves the handler.
 *
 * It has no clock of its own: records and windows are judged by the `now` of each call, and the background sweep
 * uses the `now` of the latest call (so a test clock, ahead or behind, decides what is expired; an idle store sweeps
 * nothing new until its next call). Records and counters are held packed (see memory-packing.ts): an open
 * verification with its recipient's counters takes under 300 bytes.
 */
export function memoryStore(options: MemoryStoreOptions = {}): OtpStore {
  const reason = options.singleInstance ? undefined : multiInstanceReason();
  if (reason) {
    throw new Error(
      `otpkit: the memory store cannot hold on ${reason}: verifications and limits would live per instance (a verify ` +
        'reaching another one answers 404, and limits multiply). Use a shared store: redisStore({ client }) from ' +
        "'@otpkit/bff/redis' (ioredis, node-redis, or @upstash/redis over HTTPS on serverless and edge), or " +
        "postgresStore from '@otpkit/bff/postgres'. If one process really serves it: memoryStore({ singleInstance: true }).",
    );
  }
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const maxRecords = options.maxRecords ?? 100_000;
  const maxCounters = options.maxCounters ?? 1_000_000;
  /** Packed records by id (see packRecord). */
  const records = new PackedMap();
  /** The time every packed time is an offset from: the first `now` the store is given. */
  let base: number | undefined;
  const counters = windowCounters(() => base ?? 0);
  /** The `now` of the latest call: the sweep's clock. */
  let latest = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setInterval> | undefined;
  const ends = (packed: string) => lead(packed, base ?? 0);

  const sweep = () => {
    records.removeWhere((packed) => ends(packed) <= latest);
    counters.sweep(latest);
    // The timer only lives while there is something to expire, so an idle store (a finished test, a browser tab)
    // holds no timer at all.
    if (records.size === 0 && counters.size() === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  const arm = () => {
    if (timer !== undefined) return;
    timer = setInterval(sweep, sweepIntervalMs);
    // Node: never keep the process alive for a sweep. Browsers return a number and have nothing to unref.
    (timer as { unref?: () => void }).unref?.();
  };
  /** Every method starts here: the sweep judges by the latest `now` it was given. */
  const at = (now: number) => {
    latest = now;
    base ??= Number.isSafeInteger(now) ? now : 0;
    return now;
  };
  const live = (id: string, now: number): Stored | undefined => {
    const fields = records.get(id);
    if (fields === undefined) return undefined;
    const s = unpackRecord(id, fields, base ?? 0);
    if (s.until <= now) {
      records.delete(id);
      return undefined;
    }
    return s;
  };
  const save = (s: Stored) => records.set(s.id, packRecord(s, s.until, base ?? 0));
  /** Room for one more record: expired ones, then finished (verified) ones, oldest first; never an open one. */
  const roomForRecord = (id: string) => {
    if (records.size < maxRecords || records.has(id)) return;
    records.removeWhere((packed) => ends(packed) <= latest);
    for (const [key, fields] of records.entries()) {
      if (records.size < maxRecords) return;
      if (unpackRecord(key, fields, base ?? 0).verified) records.delete(key);
    }
    if (records.size >= maxRecords)
      throw new MemoryStoreFullError(`otpkit memory store: ${maxRecords} open verifications (maxRecords)`);
  };
  /** Room for `n` more counters: ended windows go; a live counter never (it would reopen its limit). */
  const roomForCounters = (n: number) => {
    if (counters.size() + n <= maxCounters) return;
    counters.prune(latest);
    if (counters.size() + n > maxCounters)
      throw new MemoryStoreFullError(`otpkit memory store: ${maxCounters} live limit counters (maxCounters)`);
  };
  const { hits } = counters;
  // Callers get copies: a record is changed only through the store's methods.
  const copy = (s: Stored): VerificationRecord => {
    const { until: _until, ...record } = s;
    return record;
  };

  return {
    async create({ record, ttlMs, now }) {
      at(now);
      roomForRecord(record.id);
      save({ ...record, until: now + ttlMs });
      arm();
    },

    async get({ id, now }) {
      const s = live(id, at(now));
      return s ? copy(s) : null;
    },

    async delete({ id, now }) {
      return live(id, at(now)) !== undefined && records.delete(id);
    },

    async reserveAttempt({ id, budgets, now, codeHash, reopen = [] }): Promise<ReserveResult> {
      const s = live(id, at(now));
      if (!s) return { status: 'not_found' };
      if (s.verified) return { status: 'already_verified', record: copy(s) };
      if (now >= s.expiresAt) return { status: 'expired', record: copy(s) };
      const to = recipientKey(s.to);
      const tally = counters.batch(now);
      let failuresLeft = Number.POSITIVE_INFINITY;
      let retryAfterMs = 0;
      for (const b of budgets) {
        const c = tally.get(b.prefix + to);
        const n = c?.count ?? 0;
        failuresLeft = Math.min(failuresLeft, b.limit - n);
        if (n >= b.limit) retryAfterMs = Math.max(retryAfterMs, c ? c.reset - now : b.windowMs);
      }
      if (s.attempts >= s.maxAttempts || failuresLeft <= 0) {
        return { status: 'exhausted', record: copy(s), failuresLeft: Math.max(0, failuresLeft), retryAfterMs };
      }
      const right = codeHash !== undefined && s.codeHash === codeHash;
      // Room for the failure counters first, so a full store refuses before anything is counted.
      if (!right) roomForCounters(budgets.filter((b) => !tally.get(b.prefix + to)).length);
      s.attempts += 1;
      if (right) s.verified = true;
      else for (const b of budgets) tally.hit(b.prefix + to, b.windowMs, b.sliding);
      // The step that leaves no guess reopens (see OtpStore.reserveAttempt).
      if (right || s.attempts >= s.maxAttempts || failuresLeft <= 1)
        for (const prefix of reopen) tally.forget(prefix + to);
      save(s);
      tally.commit();
      arm();
      if (right) return { status: 'verified', record: copy(s) };
      return { status: 'reserved', record: copy(s), failuresLeft: failuresLeft - 1 };
    },

    async markVerified({ id, budgets, now, reopen = [] }) {
      const s = live(id, at(now));
      if (!s || s.verified) return false;
      s.verified = true;
      save(s);
      const to = recipientKey(s.to);
      const tally = counters.batch(now);
      for (const b of budgets) tally.unhit(b.prefix + to);
      for (const prefix of reopen) tally.forget(prefix + to);
      tally.commit();
      return true;
    },

    async refundAttempt({ id, budgets, now }) {
      const s = live(id, at(now));
      if (!s) return;
      const tally = counters.batch(now);
      for (const b of budgets) tally.unhit(b.prefix + recipientKey(s.to));
      tally.commit();
    },

    async take({ rules, now, create }): Promise<TakeResult> {
      at(now);
      const tally = counters.batch(now);
      const held = rules.map((rule) => (rule.windowMs > 0 || rule.windowBy ? tally.get(rule.key) : undefined));
      const before = held.map((c) => c?.count ?? 0);
      const windowsMs = rules.map((rule) => windowOf(rule, rules, before));
      let refused: { retryAfterMs: number; key: string } | undefined;
      rules.forEach((rule, i) => {
        const n = before[i] ?? 0;
        const windowMs = windowsMs[i] ?? 0;
        if (windowMs <= 0) return;
        if (rule.limit <= 0 || n >= rule.limit) {
          const c = held[i];
          const wait = c ? c.reset - now : windowMs;
          if (!refused || wait > refused.retryAfterMs) refused = { retryAfterMs: wait, key: rule.key };
        }
      });
      if (refused) return { ok: false, ...refused };
      // All or nothing: room for every new counter is made (or refused) before any is counted.
      const counted = rules.filter((rule, i) => !rule.peek && (windowsMs[i] ?? 0) > 0);
      roomForCounters(new Set(counted.filter((rule) => !tally.get(rule.key)).map((rule) => rule.key)).size);
      if (create) roomForRecord(create.record.id);
      for (const rule of counted) tally.hit(rule.key, windowsMs[rules.indexOf(rule)] ?? 0, false);
      tally.commit();
      const result = { ok: true as const, hits: before, windowsMs };
      if (create) save({ ...createdBy(create, rules, result, now), until: now + create.ttlMs });
      arm();
      return result;
    },

    async hits({ key, now }) {
      return hits(key, at(now));
    },

    async release({ keys, now }) {
      const tally = counters.batch(at(now));
      for (const key of keys) tally.forget(key);
      tally.commit();
    },
  };
}

/** Where a counter lives: the keys about one recipient (`prefix{tag}to`, see recipientKey) share one group. */
const groupOf = (key: string): [group: string, prefix: string] => {
  const brace = key.indexOf('{');
  return brace > 0 ? [key.slice(brace), key.slice(0, brace)] : [key, ''];
};

/**
 * Fixed-window counters, packed per group (see memory-packing.ts): the counters of one recipient (its sends, its
 * daily sends, its resend gate, its wrong codes) are one Map entry. A counter whose window has ended is dropped when
 * its group is next read, and a group whose every window has ended by the sweep.
 */
function windowCounters(base: () => number) {
  const groups = new PackedMap();
  /** Counters held (some may have ended and not yet been dropped). */
  let size = 0;
  const write = (group: string, list: readonly Counter[]) => {
    if (list.length === 0) groups.delete(group);
    else groups.set(group, packCounters(list, base()));
  };
  /** The group's counters whose window is still open at `now` (the ended ones are dropped on the way). */
  const read = (group: string, now: number): Counter[] => {
    const fields = groups.get(group);
    if (fields === undefined) return [];
    const all = unpackCounters(fields, base());
    const open = all.filter((c) => c.reset > now);
    if (open.length < all.length) {
      size -= all.length - open.length;
      write(group, open);
    }
    return open;
  };
  /** Hits under `key` in its current window (0 once the window has ended). */
  const hits = (key: string, now: number): number => {
    const [group, prefix] = groupOf(key);
    return read(group, now).find((c) => c.prefix === prefix)?.count ?? 0;
  };
  return {
    hits,
    /**
     * The counters of one store call: each group is read once, changed in place, and written back once by
     * `commit` (a reservation touches one recipient's group for both its budgets and its resend gate).
     */
    batch(now: number) {
      const touched = new Map<string, { list: Counter[]; was: number; dirty: boolean }>();
      const at = (key: string) => {
        const [group, prefix] = groupOf(key);
        let entry = touched.get(group);
        if (!entry) {
          const list = read(group, now);
          entry = { list, was: list.length, dirty: false };
          touched.set(group, entry);
        }
        return { entry, prefix, i: entry.list.findIndex((c) => c.prefix === prefix) };
      };
      return {
        /** The counter under `key` while its window is open. */
        get: (key: string): Counter | undefined => {
          const { entry, i } = at(key);
          return entry.list[i];
        },
        /** One hit; a new window starts at the first hit, and later hits extend it only when `sliding`. */
        hit(key: string, windowMs: number, sliding: boolean) {
          const { entry, prefix, i } = at(key);
          const c = entry.list[i];
          if (!c) entry.list.push({ prefix, reset: now + windowMs, count: 1 });
          else {
            c.count += 1;
            if (sliding) c.reset = now + windowMs;
          }
          entry.dirty = true;
        },
        /** One hit taken back (a refund), never below 0; the window is left as it is. */
        unhit(key: string) {
          const { entry, i } = at(key);
          const c = entry.list[i];
          if (!c) return;
          if (c.count > 1) c.count -= 1;
          else entry.list.splice(i, 1);
          entry.dirty = true;
        },
        /** Forgets the counter under `key`. */
        forget(key: string) {
          const { entry, i } = at(key);
          if (i < 0) return;
          entry.list.splice(i, 1);
          entry.dirty = true;
        },
        commit() {
          for (const [group, { list, was, dirty }] of touched) {
            if (!dirty) continue;
            size += list.length - was;
            write(group, list);
          }
        },
      };
    },
    /** Drops every group whose last window has ended at `now` (reads only each group's first field). */
    sweep(now: number) {
      groups.removeWhere(
        (packed) => lead(packed, base()) <= now,
        (packed) => {
          size -= countersIn(packed);
        },
      );
    },
    /** Drops every counter whose window has ended at `now`, group by group (when the store is full). */
    prune(now: number) {
      for (const [group] of [...groups.entries()]) read(group, now);
    },
    size: () => size,
  };
}
