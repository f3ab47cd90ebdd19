// The behaviour every OtpStore must share, run against memoryStore (memory-store.test.ts) and redisStore
// (redis-store.test.ts), so the two cannot drift apart. Times are real (Date.now) because Redis expires keys on
// its own clock.
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OtpStore, VerificationRecord } from './types.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A plausible open verification for a random number; `overrides` set what a test is about. */
export function makeRecord(overrides: Partial<VerificationRecord> = {}): VerificationRecord {
  const now = Date.now();
  return {
    id: randomUUID(),
    to: `+4477009${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`,
    channel: 'sms',
    messageId: '1725407449772531712',
    codeLength: 6,
    createdAt: now,
    expiresAt: now + 300_000,
    resendAt: now + 60_000,
    resendCount: 0,
    attempts: 0,
    maxAttempts: 5,
    verified: false,
    ...overrides,
  };
}

/** `factory` gives a fresh, empty store for each test. */
export function describeStore(name: string, factory: () => OtpStore | Promise<OtpStore>): void {
  describe(`OtpStore contract: ${name}`, () => {
    let store: OtpStore;
    beforeEach(async () => {
      store = await factory();
    });

    const FAIL = 'fail:';
    const created = async (overrides: Partial<VerificationRecord> = {}, ttlMs = 300_000) => {
      const record = makeRecord(overrides);
      await store.create(record, ttlMs);
      return record;
    };

    describe('records', () => {
      it('get returns what create saved, and null for an unknown id', async () => {
        const record = await created({ codeHash: 'abc', messageId: undefined, resendCount: 2, channel: 'whatsapp' });
        expect(await store.get(record.id)).toEqual(record);
        expect(await store.get('no-such-id')).toBeNull();
      });

      it('get returns a copy: changing it does not change the stored record', async () => {
        const record = await created();
        const copy = (await store.get(record.id))!;
        copy.attempts = 99;
        copy.verified = true;
        expect(await store.get(record.id)).toEqual(record);
      });

      it('delete removes a record and says whether it existed', async () => {
        const record = await created();
        expect(await store.delete(record.id)).toBe(true);
        expect(await store.get(record.id)).toBeNull();
        expect(await store.delete(record.id)).toBe(false);
        expect(await store.reserveAttempt(record.id, Date.now(), FAIL, 10)).toEqual({ status: 'not_found' });
      });

      it('a record disappears ttlMs after it was created', async () => {
        const record = await created({}, 300);
        expect(await store.get(record.id)).not.toBeNull();
        await sleep(500);
        expect(await store.get(record.id)).toBeNull();
        expect(await store.reserveAttempt(record.id, Date.now(), FAIL, 10)).toEqual({ status: 'not_found' });
        expect(await store.finishAttempt(record.id, true, FAIL + record.to, 60_000)).toBe(false);
      });
    });

    describe('reserveAttempt', () => {
      it('reserves one attempt at a time and reports the failures so far', async () => {
        const record = await created({ maxAttempts: 3 });
        const now = Date.now();
        const first = await store.reserveAttempt(record.id, now, FAIL, 10);
        expect(first).toEqual({ status: 'reserved', record: { ...record, attempts: 1 }, failures: 0 });
        await store.finishAttempt(record.id, false, FAIL + record.to, 60_000);
        const second = await store.reserveAttempt(record.id, now, FAIL, 10);
        expect(second).toMatchObject({ status: 'reserved', record: { attempts: 2 }, failures: 1 });
        expect((await store.get(record.id))?.attempts).toBe(2);
      });

      it('answers exhausted once maxAttempts are reserved, without reserving more', async () => {
        const record = await created({ maxAttempts: 2 });
        const now = Date.now();
        expect((await store.reserveAttempt(record.id, now, FAIL, 10)).status).toBe('reserved');
        expect((await store.reserveAttempt(record.id, now, FAIL, 10)).status).toBe('reserved');
        const third = await store.reserveAttempt(record.id, now, FAIL, 10);
        expect(third).toEqual({ status: 'exhausted', record: { ...record, attempts: 2 } });
        expect((await store.get(record.id))?.attempts).toBe(2);
      });

      it('answers expired from `now` >= expiresAt, before the key is gone', async () => {
        const record = await created();
        expect(await store.reserveAttempt(record.id, record.expiresAt, FAIL, 10)).toEqual({
          status: 'expired',
          record,
        });
        expect((await store.reserveAttempt(record.id, record.expiresAt - 1, FAIL, 10)).status).toBe('reserved');
      });

      it('answers already_verified after a successful finish, even with attempts left', async () => {
        const record = await created();
        const now = Date.now();
        await store.reserveAttempt(record.id, now, FAIL, 10);
        expect(await store.finishAttempt(record.id, true, FAIL + record.to, 60_000)).toBe(true);
        const again = await store.reserveAttempt(record.id, now, FAIL, 10);
        expect(again).toEqual({ status: 'already_verified', record: { ...record, attempts: 1, verified: true } });
        expect(await store.get(record.id)).toMatchObject({ verified: true, attempts: 1 });
      });

      it('answers exhausted when the number has maxFailures failures, across its records', async () => {
        const to = '+8618701235678';
        const first = await created({ to });
        const second = await created({ to });
        const other = await created({ to: '+8618701230000' });
        const now = Date.now();
        for (let i = 0; i < 3; i++) {
          expect((await store.reserveAttempt(first.id, now, FAIL, 3)).status).toBe('reserved');
          await store.finishAttempt(first.id, false, FAIL + to, 60_000);
        }
        expect(await store.failures(FAIL + to)).toBe(3);
        // A new verification (a resend) for the same number does not reset the count.
        expect(await store.reserveAttempt(second.id, now, FAIL, 3)).toEqual({ status: 'exhausted', record: second });
        expect(await store.reserveAttempt(second.id, now, FAIL, 4)).toMatchObject({ status: 'reserved', failures: 3 });
        // Another number is not affected, and another failure prefix is another counter.
        expect(await store.reserveAttempt(other.id, now, FAIL, 3)).toMatchObject({ status: 'reserved', failures: 0 });
        expect(await store.reserveAttempt(second.id, now, 'other:', 3)).toMatchObject({ status: 'reserved' });
      });

      it('reserves exactly maxAttempts out of 200 concurrent calls', async () => {
        const record = await created({ maxAttempts: 5 });
        const now = Date.now();
        const results = await Promise.all(
          Array.from({ length: 200 }, () => store.reserveAttempt(record.id, now, FAIL, 1000)),
        );
        const reserved = results.flatMap((r) => (r.status === 'reserved' ? [r.record.attempts] : []));
        expect(reserved.sort()).toEqual([1, 2, 3, 4, 5]);
        expect(results.filter((r) => r.status === 'exhausted')).toHaveLength(195);
        expect((await store.get(record.id))?.attempts).toBe(5);
      });
    });

    describe('finishAttempt', () => {
      it('consumes a verification once: only one of 50 concurrent successes returns true', async () => {
        const record = await created();
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.finishAttempt(record.id, true, FAIL + record.to, 60_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.get(record.id))?.verified).toBe(true);
        expect(await store.finishAttempt('no-such-id', true, FAIL + record.to, 60_000)).toBe(false);
      });

      it('a wrong code counts one failure for the number; a right one counts none', async () => {
        const record = await created();
        const key = FAIL + record.to;
        expect(await store.failures(key)).toBe(0);
        await Promise.all(Array.from({ length: 20 }, () => store.finishAttempt(record.id, false, key, 60_000)));
        expect(await store.failures(key)).toBe(20);
        await store.finishAttempt(record.id, true, key, 60_000);
        expect(await store.failures(key)).toBe(20);
        expect(await store.failures(`${FAIL}+10000000000`)).toBe(0);
      });

      it('the failure count expires failureTtlMs after the first failure', async () => {
        const record = await created();
        const key = FAIL + record.to;
        await store.finishAttempt(record.id, false, key, 400);
        await sleep(100);
        // A later failure does not extend the window.
        await store.finishAttempt(record.id, false, key, 400);
        expect(await store.failures(key)).toBe(2);
        await sleep(500);
        expect(await store.failures(key)).toBe(0);
        expect(await store.reserveAttempt(record.id, Date.now(), FAIL, 1)).toMatchObject({ status: 'reserved' });
      });
    });

    describe('take and release', () => {
      const rule = (key: string, limit: number, windowMs = 60_000) => ({ key, limit, windowMs });

      it('allows `limit` hits per window, then refuses with the wait until the window ends', async () => {
        const now = Date.now();
        const key = `send:${randomUUID()}`;
        for (let i = 0; i < 3; i++) expect(await store.take([rule(key, 3, 10_000)], now + i)).toEqual({ ok: true });
        expect(await store.take([rule(key, 3, 10_000)], now + 4000)).toEqual({ ok: false, retryAfterMs: 6000, key });
        // The window is judged by the caller's `now`: at its end there is room again.
        expect(await store.take([rule(key, 3, 10_000)], now + 10_000)).toEqual({ ok: true });
      });

      it('is all-or-nothing: a full rule blocks the others from counting, and the longest wait is reported', async () => {
        const now = Date.now();
        const open = `ip:${randomUUID()}`;
        const short = `cool:${randomUUID()}`;
        const long = `num:${randomUUID()}`;
        expect(await store.take([rule(short, 1, 5000), rule(long, 1, 9000)], now)).toEqual({ ok: true });
        const refused = await store.take([rule(open, 2), rule(short, 1, 5000), rule(long, 1, 9000)], now + 1000);
        expect(refused).toEqual({ ok: false, retryAfterMs: 8000, key: long });
        // `open` was not counted by the refused call: it still has both of its hits.
        expect(await store.take([rule(open, 2)], now)).toEqual({ ok: true });
        expect(await store.take([rule(open, 2)], now)).toEqual({ ok: true });
        expect(await store.take([rule(open, 2)], now)).toMatchObject({ ok: false, key: open });
      });

      it('a limit of 0 always refuses; a window of 0 is no rule; no rules is ok', async () => {
        const now = Date.now();
        const key = `x:${randomUUID()}`;
        expect(await store.take([rule(key, 0, 7000)], now)).toEqual({ ok: false, retryAfterMs: 7000, key });
        expect(await store.take([rule(key, 0, 0)], now)).toEqual({ ok: true });
        expect(await store.take([], now)).toEqual({ ok: true });
      });

      it('gives exactly `limit` of 100 concurrent takes', async () => {
        const now = Date.now();
        const key = `send:${randomUUID()}`;
        const results = await Promise.all(Array.from({ length: 100 }, () => store.take([rule(key, 5)], now)));
        expect(results.filter((r) => r.ok)).toHaveLength(5);
      });

      it('hits reads a counter in its window without counting', async () => {
        const now = Date.now();
        const key = `send:${randomUUID()}`;
        expect(await store.hits(key, now)).toBe(0);
        await store.take([rule(key, 5, 10_000)], now);
        await store.take([rule(key, 5, 10_000)], now + 1);
        expect(await store.hits(key, now + 2)).toBe(2);
        expect(await store.hits(key, now + 3)).toBe(2);
        expect(await store.hits(key, now + 10_000)).toBe(0);
      });

      it('release forgets counters, reopening the gate', async () => {
        const now = Date.now();
        const a = `cool:${randomUUID()}`;
        const b = `num:${randomUUID()}`;
        await store.take([rule(a, 1), rule(b, 1)], now);
        expect((await store.take([rule(a, 1)], now)).ok).toBe(false);
        await store.release([a, b]);
        await store.release([]);
        expect(await store.take([rule(a, 1), rule(b, 1)], now)).toEqual({ ok: true });
      });

      it('a counter expires with its window', async () => {
        const key = `cool:${randomUUID()}`;
        expect(await store.take([rule(key, 1, 300)], Date.now())).toEqual({ ok: true });
        expect((await store.take([rule(key, 1, 300)], Date.now())).ok).toBe(false);
        await sleep(500);
        expect(await store.take([rule(key, 1, 300)], Date.now())).toEqual({ ok: true });
      });
    });
  });
}
