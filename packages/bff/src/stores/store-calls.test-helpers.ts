// One call to each method of a store, for the tests that break a store (a refused connection, a silent server,
// nonsense replies) and check that every method fails closed the same way.
import type { OtpStore, VerificationRecord } from './types.js';

/** Every method of `store` once, by name, about `record` and the counter `k`. */
export function everyStoreCall(
  store: OtpStore,
  record: VerificationRecord,
  now: number,
): [name: string, call: () => Promise<unknown>][] {
  const id = record.id;
  const budgets = [{ prefix: 'fail:', limit: 10, windowMs: 1000, sliding: false }];
  return [
    ['create', () => store.create({ record, ttlMs: 1000, now })],
    ['get', () => store.get({ id, now })],
    ['delete', () => store.delete({ id, now })],
    ['reserveAttempt', () => store.reserveAttempt({ id, budgets, now })],
    ['markVerified', () => store.markVerified({ id, budgets, now })],
    ['refundAttempt', () => store.refundAttempt({ id, budgets, now })],
    ['hits', () => store.hits({ key: 'k', now })],
    ['take', () => store.take({ rules: [{ key: 'k', limit: 1, windowMs: 1000 }], now })],
    ['release', () => store.release({ keys: ['k'], now })],
  ];
}

/** What a call settled with: its error, or an Error 'resolved' when it did not fail. */
export const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => new Error('resolved'),
    (error: unknown) => error,
  );
