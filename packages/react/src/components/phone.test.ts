import { expect, test } from 'vitest';
import { isE164, normalizePhone } from './phone.js';

test('phone format check', () => {
  expect(isE164(normalizePhone('+1 (415) 555-0123'))).toBe(true);
  expect(isE164(normalizePhone('+86 187.0123.5678'))).toBe(true);
  expect(isE164('4155550123')).toBe(false);
  expect(isE164('+0123456789')).toBe(false);
  expect(isE164('+12')).toBe(false);
  expect(isE164('+1415555012a')).toBe(false);
});
