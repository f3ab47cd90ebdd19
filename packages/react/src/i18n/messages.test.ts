import { expect, test } from 'vitest';
import type { OtpErrorCode } from '../core/contract.js';
import type { OtpState } from '../core/machine.js';
import { en } from './locales/en.js';
import { formatTime, statusMessage } from './messages.js';

test('formatTime', () => {
  expect(formatTime(0)).toBe('0:00');
  expect(formatTime(27)).toBe('0:27');
  expect(formatTime(299.2)).toBe('5:00');
  expect(formatTime(3600)).toBe('1:00:00');
  expect(formatTime(3725)).toBe('1:02:05');
  expect(formatTime(-5)).toBe('0:00');
});

const state = (patch: Partial<OtpState>) =>
  ({ status: 'idle', to: null, channel: null, attemptsLeft: null, error: null, ...patch }) as OtpState;
const error = (code: OtpErrorCode) => state({ status: 'error', error: { code, message: 'x' } });

test('every status has its words', () => {
  expect(statusMessage(en, state({}))).toBe('');
  expect(statusMessage(en, state({ status: 'code_sent', to: '+1*****0123', channel: 'whatsapp' }))).toBe(
    'We sent a code to +1*****0123 by WhatsApp.',
  );
  expect(statusMessage(en, state({ status: 'invalid_code', attemptsLeft: 3 }))).toBe('Wrong code. 3 attempts left.');
  expect(statusMessage(en, state({ status: 'expired' }))).toBe('Code expired. Send a new code.');
  expect(statusMessage(en, state({ status: 'already_verified' }))).toBe('This code was already used. Send a new code.');
  expect(statusMessage(en, state({ status: 'too_many_attempts' }))).toBe('Too many wrong codes. Send a new code.');
  expect(statusMessage(en, state({ status: 'rate_limited' }))).toBe('Too many requests. Please wait.');
  expect(statusMessage(en, state({ status: 'verified' }))).toBe('Verified.');
  expect(statusMessage(en, error('network_error'))).toBe(en.networkError);
  expect(statusMessage(en, error('provider_unavailable'))).toBe(en.unavailable);
  expect(statusMessage(en, error('invalid_phone'))).toBe(en.invalidPhone);
  expect(statusMessage(en, error('bot_check_failed'))).toBe(en.botCheckFailed);
  expect(statusMessage(en, error('provider_error'))).toBe(en.genericError);
  expect(statusMessage(en, error('internal_error'))).toBe(en.genericError);
});
