import { describe, expect, it } from 'vitest';
import { normalizeCode } from './charsets.js';

describe('normalizeCode', () => {
  it('keeps a plain code', () => {
    expect(normalizeCode('123456', 'digits', 6)).toBe('123456');
    expect(normalizeCode('', 'digits', 6)).toBe('');
    expect(normalizeCode('12', 'digits', 6)).toBe('12');
  });

  it('strips the separators SMS apps and people put inside codes', () => {
    expect(normalizeCode('123-456', 'digits', 6)).toBe('123456');
    expect(normalizeCode('123 456', 'digits', 6)).toBe('123456');
    expect(normalizeCode(' 123456\n', 'digits', 6)).toBe('123456');
    expect(normalizeCode('12\t34\r\n56', 'digits', 6)).toBe('123456');
    expect(normalizeCode('123\u00a0456', 'digits', 6)).toBe('123456');
    expect(normalizeCode('123–456', 'digits', 6)).toBe('123456');
    expect(normalizeCode('123.456', 'digits', 6)).toBe('123456');
  });

  it('folds full-width digits and letters (NFKC)', () => {
    expect(normalizeCode('１２３４５６', 'digits', 6)).toBe('123456');
    expect(normalizeCode('１２３　４５６', 'digits', 6)).toBe('123456');
    expect(normalizeCode('ＡＢ１２ｃｄ', 'alphanumeric', 6)).toBe('AB12cd');
  });

  it('rejects characters outside the charset instead of dropping them', () => {
    expect(normalizeCode('12a456', 'digits', 6)).toBeNull();
    expect(normalizeCode('code: 123456', 'digits', 6)).toBeNull();
    expect(normalizeCode('١٢٣٤٥٦', 'digits', 6)).toBeNull(); // Arabic-Indic digits are not NFKC-folded to ASCII
    expect(normalizeCode('12😀', 'digits', 6)).toBeNull();
    expect(normalizeCode('ab-12!', 'alphanumeric', 6)).toBeNull();
    expect(normalizeCode('ab-12', 'alphanumeric', 6)).toBe('ab12');
  });

  it('keeps the first `length` characters of a longer cleaned code', () => {
    expect(normalizeCode('1234567', 'digits', 6)).toBe('123456');
    expect(normalizeCode('1234-5678', 'digits', 4)).toBe('1234');
  });
});
