// A third store, written only against the public interface (`OtpStore` from @otpkit/bff) and proven by the
// published conformance suite (map-store.test.ts). The bff README's "Write a store" is this file: the smallest
// store that passes, as a template for one over your own database. (JavaScript runs each method to its first
// `await` without interruption, which is what makes these methods atomic; a database store needs a transaction
// or a conditional update in each method that reads and then writes.)
// docs:write-store
import {
  createdBy,
  type FailureBudget,
  type OtpStore,
  recipientKey,
  type VerificationRecord,
  windowOf,
} from '@otpkit/bff';

export function mapStore(): OtpStore {
  const records = new Map<string, { record: VerificationRecord; until: number }>();
  const counters = new Map<string, { n: number; reset: number }>();

  const live = (id: string, now: number) => {
    const entry = records.get(id);
    return entry && entry.until > now ? entry.record : undefined;
  };
  const hits = (key: string, now: number) => {
    const c = counters.get(key);
    return c && c.reset > now ? c.n : 0;
  };
  // A sliding window moves its end with every hit; a fixed one keeps the end its first hit set.
  const hit = (key: string, windowMs: number, now: number, sliding = false) => {
    const n = hits(key, now);
    counters.set(key, { n: n + 1, reset: n === 0 || sliding ? now + windowMs : counters.get(key)!.reset });
  };
  const refund = (record: VerificationRecord, budgets: readonly FailureBudget[], now: number) => {
    for (const { prefix } of budgets) {
      const key = prefix + recipientKey(record.to);
      const n = hits(key, now);
      if (n > 0) counters.set(key, { n: n - 1, reset: counters.get(key)!.reset });
    }
  };

  return {
    async create({ record, ttlMs, now }) {
      records.set(record.id, { record: { ...record }, until: now + ttlMs });
    },
    async get({ id, now }) {
      const record = live(id, now);
      return record ? { ...record } : null;
    },
    async delete({ id, now }) {
      return live(id, now) !== undefined && records.delete(id);
    },
    async reserveAttempt({ id, budgets, now, codeHash, reopen = [] }) {
      const record = live(id, now);
      if (!record) return { status: 'not_found' };
      if (record.verified) return { status: 'already_verified', record: { ...record } };
      if (now >= record.expiresAt) return { status: 'expired', record: { ...record } };
      // Every budget is checked, and counted, in the same step as the attempt.
      let failuresLeft = Number.POSITIVE_INFINITY;
      let retryAfterMs = 0;
      for (const { prefix, limit, windowMs } of budgets) {
        const key = prefix + recipientKey(record.to);
        const n = hits(key, now);
        failuresLeft = Math.min(failuresLeft, limit - n);
        if (n >= limit) retryAfterMs = Math.max(retryAfterMs, n > 0 ? counters.get(key)!.reset - now : windowMs);
      }
      if (record.attempts >= record.maxAttempts || failuresLeft <= 0) {
        return { status: 'exhausted', record: { ...record }, failuresLeft: Math.max(0, failuresLeft), retryAfterMs };
      }
      record.attempts += 1;
      // The step that leaves no guess reopens (the resend gate): a right code, the last attempt, a full budget.
      const forget = () => {
        for (const prefix of reopen) counters.delete(prefix + recipientKey(record.to));
      };
      // A right locally checked code: verified in the same step, no failure counted.
      if (codeHash !== undefined && record.codeHash === codeHash) {
        record.verified = true;
        forget();
        return { status: 'verified', record: { ...record } };
      }
      for (const { prefix, windowMs, sliding } of budgets)
        hit(prefix + recipientKey(record.to), windowMs, now, sliding);
      if (record.attempts >= record.maxAttempts || failuresLeft <= 1) forget();
      return { status: 'reserved', record: { ...record }, failuresLeft: failuresLeft - 1 };
    },
    async markVerified({ id, budgets, now, reopen = [] }) {
      const record = live(id, now);
      if (!record || record.verified) return false;
      record.verified = true;
      refund(record, budgets, now);
      for (const prefix of reopen) counters.delete(prefix + recipientKey(record.to));
      return true;
    },
    async refundAttempt({ id, budgets, now }) {
      const record = live(id, now);
      if (record) refund(record, budgets, now);
    },
    async take({ rules, now, create }) {
      // What each counter held before, and the window each rule counts with (a rule's window may follow another's
      // hits: `windowBy`).
      const before = rules.map(({ key }) => hits(key, now));
      const windowsMs = rules.map((rule) => windowOf(rule, rules, before));
      let refused: { retryAfterMs: number; key: string } | undefined;
      rules.forEach(({ key, limit }, i) => {
        const n = before[i]!;
        if (windowsMs[i]! <= 0 || (limit > 0 && n < limit)) return;
        const wait = n > 0 ? counters.get(key)!.reset - now : windowsMs[i]!;
        if (!refused || wait > refused.retryAfterMs) refused = { retryAfterMs: wait, key };
      });
      if (refused) return { ok: false, ...refused };
      // `peek` rules are judged, never counted.
      rules.forEach(({ key, peek }, i) => {
        if (!peek && windowsMs[i]! > 0) hit(key, windowsMs[i]!, now);
      });
      const result = { ok: true as const, hits: before, windowsMs };
      // A send's record, saved in the same step (its resend fields as its gate rule decided).
      if (create)
        records.set(create.record.id, { record: createdBy(create, rules, result, now), until: now + create.ttlMs });
      return result;
    },
    async hits({ key, now }) {
      return hits(key, now);
    },
    async release({ keys }) {
      for (const key of keys) counters.delete(key);
    },
  };
}
// docs:end
