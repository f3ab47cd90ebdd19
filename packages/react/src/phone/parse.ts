// Reading a phone number the way people write it. `min` metadata, not `mobile` or `max`: the server
// (@otpkit/bff, `max` metadata) is the authority on what it accepts, by number type and country; here the check
// only has to catch a typo (wrong length or prefix for the country) before a request is spent, and it must never
// refuse a number the server would take. `mobile` metadata would refuse landlines, which the server accepts (voice
// calls, and the usual way to write a London number is a landline: +44 20 …); `max` adds ~60 KB gzipped of
// per-type patterns for no such gain. `min` still carries every country's formats, so as-you-type formatting is
// the same.
import {
  AsYouType,
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parseIncompletePhoneNumber,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from 'libphonenumber-js/min';
// The same module libphonenumber-js/min reads its metadata from: no second copy in a bundle.
import metadata from 'libphonenumber-js/min/metadata';

export type { CountryCode };

/** Where a number stands: `valid` is the only state with an E.164 value. */
export type PhoneStatus =
  /** Nothing typed. */
  | 'empty'
  /** Too short for the country so far: still typing. */
  | 'incomplete'
  /** Not a number of the country (too long, a prefix it does not have), or no country to read it against. */
  | 'invalid'
  /** A valid number of a country outside the allowed list. */
  | 'not_allowed'
  | 'valid';

export interface ReadPhone {
  /** The text as it should be shown: formatted as the country writes it (national, or international after a +). */
  text: string;
  /** E.164 (`+442079460958`), or null unless `status` is `valid`. */
  value: string | null;
  /** The number's country: from its calling code after a +, else the country it was read against. */
  country: CountryCode | undefined;
  status: PhoneStatus;
}

// An extension cannot receive a code, and its digits must not run into the number's ("+1 206 880 0123 ext. 5").
const EXTENSION = /\s*(?:;\s*ext=|[,;#]|\b(?:ext|extn|extension|x)\.?\s*\d).*$/i;
// "+44 (0)20 …": the trunk zero in brackets, written for callers inside the country. It is not part of the number.
const TRUNK_IN_BRACKETS = /^(\+\d{1,3})\s*\(0\)/;

/**
 * The digits of a number as typed or pasted, with a leading `+` when international: full-width digits and `＋`
 * (Japanese IMEs), Arabic-Indic digits, any dash, space, dot or bracket, `tel:`, an extension, a `(0)` trunk zero
 * and an international call prefix `00` are understood.
 */
export function phoneDigits(raw: string): string {
  // NFKC folds full-width digits and the full-width plus; parseIncompletePhoneNumber keeps digits (Arabic-Indic
  // and Persian ones converted) and a leading +, and drops the rest (dashes of every kind, no-break spaces, bidi
  // marks copied with the number from a right-to-left page).
  const text = raw
    .normalize('NFKC')
    .replace(/^\s*tel:/i, '')
    .replace(EXTENSION, '');
  const digits = parseIncompletePhoneNumber(text.trim().replace(TRUNK_IN_BRACKETS, '$1'));
  // "00" starts an international number in most of the world, and no country's national numbers begin with it, so
  // it is read as + whatever the country (the other call prefixes, 011 and 010, are known per country below).
  return digits.startsWith('00') && digits.length > 2 ? `+${digits.slice(2)}` : digits;
}

/**
 * Reads typed or pasted text against a country: formats it, and gives the E.164 value when it is a valid number
 * of an allowed country. A number starting with + (or a call prefix) carries its own country.
 */
export function readPhone(
  raw: string,
  country: CountryCode | undefined,
  allowed?: readonly CountryCode[] | undefined,
): ReadPhone {
  const digits = phoneDigits(raw);
  if (!digits.replace('+', '')) return { text: digits, value: null, country, status: 'empty' };
  const typing = new AsYouType(digits.startsWith('+') ? undefined : country);
  const text = typing.input(digits);
  const number = typing.getNumber();
  // `getCountry()` is the country the digits belong to; a shared calling code (+1, +7, +44 …) resolves only once
  // the number is long enough, so until then the chosen country stays when it shares the code, else the code's
  // main country (listed first in the metadata: +1 the US, +44 the UK).
  const callingCode = typing.getCallingCode() ?? (country ? getCountryCallingCode(country) : undefined);
  const read =
    typing.getCountry() ??
    number?.country ??
    (country && callingCode === getCountryCallingCode(country)
      ? country
      : (metadata.country_calling_codes[callingCode ?? '']?.[0] as CountryCode | undefined));
  // A national number needs a country to be read against.
  if (!typing.isInternational() && !country) return { text, value: null, country: read, status: 'invalid' };
  if (!number) return { text, value: null, country: read, status: 'incomplete' };
  const length = validatePhoneNumberLength(number.number, read ?? country);
  if (length === 'TOO_SHORT') return { text, value: null, country: read, status: 'incomplete' };
  if (length || !number.isValid()) return { text, value: null, country: read, status: 'invalid' };
  // Non-geographic numbers (+800, +882 …) have no country: allowed only when every country is.
  if (allowed && !(number.country && allowed.includes(number.country))) {
    return { text, value: null, country: number.country, status: 'not_allowed' };
  }
  return { text, value: number.number, country: number.country, status: 'valid' };
}

/**
 * The text to show for a value given as E.164 (a controlled `value`, a `defaultValue`): national when the number has
 * a country (the selector shows it), else international. Anything else is read as typed.
 */
export function textOfValue(value: string): { text: string; country: CountryCode | undefined } {
  const number = value.startsWith('+') ? parsePhoneNumberFromString(value) : undefined;
  if (!number) return { text: value, country: undefined };
  return number.country
    ? { text: number.formatNational(), country: number.country }
    : { text: number.formatInternational(), country: undefined };
}

/** An international number in its national form (`+44 20 7946 0958` → `020 7946 0958`), to keep its digits when
 * the user picks another country; other text unchanged. */
export function withoutCallingCode(raw: string): string {
  const digits = phoneDigits(raw);
  if (!digits.startsWith('+')) return raw;
  const typing = new AsYouType();
  typing.input(digits);
  return typing.getNumber()?.formatNational() ?? digits.slice(1 + (typing.getCallingCode()?.length ?? 0));
}

/** Every country libphonenumber-js knows (ISO 3166-1 alpha-2), or the allowed ones it knows, in their order. */
export function knownCountries(allowed?: readonly string[]): CountryCode[] {
  const all = getCountries();
  return allowed ? (allowed.filter((code) => (all as string[]).includes(code)) as CountryCode[]) : all;
}

/**
 * The country a browser's languages suggest (`navigator.languages`: `en-GB` → GB, `ja` → JP through the likely
 * region of the language), the first one that is allowed; undefined when none is.
 */
export function countryFromLanguages(
  languages: readonly string[],
  allowed: readonly CountryCode[],
): CountryCode | undefined {
  for (const tag of languages) {
    try {
      const region = new Intl.Locale(tag).maximize().region;
      if (region && (allowed as readonly string[]).includes(region)) return region as CountryCode;
    } catch {
      // A malformed tag in the list (browsers pass through what the user configured): try the next one.
    }
  }
  return undefined;
}

/** The flag emoji of a country (two regional indicator symbols); systems without flag glyphs show the letters. */
export const flagOf = (country: string): string =>
  String.fromCodePoint(...[...country].map((letter) => 0x1f1a5 + letter.charCodeAt(0)));

export { getCountryCallingCode };
