import examples from 'libphonenumber-js/examples.mobile.json';
import { getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import {
  countryFromLanguages,
  flagOf,
  knownCountries,
  phoneDigits,
  readPhone,
  textOfValue,
  withoutCallingCode,
} from './parse.js';

describe('phoneDigits', () => {
  it.each([
    ['(206) 880-0123', '2068800123'],
    ['090-1234-5678', '09012345678'],
    ['0044 20 7946 0958', '+442079460958'],
    ['＋８１ ９０‐１２３４‐５６７８', '+819012345678'], // full-width, from a Japanese IME
    ['+1\u2011206\u2011880\u20110123', '+12068800123'], // no-break hyphens
    ['+1\u00a0206\u00a0880\u00a00123', '+12068800123'], // no-break spaces
    ['+1\u2212206\u2013880\u20140123', '+12068800123'], // minus sign, en and em dashes
    ['+44 (0)20 7946 0958', '+442079460958'],
    ['+44(0) 7400 123456', '+447400123456'],
    ['tel:+12068800123', '+12068800123'],
    ['+1 206 880 0123 ext. 5', '+12068800123'],
    ['+1 206-880-0123 x12', '+12068800123'],
    ['+1 206 880 0123;ext=5', '+12068800123'],
    ['\u200e+66 81 234 5678\u200f', '+66812345678'], // bidi marks copied from a right-to-left page
    ['٠٩٠١٢٣٤٥٦٧٨', '09012345678'], // Arabic-Indic digits
    ['+86 187.0123.5678', '+8618701235678'],
    ['0', '0'],
    ['00', '00'],
    ['', ''],
  ])('%s → %s', (raw, digits) => {
    expect(phoneDigits(raw)).toBe(digits);
  });
});

describe('readPhone', () => {
  it.each([
    // typed or pasted, the country chosen, the E.164 value, the number's country, as shown
    ['(206) 880-0123', 'US', '+12068800123', 'US', '(206) 880-0123'],
    ['2068800123', 'US', '+12068800123', 'US', '(206) 880-0123'],
    ['090-1234-5678', 'JP', '+819012345678', 'JP', '090-1234-5678'],
    ['09012345678', 'JP', '+819012345678', 'JP', '090-1234-5678'],
    ['0812345678', 'TH', '+66812345678', 'TH', '081 234 5678'],
    ['612 34 56 78', 'ES', '+34612345678', 'ES', '612 34 56 78'],
    ['18701235678', 'CN', '+8618701235678', 'CN', '187 0123 5678'],
    ['020 7946 0958', 'GB', '+442079460958', 'GB', '020 7946 0958'],
    // An international number carries its own country, whatever was chosen.
    ['0044 20 7946 0958', 'JP', '+442079460958', 'GB', '+44 20 7946 0958'],
    ['011 44 7400 123456', 'US', '+447400123456', 'GB', '011 44 7400 123456'],
    ['+44 (0)20 7946 0958', 'US', '+442079460958', 'GB', '+44 20 7946 0958'],
    ['＋８１９０１２３４５６７８', 'US', '+819012345678', 'JP', '+81 90 1234 5678'],
    ['+1‑206‑880‑0123', undefined, '+12068800123', 'US', '+1 206 880 0123'],
  ] as const)('%s in %s → %s', (raw, country, value, own, text) => {
    expect(readPhone(raw, country)).toEqual({ text, value, country: own, status: 'valid' });
  });

  it('says incomplete while the number is too short, and invalid when it cannot be one', () => {
    expect(readPhone('', 'US')).toMatchObject({ status: 'empty', value: null });
    expect(readPhone(' - ', 'US')).toMatchObject({ status: 'empty', value: null });
    expect(readPhone('2', 'US')).toMatchObject({ status: 'incomplete', value: null, country: 'US' });
    expect(readPhone('(206) 880', 'US')).toMatchObject({ status: 'incomplete', text: '(206) 880', country: 'US' });
    expect(readPhone('+4420', undefined)).toMatchObject({ status: 'incomplete', country: 'GB' });
    expect(readPhone('206880012345', 'US')).toMatchObject({ status: 'invalid', value: null });
    // A prefix the country does not have: no UK number starts with 05.
    expect(readPhone('05123 456789', 'GB')).toMatchObject({ status: 'invalid', value: null });
    // What `min` metadata cannot tell (it checks lengths and leading digits, not every range): the fictional 555
    // exchange passes here, and the server, with the full metadata, answers invalid_phone.
    expect(readPhone('(206) 555-0123', 'US')).toMatchObject({ status: 'valid' });
    // A national number with no country to read it against.
    expect(readPhone('2068800123', undefined)).toMatchObject({ status: 'invalid', value: null });
  });

  it('refuses a valid number of a country outside the allowed list, and a non-geographic one', () => {
    expect(readPhone('+44 7400 123456', 'US', ['US', 'CA'])).toEqual({
      text: '+44 7400 123456',
      value: null,
      country: 'GB',
      status: 'not_allowed',
    });
    expect(readPhone('+800 1234 5678', undefined, ['US'])).toMatchObject({ status: 'not_allowed', value: null });
    expect(readPhone('+800 1234 5678', undefined)).toMatchObject({ status: 'valid', value: '+80012345678' });
    expect(readPhone('(206) 880-0123', 'US', ['US'])).toMatchObject({ status: 'valid', value: '+12068800123' });
  });

  it('keeps the chosen country while a shared calling code is still ambiguous', () => {
    // +1 is the US, Canada and the Caribbean; the chosen Canada stays until the area code says otherwise.
    expect(readPhone('+1', 'CA').country).toBe('CA');
    expect(readPhone('+1 604', 'CA').country).toBe('CA');
    expect(readPhone('+1 206 880 0123', 'CA').country).toBe('US');
  });

  // The server (max metadata) decides; the client check (min metadata) must never refuse what it would accept.
  it.each(knownCountries())('takes the example mobile number of %s in national and international form', (country) => {
    const example = getExampleNumber(country, examples);
    if (!example) return; // a few territories have no mobile example
    expect(parsePhoneNumberFromString(example.number)?.isValid()).toBe(true);
    expect(readPhone(example.formatNational(), country).value).toBe(example.number);
    expect(readPhone(example.formatInternational(), undefined).value).toBe(example.number);
  });
});

describe('countryFromLanguages', () => {
  const all = knownCountries();
  it('takes the region of the first language that has an allowed one', () => {
    expect(countryFromLanguages(['en-GB', 'en'], all)).toBe('GB');
    expect(countryFromLanguages(['ja'], all)).toBe('JP');
    expect(countryFromLanguages(['ar'], all)).toBe('EG');
    expect(countryFromLanguages(['zh-HK'], all)).toBe('HK');
    expect(countryFromLanguages(['pt'], all)).toBe('BR');
    expect(countryFromLanguages(['fr-CA', 'en-US'], ['US', 'GB'])).toBe('US');
    expect(countryFromLanguages(['fr'], ['US'])).toBeUndefined();
    expect(countryFromLanguages(['not a tag!', 'de'], all)).toBe('DE');
  });
});

describe('knownCountries', () => {
  it('lists every country, or the allowed ones libphonenumber-js knows', () => {
    expect(knownCountries().length).toBeGreaterThan(240);
    expect(knownCountries(['JP', 'GB', 'XX'])).toEqual(['JP', 'GB']);
  });
});

it('draws a flag from regional indicator symbols', () => {
  expect(flagOf('JP')).toBe('🇯🇵');
  expect(flagOf('GB')).toBe('🇬🇧');
});

describe('textOfValue and withoutCallingCode', () => {
  it('shows an E.164 value in its national form, with its country', () => {
    expect(textOfValue('+442079460958')).toEqual({ text: '020 7946 0958', country: 'GB' });
    expect(textOfValue('+819012345678')).toEqual({ text: '090-1234-5678', country: 'JP' });
    expect(textOfValue('+80012345678')).toEqual({ text: '+800 1234 5678', country: undefined });
    expect(textOfValue('206 880')).toEqual({ text: '206 880', country: undefined });
  });
  it('drops the calling code of an international number only', () => {
    expect(withoutCallingCode('+44 20 7946 0958')).toBe('020 7946 0958');
    expect(withoutCallingCode('0044 20 7946 0958')).toBe('020 7946 0958');
    expect(withoutCallingCode('+44')).toBe('');
    expect(withoutCallingCode('(206) 880')).toBe('(206) 880');
  });
});
