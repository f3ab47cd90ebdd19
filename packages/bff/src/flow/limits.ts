// The keys of the store's counters and the send limits. One place, so every limit says what it protects.
import { type FailureBudget, recipientKey } from '../stores/types.js';

/**
 * Wrong codes per recipient per hour (counted inside reserveAttempt as `FAILURE_PREFIX + recipientKey(record.to)`).
 * Not the earlier 'f:': that counter was a plain Redis integer and this one is a window hash like every other
 * counter, so during a rolling deploy the two versions must not read each other's keys (WRONGTYPE would be a 503).
 */
export const FAILURE_PREFIX = 'fw:';
/** Wrong codes per recipient per day, in a window that slides with each failure (see failureBudgets). */
export const DAILY_FAILURE_PREFIX = 'fd:';
/** Sends (send + resend) per recipient. */
export const sendsKey = (to: string) => `n:${recipientKey(to)}`;
/** Sends per recipient per day: how many times its resend cooldown has doubled (see resendWaitMs). */
export const dailySendsKey = (to: string) => `nd:${recipientKey(to)}`;
/** The resend gate: closed until the `resendAt` promised to the browser. Reopened by the store in the step that
 * leaves a verification no guess (see reserveAttempt's `reopen`): a dead code's cooldown holds nobody back. */
export const GATE_PREFIX = 'g:';
export const gateKey = (to: string) => GATE_PREFIX + recipientKey(to);
/** Sends per client address. */
export const ipKey = (ip: string) => `ip:${ip}`;
/** A provider message id of ours (marked at send while delivery callbacks are on): delivery reports for other ids
 * are ignored. */
export const messageKey = (messageId: string) => `m:${messageId}`;
/** One delivery report, by message id and the provider's status word: counted once, so a retried callback is a
 * duplicate. */
export const reportKey = (messageId: string, providerStatus: string) => `cb:${messageId}:${providerStatus}`;
/** A message's delivery state, one counter per state reached (`sent`, `delivered`, `failed`). */
export const deliveryKey = (messageId: string, status: string) => `ds:${messageId}:${status}`;

export const DAY_MS = 24 * 3600_000;

/**
 * The recipient's wrong-code budgets, both counted when an attempt is reserved (so no burst over several
 * verifications or instances exceeds them) and given back when the code proves right or could not be checked:
 * - `maxFailuresPerNumber` (10) per `failureWindowSeconds` (1 h), a fixed window from the first failure: a quick stop
 *   for a burst, which refills;
 * - `maxFailuresPerNumberPerDay` (100) in a window that SLIDES: every failure moves its end to 24 h later, so the
 *   count refills only after a whole day without a wrong code. An attacker who keeps guessing never gets a refill:
 *   at most 100 wrong codes per number per day, and per any longer horizon too (NIST SP 800-63B: at most 100
 *   consecutive failures). A lockout that grows would bound it as well, but needs a second state per number; the
 *   sliding count is one counter like every other, in every store. The price: a number under attack stays locked
 *   until the attack has stopped for a day (its owner is told when to come back).
 */
export function failureBudgets(config: { maxFailures: number; failureWindowMs: number; maxFailuresPerDay: number }) {
  return [
    { prefix: FAILURE_PREFIX, limit: config.maxFailures, windowMs: config.failureWindowMs, sliding: false },
    { prefix: DAILY_FAILURE_PREFIX, limit: config.maxFailuresPerDay, windowMs: DAY_MS, sliding: true },
  ] satisfies FailureBudget[];
}

/**
 * The wait before the next send to a recipient. The cooldown doubles with each send to it in the last day
 * (`dailySendsKey`: a 24 h window, not the 10-minute per-number one, which a fresh /send outlived), whether it came
 * through /resend or as a fresh /send (the drop-in's "Send a new code" after expiry is one): a fresh send must not
 * reset it. Capped at a day so a long resend chain cannot overflow a Date. A provider
 * that refuses a second send while a code is valid never gets one before the code expires.
 */
export function resendWaitMs(options: {
  cooldownMs: number;
  doublings: number;
  ttlMs: number;
  blockedWhileValid: boolean;
}): number {
  const cooldown = Math.min(options.cooldownMs * 2 ** options.doublings, DAY_MS);
  return Math.max(cooldown, options.blockedWhileValid ? options.ttlMs : 0);
}
