import { expect, test } from 'vitest';
import type { OtpErrorCode } from './contract.js';
import { canVerify, isBusy, isFinished, isVerified, type OtpStatus, statusOfError } from './status.js';

// Every status, once; `satisfies` fails when OtpStatus gains one that is not here.
const every = {
  idle: 0,
  sending: 0,
  code_sent: 0,
  verifying: 0,
  verified: 0,
  invalid_code: 0,
  expired: 0,
  already_verified: 0,
  too_many_attempts: 0,
  rate_limited: 0,
  error: 0,
} satisfies Record<OtpStatus, 0>;
const all = Object.keys(every) as OtpStatus[];
const where = (is: (status: OtpStatus) => boolean) => all.filter(is).sort();

test('each category, from the one table', () => {
  expect(where((status) => canVerify({ status, verificationId: 'v1' }))).toEqual(
    ['code_sent', 'error', 'invalid_code', 'rate_limited'].sort(),
  );
  // No verification open (before a send, after a 404): no status lets a code through.
  expect(where((status) => canVerify({ status, verificationId: null }))).toEqual([]);
  expect(where(isBusy)).toEqual(['sending', 'verifying']);
  expect(where(isFinished)).toEqual(['already_verified', 'expired', 'too_many_attempts']);
  expect(where(isVerified)).toEqual(['already_verified', 'verified']);
});

test('an error code is its own status only when it names one; anything else is `error`', () => {
  const own: OtpErrorCode[] = ['already_verified', 'expired', 'rate_limited', 'too_many_attempts'];
  for (const code of own) expect(statusOfError(code)).toBe(code);
  for (const code of ['not_found', 'network_error', 'invalid_phone', 'number_blocked', 'toString', 'idle', 'verified'])
    expect(statusOfError(code)).toBe('error');
});
