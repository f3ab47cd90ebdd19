// Recipients understood, not pattern-matched: a phone number parsed with libphonenumber-js (its canonical E.164 form
// keys every limit and record, its country and type decide what is allowed), an e-mail address canonicalised so that
// one mailbox has one set of limits however it is spelled.
import { type CountryCode, type NumberType, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { OtpError } from '../errors.js';

export type PhoneType = NonNullable<NumberType>;

/** The message of a refusal for the number's type (premium rate, …), as opposed to its country. */
export const TYPE_REFUSED = 'Codes are not sent to this kind of number.';

/**
 * Number types that receive no SMS worth sending, or that pay the caller: premium rate and shared cost (the SMS
 * pumping targets), personal numbering (+44 70: forwards anywhere, at a premium), and numbers whose type the
 * metadata does not know.
 */
export const REFUSED_TYPES_BY_DEFAULT: readonly (PhoneType | 'UNKNOWN')[] = [
  'PREMIUM_RATE',
  'SHARED_COST',
  'PERSONAL_NUMBER',
  'UNKNOWN',
];

export interface RecipientPolicy {
  allowEmail: boolean;
  /** ISO 3166-1 alpha-2 codes; unset: every country. */
  allowedCountries?: readonly string[] | undefined;
  deniedCountries?: readonly string[] | undefined;
  refusedTypes?: readonly (PhoneType | 'UNKNOWN')[] | undefined;
}

export type Recipient =
  | {
      kind: 'phone';
      /** Canonical E.164: what is delivered to, stored and limited. */
      to: string;
      /** ISO 3166-1 alpha-2, or '001' for non-geographic numbers (+800, +881, +979 …). */
      country: CountryCode | '001';
      type: PhoneType | 'UNKNOWN';
      /** The key limits count under. */
      key: string;
    }
  | {
      kind: 'email';
      /** The address as given, domain lower-cased and trimmed of a trailing dot: what is delivered to. */
      to: string;
      /** One spelling per mailbox: the key limits count under. */
      key: string;
    };

const refuse = (message: string) => new OtpError('invalid_phone', { message });

export function parseRecipient(raw: string, policy: RecipientPolicy): Recipient {
  if (policy.allowEmail && raw.includes('@')) return parseEmail(raw);
  // The contract asks for E.164: a +, then digits only (the browser strips formatting; a national spelling has no
  // country to be read against). A trunk zero after the country code (+44 0…) is still folded away below.
  if (!/^\+[1-9]\d{6,15}$/.test(raw)) {
    throw refuse(
      policy.allowEmail
        ? '"to" must be an E.164 number like +14155550100 or an e-mail address.'
        : '"to" must be an E.164 number like +14155550100.',
    );
  }
  const phone = parsePhoneNumberFromString(raw);
  if (!phone?.isValid()) throw refuse('"to" is not a valid phone number for its country.');
  const country = phone.country ?? '001';
  if (policy.allowedCountries && !policy.allowedCountries.includes(country)) {
    throw new OtpError('forbidden', { message: 'Numbers from this country are not accepted.' });
  }
  if (policy.deniedCountries?.includes(country)) {
    throw new OtpError('forbidden', { message: 'Numbers from this country are not accepted.' });
  }
  const type = phone.getType() ?? 'UNKNOWN';
  if ((policy.refusedTypes ?? REFUSED_TYPES_BY_DEFAULT).includes(type)) {
    throw new OtpError('forbidden', { message: TYPE_REFUSED });
  }
  // The input itself when it is already canonical (nearly always): libphonenumber-js builds `number` by
  // concatenation, a V8 rope that keeps its parts alive; every record and limit key holds this string, and the rope
  // cost ~60 bytes per open verification (bench/bff/heap.mjs).
  const to = phone.number === raw ? raw : phone.number;
  return { kind: 'phone', to, country, type, key: to };
}

/** Domains whose mailboxes ignore dots in the local part (Gmail's documented rule). */
const DOTS_IGNORED = new Set(['gmail.com', 'googlemail.com']);
// Control, format (zero-width joiners, bidi overrides) and any non-ASCII character in the local part: look-alike
// spellings of another mailbox. Internationalised domains are accepted in their ASCII (xn--) form.
const UNSAFE = /[^\x21-\x7e]/;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

function parseEmail(raw: string): Recipient {
  const at = raw.lastIndexOf('@');
  const local = raw.slice(0, at);
  const domain = raw
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  const to = `${local}@${domain}`;
  if (raw.length > 254 || UNSAFE.test(raw) || !EMAIL.test(to)) {
    throw refuse('"to" must be an E.164 number like +14155550100 or a plain ASCII e-mail address.');
  }
  // Case, a +tag and (where the provider ignores them) dots do not make another mailbox.
  let box = local.toLowerCase().split('+')[0] ?? '';
  if (DOTS_IGNORED.has(domain)) box = box.replace(/\./g, '');
  const canonicalDomain = domain === 'googlemail.com' ? 'gmail.com' : domain;
  return { kind: 'email', to, key: `${box}@${canonicalDomain}` };
}
