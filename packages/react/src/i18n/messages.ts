import type { OtpState } from '../core/machine.js';
import type { OtpMessages } from './locales/en.js';

/** Seconds as `m:ss` (`h:mm:ss` from an hour up: a rate-limit wait can be that long). */
export function formatTime(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const mmss = `${Math.floor(s / 60) % 60}:${String(s % 60).padStart(2, '0')}`;
  return h ? `${h}:${mmss.padStart(5, '0')}` : mmss;
}

/** Whole seconds as the coarsest honest unit, rounded up: 45 -> [45, 's'], 230 -> [4, 'm'], 5400 -> [2, 'h']. */
export function waitParts(seconds: number): [number, 's' | 'm' | 'h'] {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return [s, 's'];
  if (s < 90 * 60) return [Math.ceil(s / 60), 'm'];
  return [Math.ceil(s / 3600), 'h'];
}

/** The message key for each status (and for each error code under status `error`); '' has no words. The hook
 * may report expired / too_many_attempts / rate_limited as an error when they come from a send or resend. */
const KEYS: Record<string, keyof OtpMessages | ''> = {
  verifying: 'verifying',
  verified: 'verified',
  expired: 'expired',
  already_verified: 'alreadyVerified',
  too_many_attempts: 'tooManyAttempts',
  rate_limited: 'rateLimited',
  network_error: 'networkError',
  provider_unavailable: 'unavailable',
  invalid_phone: 'invalidPhone',
  undeliverable: 'undeliverable',
  channel_unavailable: 'channelUnavailable',
  forbidden: 'forbidden',
  bot_check_failed: 'botCheckFailed',
};

/**
 * The words for a status, or '' when the status needs none. One function, so the visible text and the live
 * region always agree.
 */
export function statusMessage(
  m: OtpMessages,
  { status, to, channel, attemptsLeft, error }: Pick<OtpState, 'status' | 'to' | 'channel' | 'attemptsLeft' | 'error'>,
): string {
  if (status === 'code_sent') return to && channel ? m.codeSent(to, channel) : '';
  if (status === 'invalid_code') return m.wrongCode(attemptsLeft ?? 0);
  const key = status === 'error' ? (KEYS[error?.code as string] ?? 'genericError') : KEYS[status];
  return key ? (m[key] as string) : '';
}
