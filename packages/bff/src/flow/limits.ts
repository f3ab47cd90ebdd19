// The keys of the store's counters and the send limits. One place, so every limit says what it protects.

/**
 * Wrong codes per recipient (read inside reserveAttempt as `FAILURE_PREFIX + record.to`). Not the earlier 'f:':
 * that counter was a plain Redis integer and this one is a window hash like every other counter, so during a rolling
 * deploy the two versions must not read each other's keys (WRONGTYPE would be a 503).
 */
export const FAILURE_PREFIX = 'fw:';
/** Sends (send + resend) per recipient. */
export const sendsKey = (to: string) => `n:${to}`;
/** The resend gate: closed until the `resendAt` promised to the browser. */
export const gateKey = (to: string) => `g:${to}`;
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

const DAY_MS = 24 * 3600_000;

/**
 * The wait before the next send to a recipient. The cooldown doubles with each send to it inside the per-number
 * window, whether it came through /resend or as a fresh /send (the drop-in's "Send a new code" after expiry is
 * one): a fresh send must not reset it. Capped at a day so a long resend chain cannot overflow a Date. A provider
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
