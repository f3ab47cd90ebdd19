// The behaviour every OtpStore must share, published as `@otpkit/bff/store-conformance` so a store of your own can
// prove itself with the same tests as memoryStore and the Redis stores (vitest is an optional peer dependency):
//
//   import { describeStore } from '@otpkit/bff/store-conformance';
//   describeStore('myStore', () => myStore({ prefix: `test:${crypto.randomUUID()}:` }));
//
// Time moves through the `now` every method takes, never by sleeping. Each test starts from the real time
// (Date.now()), so a store that also expires keys on its own clock (Redis TTLs) keeps them for as long as the test
// runs: the windows and lifetimes here are 10 s or more, and a run takes milliseconds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LimitRule, OtpStore, VerificationRecord } from './types.js';

/** A plausible open verification for a random number, opened at `overrides.createdAt` (default: now). */
export function makeRecord(overrides: Partial<VerificationRecord> = {}): VerificationRecord {
  const createdAt = overrides.createdAt ?? Date.now();
  return {
    id: crypto.randomUUID(),
    to: `+4477009${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`,
    channel: 'sms',
    messageId: '1725407449772531712',
    codeLength: 6,
    createdAt,
    expiresAt: createdAt + 300_000,
    resendAt: createdAt + 60_000,
    resendCount: 0,
    attempts: 0,
    maxAttempts: 5,
    verified: false,
    ...overrides,
  };
}

export interface DescribeStoreOptions {
  /** Called after each test with that test's store (close a connection, drop its keys). */
  cleanup?: (store: OtpStore) => void | Promise<void>;
  /** How many calls the concurrency tests make at once (lower it for a store behind a rate-limited API; the
   * tests need at least 20). @defaultValue 200 */
  concurrency?: number;
}

/** The conformance tests for an OtpStore. `factory` gives a fresh store for each test (an empty one, or one whose
 * keys no other test uses: the tests use random ids and keys). */
