import type { OtpMessages } from './locales/en.js';
import type { OtpState } from './types.js';

/** Seconds as `m:ss` (`h:mm:ss` from an hour up: a rate-limit wait can be that long). */
export function formatTime(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** Inline, so live regions stay invisible even when an app does not load styles.css (headless use). */
export const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clipPath: 'inset(50%)',
  whiteSpace: 'nowrap',
} as const;

/** The contract's E.164 pattern: checked before sending so a typo costs no request. */
export const isE164 = (to: string): boolean => /^\+[1-9]\d{6,14}$/.test(to);

/** Strips what people type around a number (spaces, dashes, dots, brackets) and keeps a leading `+`. */
export const normalizePhone = (input: string): string => input.replace(/[\s\-().]/g, '');

/**
 * The words for a status, or '' when the status needs none. One function, so the visible text and the live
 * region always agree.
 */
export function statusMessage(
  m: OtpMessages,
  state: Pick<OtpState, 'status' | 'to' | 'channel' | 'attemptsLeft' | 'error'>,
): string {
  switch (state.status) {
    case 'code_sent':
      return state.to && state.channel ? m.codeSent(state.to, state.channel) : '';
    case 'verifying':
      return m.verifying;
    case 'verified':
      return m.verified;
    case 'invalid_code':
      return m.wrongCode(state.attemptsLeft ?? 0);
    case 'expired':
      return m.expired;
    case 'already_verified':
      return m.alreadyVerified;
    case 'too_many_attempts':
      return m.tooManyAttempts;
    case 'rate_limited':
      return m.rateLimited;
    case 'error':
      switch (state.error?.code) {
        case 'network_error':
          return m.networkError;
        case 'provider_unavailable':
          return m.unavailable;
        case 'invalid_phone':
          return m.invalidPhone;
        case 'undeliverable':
          return m.undeliverable;
        case 'forbidden':
          return m.forbidden;
        // The hook may report these as an error when they come from a send/resend rather than a verify.
        case 'expired':
          return m.expired;
        case 'too_many_attempts':
          return m.tooManyAttempts;
        case 'rate_limited':
          return m.rateLimited;
        default:
          return m.genericError;
      }
    default:
      return '';
  }
}
