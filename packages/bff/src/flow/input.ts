import type { Channel, Locale } from '../contract.js';
import { OtpError } from '../errors.js';

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
// BCP 47's shape (language, then subtags of 1-8 letters or digits); the underscore spellings the contract once had
// (`zh_CN`) are still read. 35 characters is the longest tag worth keeping (RFC 5646 §4.4.1).
const LOCALE = /^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$/;

export function checkRecipient(to: string, allowEmail: boolean): void {
  if (E164.test(to)) return;
  if (allowEmail && to.length <= 254 && EMAIL.test(to)) return;
  throw new OtpError('invalid_phone', {
    message: allowEmail
      ? '"to" must be an E.164 number like +14155550100 or an e-mail address.'
      : '"to" must be an E.164 number like +14155550100.',
  });
}

/** The locale as a BCP 47 tag, or undefined for none ('default', the old "no preference", included). */
export function checkLocale(locale: string | undefined): Locale | undefined {
  if (locale === undefined || locale === 'default') return undefined;
  if (locale.length <= 35 && LOCALE.test(locale)) return locale.replace(/_/g, '-');
  throw new OtpError('invalid_request', { message: '"locale" must be a BCP 47 language tag such as "en" or "zh-CN".' });
}

const CHANNELS: readonly Channel[] = ['sms', 'whatsapp', 'voice', 'email'];

/** A channel the browser asked for: one of the contract's, else 400 (whether the provider has it is start()'s
 * question). */
export function checkChannel(channel: string | undefined): Channel | undefined {
  if (channel === undefined || (CHANNELS as readonly string[]).includes(channel)) return channel as Channel | undefined;
  throw new OtpError('invalid_request', { message: '"channel" must be "sms", "whatsapp", "voice" or "email".' });
}

export function checkCode(code: string, length: number): void {
  if (code.length !== length || !/^\d+$/.test(code)) {
    throw new OtpError('invalid_request', { message: `"code" must be ${length} digits.` });
  }
}

/** The shape newVerificationId() produces. Anything else cannot exist, so it is refused without a store round trip. */
export const isVerificationId = (id: string) => /^[A-Za-z0-9_-]{26}$/.test(id);

/**
 * Strict field check: a plain object whose keys are all known, required ones present, every value a string.
 * Unknown keys are refused rather than ignored so that a client sending `templateId` or `code` to /send learns
 * at once that the server decides those.
 */
export function stringFields<R extends string, O extends string = never>(
  body: unknown,
  required: readonly R[],
  optional: readonly O[] = [],
): Record<R, string> & Partial<Record<O, string>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OtpError('invalid_request', { message: 'The body must be a JSON object.' });
  }
  const known: readonly string[] = [...required, ...optional];
  for (const [key, value] of Object.entries(body)) {
    // `{ locale: undefined }` from server code is "no locale" (JSON cannot carry undefined).
    if (value === undefined && (optional as readonly string[]).includes(key)) continue;
    if (!known.includes(key))
      throw new OtpError('invalid_request', { message: `Unknown field "${key.slice(0, 40)}".` });
    if (typeof value !== 'string') throw new OtpError('invalid_request', { message: `"${key}" must be a string.` });
  }
  for (const key of required) {
    const value = (body as Record<string, unknown>)[key];
    if (value === undefined || value === '') {
      throw new OtpError('invalid_request', { message: `"${key}" is required.` });
    }
  }
  return body as Record<R, string> & Partial<Record<O, string>>;
}