export function describeStore(
  name: string,
  factory: () => OtpStore | Promise<OtpStore>,
  options: DescribeStoreOptions = {},
): void {
  const many = Math.max(20, options.concurrency ?? 200);

  describe(`OtpStore contract: ${name}`, () => {
    let store: OtpStore;
    let t0: number;
    beforeEach(async () => {
      store = await factory();
      t0 = Date.now();
    });
    if (options.cleanup) {
      const cleanup = options.cleanup;
      afterEach(async () => {
        if (store) await cleanup(store);
      });
    }

    const FAIL = 'fail:';
    const TTL = 600_000;
    const created = async (overrides: Partial<VerificationRecord> = {}, ttlMs = TTL) => {
      const record = makeRecord({ createdAt: t0, ...overrides });
      await store.create({ record, ttlMs, now: t0 });
      return record;
    };
    const reserve = (id: string, now: number, maxFailures = 10, failurePrefix = FAIL) =>
      store.reserveAttempt({ id, failurePrefix, maxFailures, now });
    const key = (kind: string) => `${kind}:${crypto.randomUUID()}`;
    const rule = (key: string, limit: number, windowMs = 60_000): LimitRule => ({ key, limit, windowMs });
    const take = (rules: LimitRule[], now: number) => store.take({ rules, now });

    describe('records', () => {
      it('get returns what create saved, and null for an unknown id', async () => {
        const record = await created({
          codeHash: 'abc',
          messageId: undefined,
          locale: 'zh-CN',
          purpose: 'change-phone',
          resendCount: 2,
          channel: 'whatsapp',
          resendAt: t0 + 120_000,
          codeLength: 8,
        });
        expect(await store.get({ id: record.id, now: t0 })).toEqual(record);
        const full = await created({ codeHash: 'def', locale: 'en', messageId: 'm-1', attempts: 3, verified: true });
        expect(await store.get({ id: full.id, now: t0 })).toEqual(full);
        expect(await store.get({ id: 'no-such-id', now: t0 })).toBeNull();
      });

      it('keeps a copy: changing the object passed to create or returned by get changes nothing stored', async () => {
        const record = makeRecord({ createdAt: t0 });
        const saved = { ...record };
        await store.create({ record, ttlMs: TTL, now: t0 });
        record.attempts = 7;
        record.to = '+10000000000';
        const got = (await store.get({ id: record.id, now: t0 }))!;
        expect(got).toEqual(saved);
        got.attempts = 99;
        got.verified = true;
        expect(await store.get({ id: record.id, now: t0 })).toEqual(saved);
        const reserved = await reserve(record.id, t0);
        if (reserved.status !== 'reserved') throw new Error(`expected reserved, got ${reserved.status}`);
        reserved.record.attempts = 50;
        expect(await store.get({ id: record.id, now: t0 })).toEqual({ ...saved, attempts: 1 });
      });

      it('create replaces a record with the same id', async () => {
        const record = await created({ maxAttempts: 3 });
        await reserve(record.id, t0);
        await store.markVerified({ id: record.id, now: t0 });
        const again = { ...record, messageId: 'second', attempts: 0, verified: false };
        await store.create({ record: again, ttlMs: TTL, now: t0 });
        expect(await store.get({ id: record.id, now: t0 })).toEqual(again);
        expect(await reserve(record.id, t0)).toMatchObject({ status: 'reserved', record: { attempts: 1 } });
      });

      it('delete removes a record and says whether it existed', async () => {
        const record = await created();
        const other = await created();
        expect(await store.delete({ id: record.id, now: t0 })).toBe(true);
        expect(await store.get({ id: record.id, now: t0 })).toBeNull();
        expect(await store.delete({ id: record.id, now: t0 })).toBe(false);
        expect(await store.delete({ id: 'no-such-id', now: t0 })).toBe(false);
        expect(await reserve(record.id, t0)).toEqual({ status: 'not_found' });
        expect(await store.markVerified({ id: record.id, now: t0 })).toBe(false);
        expect(await store.get({ id: other.id, now: t0 })).toEqual(other);
      });

      it('a record is gone ttlMs after the `now` it was created at, for every method', async () => {
        const record = await created({ expiresAt: t0 + 300_000 }, 60_000);
        const end = t0 + 60_000;
        expect(await store.get({ id: record.id, now: end - 1 })).toEqual(record);
        expect(await store.get({ id: record.id, now: end })).toBeNull();
        expect(await reserve(record.id, end)).toEqual({ status: 'not_found' });
        expect(await store.markVerified({ id: record.id, now: end })).toBe(false);
        expect(await store.delete({ id: record.id, now: end })).toBe(false);

        const later = await created({}, 60_000);
        expect(await store.markVerified({ id: later.id, now: end + 5 })).toBe(false);
        expect(await store.delete({ id: later.id, now: end })).toBe(false);
      });
    });

    describe('reserveAttempt', () => {
      it('reserves one attempt at a time and reports the failures so far', async () => {
        const record = await created({ maxAttempts: 3 });
        const first = await reserve(record.id, t0);
        expect(first).toEqual({ status: 'reserved', record: { ...record, attempts: 1 }, failures: 0 });
        await store.addFailure({ key: FAIL + record.to, windowMs: 60_000, now: t0 });
        const second = await reserve(record.id, t0 + 1);
        expect(second).toEqual({ status: 'reserved', record: { ...record, attempts: 2 }, failures: 1 });
        expect((await store.get({ id: record.id, now: t0 }))?.attempts).toBe(2);
      });

      it('answers exhausted once maxAttempts are reserved, with the failures, without reserving more', async () => {
        const record = await created({ maxAttempts: 2 });
        await store.addFailure({ key: FAIL + record.to, windowMs: 60_000, now: t0 });
        expect((await reserve(record.id, t0)).status).toBe('reserved');
        expect((await reserve(record.id, t0)).status).toBe('reserved');
        const third = await reserve(record.id, t0);
        expect(third).toEqual({ status: 'exhausted', record: { ...record, attempts: 2 }, failures: 1 });
        expect((await store.get({ id: record.id, now: t0 }))?.attempts).toBe(2);
      });

      it('answers expired from `now` >= expiresAt, while the record still exists', async () => {
        const record = await created({ expiresAt: t0 + 30_000 });
        expect(await reserve(record.id, t0 + 30_000)).toEqual({ status: 'expired', record });
        expect(await reserve(record.id, t0 + 40_000)).toEqual({ status: 'expired', record });
        expect(await reserve(record.id, t0 + 29_999)).toMatchObject({ status: 'reserved', record: { attempts: 1 } });
      });

      it('answers already_verified once marked verified, even with attempts left or past expiresAt', async () => {
        const record = await created({ expiresAt: t0 + 30_000 });
        await reserve(record.id, t0);
        expect(await store.markVerified({ id: record.id, now: t0 })).toBe(true);
        const verified = { ...record, attempts: 1, verified: true };
        expect(await reserve(record.id, t0)).toEqual({ status: 'already_verified', record: verified });
        expect(await reserve(record.id, t0 + 30_000)).toEqual({ status: 'already_verified', record: verified });
        expect(await store.get({ id: record.id, now: t0 })).toEqual(verified);
      });

      it('answers exhausted when the number has maxFailures failures, across its records', async () => {
        const to = `+4477008${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
        const first = await created({ to });
        const second = await created({ to });
        const other = await created({ to: `${to.slice(0, -1)}${(Number(to.at(-1)) + 1) % 10}` });
        for (let i = 0; i < 3; i++) {
          expect((await reserve(first.id, t0, 3)).status).toBe('reserved');
          await store.addFailure({ key: FAIL + to, windowMs: 60_000, now: t0 });
        }
        expect(await store.hits({ key: FAIL + to, now: t0 })).toBe(3);
        // A new verification (a resend) for the same number does not reset the count.
        expect(await reserve(second.id, t0, 3)).toEqual({ status: 'exhausted', record: second, failures: 3 });
        expect(await reserve(second.id, t0, 4)).toMatchObject({ status: 'reserved', failures: 3 });
        // Another number is not affected, and another failure prefix is another counter.
        expect(await reserve(other.id, t0, 3)).toMatchObject({ status: 'reserved', failures: 0 });
        expect(await reserve(second.id, t0, 3, 'other:')).toMatchObject({ status: 'reserved', failures: 0 });
      });

      it('counts failures in their window by `now`: once it ends the number may try again', async () => {
        const record = await created({ expiresAt: t0 + 600_000 });
        const key = FAIL + record.to;
        await store.addFailure({ key, windowMs: 60_000, now: t0 });
        await store.addFailure({ key, windowMs: 60_000, now: t0 + 30_000 });
        expect(await reserve(record.id, t0 + 59_999, 2)).toEqual({
          status: 'exhausted',
          record,
          failures: 2,
        });
        expect(await reserve(record.id, t0 + 60_000, 2)).toEqual({
          status: 'reserved',
          record: { ...record, attempts: 1 },
          failures: 0,
        });
      });

      it(`reserves exactly maxAttempts out of ${many} concurrent calls`, async () => {
        const record = await created({ maxAttempts: 5 });
        const results = await Promise.all(Array.from({ length: many }, () => reserve(record.id, t0, 1000)));
        const reserved = results.flatMap((r) => (r.status === 'reserved' ? [r.record.attempts] : []));
        expect(reserved.sort()).toEqual([1, 2, 3, 4, 5]);
        expect(results.filter((r) => r.status === 'exhausted')).toHaveLength(many - 5);
        expect((await store.get({ id: record.id, now: t0 }))?.attempts).toBe(5);
      });
    });

    describe('markVerified', () => {
      it('marks a verification once: exactly one of 50 concurrent calls wins', async () => {
        const record = await created();
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.markVerified({ id: record.id, now: t0 })),
        );
        expect(results.filter((won) => won === true)).toHaveLength(1);
        expect(results.filter((won) => won === false)).toHaveLength(49);
        expect(await store.get({ id: record.id, now: t0 })).toEqual({ ...record, verified: true });
        expect(await store.markVerified({ id: record.id, now: t0 })).toBe(false);
        expect(await store.markVerified({ id: 'no-such-id', now: t0 })).toBe(false);
      });

      it('changes neither the attempts nor the failure count', async () => {
        const record = await created();
        await reserve(record.id, t0);
        await store.markVerified({ id: record.id, now: t0 });
        expect((await store.get({ id: record.id, now: t0 }))?.attempts).toBe(1);
        expect(await store.hits({ key: FAIL + record.to, now: t0 })).toBe(0);
      });
    });

    describe('addFailure and hits', () => {
      it(`counts every failure, ${many} of them concurrently, and hits reads them without counting`, async () => {
        const k = key('fail');
        expect(await store.hits({ key: k, now: t0 })).toBe(0);
        await Promise.all(Array.from({ length: many }, () => store.addFailure({ key: k, windowMs: 60_000, now: t0 })));
        expect(await store.hits({ key: k, now: t0 })).toBe(many);
        expect(await store.hits({ key: k, now: t0 + 1 })).toBe(many);
        expect(await store.hits({ key: key('fail'), now: t0 })).toBe(0);
      });

      it('the window starts at the first failure and a later failure does not extend it', async () => {
        const k = key('fail');
        await store.addFailure({ key: k, windowMs: 10_000, now: t0 });
        await store.addFailure({ key: k, windowMs: 10_000, now: t0 + 6000 });
        expect(await store.hits({ key: k, now: t0 + 9999 })).toBe(2);
        expect(await store.hits({ key: k, now: t0 + 10_000 })).toBe(0);
        // The next failure opens a new window.
        await store.addFailure({ key: k, windowMs: 10_000, now: t0 + 12_000 });
        expect(await store.hits({ key: k, now: t0 + 21_999 })).toBe(1);
        expect(await store.hits({ key: k, now: t0 + 22_000 })).toBe(0);
      });

      it('failure counters and take counters are the same kind of counter', async () => {
        const k = key('fail');
        await store.addFailure({ key: k, windowMs: 10_000, now: t0 });
        await store.addFailure({ key: k, windowMs: 10_000, now: t0 + 1000 });
        expect(await take([rule(k, 2, 10_000)], t0 + 4000)).toEqual({ ok: false, retryAfterMs: 6000, key: k });
        expect(await take([rule(k, 3, 10_000)], t0 + 4000)).toEqual({ ok: true });
        await store.addFailure({ key: k, windowMs: 10_000, now: t0 + 5000 });
        expect(await store.hits({ key: k, now: t0 + 5000 })).toBe(4);
        await store.release({ keys: [k], now: t0 + 5000 });
        expect(await store.hits({ key: k, now: t0 + 5000 })).toBe(0);
      });
    });

    describe('take and release', () => {
      it('allows `limit` hits per window, then refuses with the wait until the window ends', async () => {
        const k = key('send');
        for (let i = 0; i < 3; i++) expect(await take([rule(k, 3, 10_000)], t0 + i)).toEqual({ ok: true });
        expect(await take([rule(k, 3, 10_000)], t0 + 4000)).toEqual({ ok: false, retryAfterMs: 6000, key: k });
        expect(await store.hits({ key: k, now: t0 + 4000 })).toBe(3);
        // The window is judged by the caller's `now`: at its end there is room again, and a new window starts.
        expect(await take([rule(k, 3, 10_000)], t0 + 10_000)).toEqual({ ok: true });
        expect(await store.hits({ key: k, now: t0 + 19_999 })).toBe(1);
        expect(await store.hits({ key: k, now: t0 + 20_000 })).toBe(0);
      });

      it('is all-or-nothing: a full rule blocks the others from counting, and the longest wait is reported', async () => {
        const open = key('ip');
        const short = key('cool');
        const long = key('num');
        expect(await take([rule(short, 1, 5000), rule(long, 1, 9000)], t0)).toEqual({ ok: true });
        const refused = await take([rule(open, 2), rule(short, 1, 5000), rule(long, 1, 9000)], t0 + 1000);
        expect(refused).toEqual({ ok: false, retryAfterMs: 8000, key: long });
        // `open` was not counted by the refused call: it still has both of its hits.
        expect(await store.hits({ key: open, now: t0 + 1000 })).toBe(0);
        expect(await take([rule(open, 2)], t0 + 1000)).toEqual({ ok: true });
        expect(await take([rule(open, 2)], t0 + 1000)).toEqual({ ok: true });
        expect(await take([rule(open, 2)], t0 + 1000)).toMatchObject({ ok: false, key: open });
        // Refused by the short rule only once the long one has room.
        expect(await take([rule(short, 1, 5000), rule(long, 1, 9000)], t0 + 4000)).toEqual({
          ok: false,
          retryAfterMs: 5000,
          key: long,
        });
        expect(await take([rule(short, 1, 5000), rule(long, 2, 9000)], t0 + 4000)).toEqual({
          ok: false,
          retryAfterMs: 1000,
          key: short,
        });
      });

      it('a limit of 0 always refuses for its whole window; a window of 0 is no rule; no rules is ok', async () => {
        const k = key('x');
        expect(await take([rule(k, 0, 7000)], t0)).toEqual({ ok: false, retryAfterMs: 7000, key: k });
        expect(await take([rule(k, 0, 0)], t0)).toEqual({ ok: true });
        expect(await store.hits({ key: k, now: t0 })).toBe(0);
        expect(await take([], t0)).toEqual({ ok: true });
        const other = key('y');
        expect(await take([rule(k, 0, 0), rule(other, 1, 7000)], t0)).toEqual({ ok: true });
        expect(await take([rule(k, 0, 0), rule(other, 1, 7000)], t0 + 2000)).toEqual({
          ok: false,
          retryAfterMs: 5000,
          key: other,
        });
      });

      it(`gives exactly \`limit\` of ${many} concurrent takes, and counts nothing for the refused`, async () => {
        const k = key('send');
        const also = key('ip');
        const results = await Promise.all(
          Array.from({ length: many }, () => take([rule(also, many * 2), rule(k, 5)], t0)),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(5);
        expect(await store.hits({ key: k, now: t0 })).toBe(5);
        expect(await store.hits({ key: also, now: t0 })).toBe(5);
      });

      it('release forgets counters, reopening the gate, and leaves the others', async () => {
        const a = key('cool');
        const b = key('num');
        const c = key('ip');
        await take([rule(a, 1), rule(b, 1), rule(c, 1)], t0);
        expect((await take([rule(a, 1)], t0)).ok).toBe(false);
        await store.release({ keys: [a, b], now: t0 });
        await store.release({ keys: [], now: t0 });
        await store.release({ keys: [key('never')], now: t0 });
        expect(await store.hits({ key: a, now: t0 })).toBe(0);
        expect(await store.hits({ key: c, now: t0 })).toBe(1);
        expect(await take([rule(a, 1), rule(b, 1)], t0)).toEqual({ ok: true });
      });
    });
  });
}
