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
import {
  type FailureBudget,
  type LimitRule,
  type OtpStore,
  recipientKey,
  shardTag,
  type VerificationRecord,
} from './types.js';

/** A plausible open verification for a random number, opened at `overrides.createdAt` (default: now). */
export function makeRecord(overrides: Partial<VerificationRecord> = {}): VerificationRecord {
  const createdAt = overrides.createdAt ?? Date.now();
  const to = overrides.to ?? `+4477009${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
  return {
    // As the handler makes them: the recipient's shard tag first (see VerificationRecord.id).
    id: shardTag(to) + crypto.randomUUID().replace(/-/g, ''),
    to,
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
    const DAY = 'day:';
    const TTL = 600_000;
    /** A failure budget; the default is large enough never to be the limit. */
    const budget = (limit = 1000, windowMs = 60_000, sliding = false, prefix = FAIL): FailureBudget => ({
      prefix,
      limit,
      windowMs,
      sliding,
    });
    const failures = (prefix: string, to: string, now: number) => store.hits({ key: prefix + recipientKey(to), now });
    const created = async (overrides: Partial<VerificationRecord> = {}, ttlMs = TTL) => {
      const record = makeRecord({ createdAt: t0, ...overrides });
      await store.create({ record, ttlMs, now: t0 });
      return record;
    };
    const reserve = (id: string, now: number, budgets: FailureBudget[] = [budget()], codeHash?: string) =>
      store.reserveAttempt({ id, budgets, now, codeHash });
    const markVerified = (id: string, now: number, budgets: FailureBudget[] = [budget()]) =>
      store.markVerified({ id, budgets, now });
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
        await markVerified(record.id, t0);
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
        expect(await markVerified(record.id, t0)).toBe(false);
        expect(await store.get({ id: other.id, now: t0 })).toEqual(other);
      });

      it('a record is gone ttlMs after the `now` it was created at, for every method', async () => {
        const record = await created({ expiresAt: t0 + 300_000 }, 60_000);
        const end = t0 + 60_000;
        expect(await store.get({ id: record.id, now: end - 1 })).toEqual(record);
        expect(await store.get({ id: record.id, now: end })).toBeNull();
        expect(await reserve(record.id, end)).toEqual({ status: 'not_found' });
        expect(await markVerified(record.id, end)).toBe(false);
        expect(await store.delete({ id: record.id, now: end })).toBe(false);

        const later = await created({}, 60_000);
        expect(await markVerified(later.id, end + 5)).toBe(false);
        expect(await store.delete({ id: later.id, now: end })).toBe(false);
      });
    });

    describe('reserveAttempt and the failure budgets', () => {
      it('reserves one attempt at a time and counts one failure on each budget of the recipient', async () => {
        const record = await created({ maxAttempts: 3 });
        const budgets = [budget(10), budget(4, 60_000, true, DAY)];
        expect(await reserve(record.id, t0, budgets)).toEqual({
          status: 'reserved',
          record: { ...record, attempts: 1 },
          failuresLeft: 3,
        });
        expect(await failures(FAIL, record.to, t0)).toBe(1);
        expect(await failures(DAY, record.to, t0)).toBe(1);
        expect(await reserve(record.id, t0 + 1, budgets)).toEqual({
          status: 'reserved',
          record: { ...record, attempts: 2 },
          failuresLeft: 2,
        });
        expect((await store.get({ id: record.id, now: t0 }))?.attempts).toBe(2);
        expect(await failures(DAY, record.to, t0)).toBe(2);
        // No budgets: nothing to count, and no limit but the record's.
        expect(await reserve(record.id, t0 + 2, [])).toMatchObject({ status: 'reserved', failuresLeft: Infinity });
        expect(await failures(FAIL, record.to, t0)).toBe(2);
      });

      it('answers exhausted once maxAttempts are reserved, without reserving or counting more', async () => {
        const record = await created({ maxAttempts: 2 });
        expect((await reserve(record.id, t0, [budget(10)])).status).toBe('reserved');
        expect((await reserve(record.id, t0, [budget(10)])).status).toBe('reserved');
        expect(await reserve(record.id, t0, [budget(10)])).toEqual({
          status: 'exhausted',
          record: { ...record, attempts: 2 },
          failuresLeft: 8,
          retryAfterMs: 0,
        });
        expect((await store.get({ id: record.id, now: t0 }))?.attempts).toBe(2);
        expect(await failures(FAIL, record.to, t0)).toBe(2);
      });

      it('answers expired from `now` >= expiresAt, while the record still exists, counting nothing', async () => {
        const record = await created({ expiresAt: t0 + 30_000 });
        expect(await reserve(record.id, t0 + 30_000)).toEqual({ status: 'expired', record });
        expect(await reserve(record.id, t0 + 40_000)).toEqual({ status: 'expired', record });
        expect(await failures(FAIL, record.to, t0 + 30_000)).toBe(0);
        expect(await reserve(record.id, t0 + 29_999)).toMatchObject({ status: 'reserved', record: { attempts: 1 } });
      });

      it('answers already_verified once marked verified, even with attempts left or past expiresAt', async () => {
        const record = await created({ expiresAt: t0 + 30_000 });
        await reserve(record.id, t0);
        expect(await markVerified(record.id, t0)).toBe(true);
        const verified = { ...record, attempts: 1, verified: true };
        expect(await reserve(record.id, t0)).toEqual({ status: 'already_verified', record: verified });
        expect(await reserve(record.id, t0 + 30_000)).toEqual({ status: 'already_verified', record: verified });
        expect(await store.get({ id: record.id, now: t0 })).toEqual(verified);
      });

      it('answers exhausted when a budget of the number is full, across its records, with the wait for room', async () => {
        const to = `+4477008${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
        const first = await created({ to });
        const second = await created({ to });
        const other = await created({ to: `${to.slice(0, -1)}${(Number(to.at(-1)) + 1) % 10}` });
        for (let i = 0; i < 3; i++) {
          expect(await reserve(first.id, t0 + i * 1000, [budget(3)])).toMatchObject({
            status: 'reserved',
            failuresLeft: 2 - i,
          });
        }
        expect(await failures(FAIL, to, t0)).toBe(3);
        // A new verification (a resend) for the same number does not reset the count. The window began at t0.
        expect(await reserve(second.id, t0 + 2000, [budget(3)])).toEqual({
          status: 'exhausted',
          record: second,
          failuresLeft: 0,
          retryAfterMs: 58_000,
        });
        // The longest wait of the full budgets; a budget with room does not hold it back.
        expect(await reserve(second.id, t0 + 2000, [budget(50, 60_000, false, DAY), budget(3)])).toMatchObject({
          status: 'exhausted',
          retryAfterMs: 58_000,
        });
        expect(await reserve(second.id, t0 + 2000, [budget(4)])).toMatchObject({ status: 'reserved', failuresLeft: 0 });
        // Another number is not affected, and another prefix is another counter.
        expect(await reserve(other.id, t0, [budget(3)])).toMatchObject({ status: 'reserved', failuresLeft: 2 });
        expect(await reserve(second.id, t0, [budget(3, 60_000, false, 'other:')])).toMatchObject({
          status: 'reserved',
          failuresLeft: 2,
        });
      });

      it('a fixed budget refills when its window ends; a sliding one only after windowMs without a failure', async () => {
        const record = await created({ maxAttempts: 100, expiresAt: t0 + 600_000 });
        const fixed = [budget(2, 10_000)];
        const sliding = [budget(2, 10_000, true, DAY)];
        for (const budgets of [fixed, sliding]) {
          expect((await reserve(record.id, t0, budgets)).status).toBe('reserved');
          expect((await reserve(record.id, t0 + 6000, budgets)).status).toBe('reserved');
        }
        // Fixed: from the first failure. Sliding: 10 s after the last one.
        expect(await reserve(record.id, t0 + 9999, fixed)).toMatchObject({ status: 'exhausted', retryAfterMs: 1 });
        expect(await reserve(record.id, t0 + 9999, sliding)).toMatchObject({ status: 'exhausted', retryAfterMs: 6001 });
        expect(await reserve(record.id, t0 + 10_000, fixed)).toMatchObject({ status: 'reserved', failuresLeft: 1 });
        expect(await reserve(record.id, t0 + 15_999, sliding)).toMatchObject({ status: 'exhausted', retryAfterMs: 1 });
        expect(await failures(DAY, record.to, t0 + 15_999)).toBe(2);
        expect(await failures(DAY, record.to, t0 + 16_000)).toBe(0);
        expect(await reserve(record.id, t0 + 16_000, sliding)).toMatchObject({ status: 'reserved', failuresLeft: 1 });
        // Refused attempts count nothing and move no window.
        expect(await failures(DAY, record.to, t0 + 25_999)).toBe(1);
        expect(await failures(DAY, record.to, t0 + 26_000)).toBe(0);
      });

      it('reopen: the step that leaves no guess forgets the counters (right code, last attempt, full budget), no other', async () => {
        const GATE = 'gate:';
        const gate = (to: string) => GATE + recipientKey(to);
        const close = (to: string, now: number) => take([rule(gate(to), 1, 600_000)], now);
        const closed = async (to: string, now: number) => (await store.hits({ key: gate(to), now })) === 1;
        const reopen = [GATE];
        // A wrong guess with attempts left: the gate stays; the last attempt's reservation reopens it.
        const wrong = await created({ maxAttempts: 2, codeHash: 'right' });
        await close(wrong.to, t0);
        await store.reserveAttempt({ id: wrong.id, budgets: [budget()], now: t0, codeHash: 'no', reopen });
        expect(await closed(wrong.to, t0)).toBe(true);
        await store.reserveAttempt({ id: wrong.id, budgets: [budget()], now: t0, codeHash: 'no', reopen });
        expect(await closed(wrong.to, t0)).toBe(false);
        // Later calls on the spent verification leave a newer send's gate alone.
        await close(wrong.to, t0 + 1);
        const spent = await store.reserveAttempt({ id: wrong.id, budgets: [budget()], now: t0 + 1, reopen });
        expect(spent.status).toBe('exhausted');
        expect(await closed(wrong.to, t0 + 1)).toBe(true);

        // A right local code reopens in the same step.
        const right = await created({ codeHash: 'right' });
        await close(right.to, t0);
        const hit = await store.reserveAttempt({
          id: right.id,
          budgets: [budget()],
          now: t0,
          codeHash: 'right',
          reopen,
        });
        expect([hit.status, await closed(right.to, t0)]).toEqual(['verified', false]);

        // A reservation that fills a failure budget reopens; so does the winning markVerified, and only it.
        const full = await created();
        await close(full.to, t0);
        await store.reserveAttempt({ id: full.id, budgets: [budget(2)], now: t0, reopen });
        expect(await closed(full.to, t0)).toBe(true);
        await store.reserveAttempt({ id: full.id, budgets: [budget(2)], now: t0, reopen });
        expect(await closed(full.to, t0)).toBe(false);
        const checked = await created();
        await close(checked.to, t0);
        await store.reserveAttempt({ id: checked.id, budgets: [budget()], now: t0, reopen });
        expect(await closed(checked.to, t0)).toBe(true);
        expect(await store.markVerified({ id: checked.id, budgets: [budget()], now: t0, reopen })).toBe(true);
        expect(await closed(checked.to, t0)).toBe(false);
        await close(checked.to, t0 + 1);
        expect(await store.markVerified({ id: checked.id, budgets: [budget()], now: t0 + 1, reopen })).toBe(false);
        expect(await closed(checked.to, t0 + 1)).toBe(true);
      });

      it('markVerified gives back the failure of the winning call only; refundAttempt gives one back, never below 0', async () => {
        const record = await created();
        const budgets = [budget(10), budget(10, 60_000, true, DAY)];
        await reserve(record.id, t0, budgets);
        await reserve(record.id, t0, budgets);
        expect(await markVerified(record.id, t0, budgets)).toBe(true);
        expect(await failures(FAIL, record.to, t0)).toBe(1);
        expect(await failures(DAY, record.to, t0)).toBe(1);
        expect(await markVerified(record.id, t0, budgets)).toBe(false);
        expect(await failures(FAIL, record.to, t0)).toBe(1);
        expect((await store.get({ id: record.id, now: t0 }))?.attempts).toBe(2);

        const open = await created({ to: record.to });
        await store.refundAttempt({ id: open.id, budgets, now: t0 });
        expect(await failures(FAIL, record.to, t0)).toBe(0);
        expect(await failures(DAY, record.to, t0)).toBe(0);
        await store.refundAttempt({ id: open.id, budgets, now: t0 });
        await store.refundAttempt({ id: 'no-such-id', budgets, now: t0 });
        expect(await failures(FAIL, record.to, t0)).toBe(0);
        // The attempts stay spent; the next failure starts a new window.
        expect((await reserve(open.id, t0 + 5000, budgets)).status).toBe('reserved');
        expect(await failures(FAIL, record.to, t0 + 64_999)).toBe(1);
        expect(await failures(FAIL, record.to, t0 + 65_000)).toBe(0);
      });

      it("verifies in the same step when codeHash is the record's, counting no failure", async () => {
        const record = await created({ codeHash: 'right-hash', messageId: undefined });
        expect(await reserve(record.id, t0, [budget(10)], 'wrong-hash')).toMatchObject({
          status: 'reserved',
          failuresLeft: 9,
        });
        const verified = { ...record, attempts: 2, verified: true };
        expect(await reserve(record.id, t0, [budget(10)], 'right-hash')).toEqual({
          status: 'verified',
          record: verified,
        });
        expect(await failures(FAIL, record.to, t0)).toBe(1);
        expect(await store.get({ id: record.id, now: t0 })).toEqual(verified);
        expect(await reserve(record.id, t0, [budget(10)], 'right-hash')).toEqual({
          status: 'already_verified',
          record: verified,
        });
        // A record checked by the provider (no codeHash) is never verified by a hash; a spent one is not either.
        const provider = await created();
        expect(await reserve(provider.id, t0, [budget(10)], 'right-hash')).toMatchObject({ status: 'reserved' });
        const spent = await created({ codeHash: 'right-hash', maxAttempts: 1 });
        await reserve(spent.id, t0, [budget(10)], 'wrong-hash');
        expect(await reserve(spent.id, t0, [budget(10)], 'right-hash')).toMatchObject({ status: 'exhausted' });
      });

      it(`verifies once out of ${many} concurrent calls with the right codeHash`, async () => {
        const record = await created({ codeHash: 'right-hash', maxAttempts: 5 });
        const results = await Promise.all(
          Array.from({ length: many }, () => reserve(record.id, t0, [budget(10)], 'right-hash')),
        );
        expect(results.filter((r) => r.status === 'verified')).toHaveLength(1);
        expect(results.filter((r) => r.status !== 'verified' && r.status !== 'already_verified')).toEqual([]);
        expect(await store.get({ id: record.id, now: t0 })).toEqual({ ...record, attempts: 1, verified: true });
        expect(await failures(FAIL, record.to, t0)).toBe(0);
      });

      it(`reserves exactly maxAttempts out of ${many} concurrent calls`, async () => {
        const record = await created({ maxAttempts: 5 });
        const results = await Promise.all(Array.from({ length: many }, () => reserve(record.id, t0)));
        const reserved = results.flatMap((r) => (r.status === 'reserved' ? [r.record.attempts] : []));
        expect(reserved.sort()).toEqual([1, 2, 3, 4, 5]);
        expect(results.filter((r) => r.status === 'exhausted')).toHaveLength(many - 5);
        expect((await store.get({ id: record.id, now: t0 }))?.attempts).toBe(5);
        expect(await failures(FAIL, record.to, t0)).toBe(5);
      });

      it(`a burst of ${many} concurrent guesses over 5 verifications of one number checks exactly its budget`, async () => {
        const to = `+4477007${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
        const records = await Promise.all(Array.from({ length: 5 }, () => created({ to, maxAttempts: 5 })));
        const budgets = [budget(7), budget(100, 60_000, true, DAY)];
        const results = await Promise.all(
          Array.from({ length: many }, (_, i) => reserve(records[i % 5]!.id, t0, budgets)),
        );
        const left = results.flatMap((r) => (r.status === 'reserved' ? [r.failuresLeft] : []));
        expect(left.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
        expect(results.filter((r) => r.status === 'exhausted')).toHaveLength(many - 7);
        expect(await failures(FAIL, to, t0)).toBe(7);
        expect(await failures(DAY, to, t0)).toBe(7);
      });
    });

    describe('markVerified', () => {
      it('marks a verification once: exactly one of 50 concurrent calls wins', async () => {
        const record = await created();
        const results = await Promise.all(Array.from({ length: 50 }, () => markVerified(record.id, t0)));
        expect(results.filter((won) => won === true)).toHaveLength(1);
        expect(results.filter((won) => won === false)).toHaveLength(49);
        expect(await store.get({ id: record.id, now: t0 })).toEqual({ ...record, verified: true });
        expect(await markVerified(record.id, t0)).toBe(false);
        expect(await markVerified('no-such-id', t0)).toBe(false);
      });
    });

    describe('hits', () => {
      it('failure budgets and take counters are the same kind of counter; hits reads without counting', async () => {
        const record = await created();
        const k = FAIL + recipientKey(record.to);
        await reserve(record.id, t0, [budget(10, 10_000)]);
        await reserve(record.id, t0 + 1000, [budget(10, 10_000)]);
        expect(await take([rule(k, 2, 10_000)], t0 + 4000)).toEqual({ ok: false, retryAfterMs: 6000, key: k });
        expect(await take([rule(k, 3, 10_000)], t0 + 4000)).toMatchObject({ ok: true });
        expect(await store.hits({ key: k, now: t0 + 5000 })).toBe(3);
        expect(await store.hits({ key: k, now: t0 + 5000 })).toBe(3);
        expect(await store.hits({ key: key('never'), now: t0 })).toBe(0);
        await store.release({ keys: [k], now: t0 + 5000 });
        expect(await store.hits({ key: k, now: t0 + 5000 })).toBe(0);
      });
    });

    describe('take and release', () => {
      it('allows `limit` hits per window, then refuses with the wait until the window ends', async () => {
        const k = key('send');
        for (let i = 0; i < 3; i++) expect(await take([rule(k, 3, 10_000)], t0 + i)).toMatchObject({ ok: true });
        expect(await take([rule(k, 3, 10_000)], t0 + 4000)).toEqual({ ok: false, retryAfterMs: 6000, key: k });
        expect(await store.hits({ key: k, now: t0 + 4000 })).toBe(3);
        // The window is judged by the caller's `now`: at its end there is room again, and a new window starts.
        expect(await take([rule(k, 3, 10_000)], t0 + 10_000)).toMatchObject({ ok: true });
        expect(await store.hits({ key: k, now: t0 + 19_999 })).toBe(1);
        expect(await store.hits({ key: k, now: t0 + 20_000 })).toBe(0);
      });

      it('answers what each counter held before it counted, and the window each rule counted with', async () => {
        const a = key('a');
        const b = key('b');
        expect(await take([rule(a, 5, 10_000), rule(b, 5, 20_000)], t0)).toEqual({
          ok: true,
          hits: [0, 0],
          windowsMs: [10_000, 20_000],
        });
        await take([rule(a, 5, 10_000)], t0);
        expect(await take([rule(b, 5, 20_000), rule(key('no'), 1, 0), rule(a, 5, 10_000)], t0 + 1)).toEqual({
          ok: true,
          hits: [1, 0, 2],
          windowsMs: [20_000, 0, 10_000],
        });
      });

      it('a peek rule is judged with the others and never counted', async () => {
        const lock = key('lock');
        const sends = key('sends');
        await take([rule(lock, 5, 10_000)], t0);
        const peek = { ...rule(lock, 2, 10_000), peek: true };
        expect(await take([peek, rule(sends, 5)], t0)).toMatchObject({ ok: true, hits: [1, 0] });
        expect(await take([peek, rule(sends, 5)], t0)).toMatchObject({ ok: true, hits: [1, 1] });
        expect(await store.hits({ key: lock, now: t0 })).toBe(1);
        await take([rule(lock, 5, 10_000)], t0 + 1000);
        // Full now: it refuses with its own wait, and the other rule counts nothing.
        expect(await take([peek, rule(sends, 5)], t0 + 2000)).toEqual({ ok: false, retryAfterMs: 8000, key: lock });
        expect(await store.hits({ key: sends, now: t0 + 2000 })).toBe(2);
        // A peek at a counter that does not exist is room, and creates nothing.
        const none = key('none');
        expect(await take([{ ...rule(none, 1, 10_000), peek: true }], t0)).toMatchObject({ ok: true, hits: [0] });
        expect(await take([{ ...rule(none, 1, 10_000), peek: true }], t0)).toMatchObject({ ok: true });
      });

      it('windowBy: the window follows the hits another rule of the same take held before it', async () => {
        // A resend gate whose cooldown doubles with the sends of the day, both counted in one take.
        const to = makeRecord().to;
        const day = `day:${recipientKey(to)}`;
        const gate = `gate:${recipientKey(to)}`;
        const send = (now: number) =>
          take(
            [
              rule(day, Number.POSITIVE_INFINITY, 86_400_000),
              { key: gate, limit: 1, windowMs: 0, windowBy: { by: day, windowsMs: [1000, 2000, 4000] } },
            ],
            now,
          );
        expect(await send(t0)).toEqual({ ok: true, hits: [0, 0], windowsMs: [86_400_000, 1000] });
        expect(await send(t0 + 999)).toEqual({ ok: false, retryAfterMs: 1, key: gate });
        expect(await send(t0 + 1000)).toEqual({ ok: true, hits: [1, 0], windowsMs: [86_400_000, 2000] });
        expect(await send(t0 + 2999)).toMatchObject({ ok: false, retryAfterMs: 1, key: gate });
        expect(await send(t0 + 3000)).toMatchObject({ ok: true, windowsMs: [86_400_000, 4000] });
        // Past the list: its last window.
        expect(await send(t0 + 7000)).toMatchObject({ ok: true, hits: [3, 0], windowsMs: [86_400_000, 4000] });
        expect(await store.hits({ key: gate, now: t0 + 10_999 })).toBe(1);
        expect(await store.hits({ key: gate, now: t0 + 11_000 })).toBe(0);
      });

      it('create: the take that admits a send saves its record, with the resend fields its gate decided', async () => {
        const record = makeRecord({ createdAt: t0, resendCount: 1, resendAt: 0 });
        const day = `day:${recipientKey(record.to)}`;
        const gate = `gate:${recipientKey(record.to)}`;
        const rules = [
          rule(day, Number.POSITIVE_INFINITY, 86_400_000),
          { key: gate, limit: 1, windowMs: 0, windowBy: { by: day, windowsMs: [1000, 2000, 4000, 8000] } },
        ];
        const create = { record, ttlMs: TTL, resendBy: gate };
        expect(await store.take({ rules, now: t0, create })).toMatchObject({ ok: true, windowsMs: [86_400_000, 1000] });
        // Its own resendCount (1) is more than the day's sends before it (0).
        expect(await store.get({ id: record.id, now: t0 })).toEqual({ ...record, resendAt: t0 + 1000, resendCount: 1 });
        // Refused (the gate is closed): nothing is saved.
        const refused = makeRecord({ to: record.to, createdAt: t0 + 500 });
        const closed = { record: refused, ttlMs: TTL, resendBy: gate };
        expect(await store.take({ rules, now: t0 + 500, create: closed })).toMatchObject({ ok: false, key: gate });
        expect(await store.get({ id: refused.id, now: t0 + 500 })).toBeNull();
        // Later sends of the day: the doublings come from the day's count.
        await take(rules, t0 + 1000);
        const third = makeRecord({ to: record.to, createdAt: t0 + 3000, resendCount: 0 });
        expect(await store.take({ rules, now: t0 + 3000, create: { ...create, record: third } })).toMatchObject({
          ok: true,
          hits: [2, 0],
        });
        expect(await store.get({ id: third.id, now: t0 + 3000 })).toMatchObject({
          resendAt: t0 + 7000,
          resendCount: 2,
        });
        // It lives ttlMs from the take's now.
        expect(await store.get({ id: third.id, now: t0 + 3000 + TTL })).toBeNull();
      });

      it('a window starts at the first hit and a later hit does not extend it', async () => {
        const k = key('send');
        await take([rule(k, 10, 10_000)], t0);
        await take([rule(k, 10, 10_000)], t0 + 6000);
        expect(await store.hits({ key: k, now: t0 + 9999 })).toBe(2);
        expect(await store.hits({ key: k, now: t0 + 10_000 })).toBe(0);
        // The next hit opens a new window.
        await take([rule(k, 10, 10_000)], t0 + 12_000);
        expect(await store.hits({ key: k, now: t0 + 21_999 })).toBe(1);
        expect(await store.hits({ key: k, now: t0 + 22_000 })).toBe(0);
      });

      it('is all-or-nothing: a full rule blocks the others from counting, and the longest wait is reported', async () => {
        const open = key('ip');
        const short = key('cool');
        const long = key('num');
        expect(await take([rule(short, 1, 5000), rule(long, 1, 9000)], t0)).toMatchObject({ ok: true });
        const refused = await take([rule(open, 2), rule(short, 1, 5000), rule(long, 1, 9000)], t0 + 1000);
        expect(refused).toEqual({ ok: false, retryAfterMs: 8000, key: long });
        // `open` was not counted by the refused call: it still has both of its hits.
        expect(await store.hits({ key: open, now: t0 + 1000 })).toBe(0);
        expect(await take([rule(open, 2)], t0 + 1000)).toMatchObject({ ok: true });
        expect(await take([rule(open, 2)], t0 + 1000)).toMatchObject({ ok: true });
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
        expect(await take([rule(k, 0, 0)], t0)).toMatchObject({ ok: true });
        expect(await store.hits({ key: k, now: t0 })).toBe(0);
        expect(await take([], t0)).toMatchObject({ ok: true });
        const other = key('y');
        expect(await take([rule(k, 0, 0), rule(other, 1, 7000)], t0)).toMatchObject({ ok: true });
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
        expect(await take([rule(a, 1), rule(b, 1)], t0)).toMatchObject({ ok: true });
      });
    });
  });
}
