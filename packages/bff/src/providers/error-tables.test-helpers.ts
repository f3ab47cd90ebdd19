// The providers' error tables as the tests expect them: one oracle, written apart from each provider's own table
// (and its simulator's), shared by the provider tests and the provider conformance suite.
import type { ErrorCode } from '../contract.js';

/** Every EngageLab error code of the seeds' tables (Verify OTP, Custom OTP Code Delivery), on send. */
export const ENGAGELAB_SEND_ROWS: [number, ErrorCode][] = [
  [1000, 'provider_unavailable'],
  [2001, 'provider_error'],
  [2002, 'provider_error'],
  [2004, 'provider_error'],
  [3001, 'provider_error'],
  [3002, 'provider_error'],
  [3003, 'provider_error'],
  [3004, 'rate_limited'],
  [3011, 'expired'],
  [4001, 'provider_error'],
  [5001, 'undeliverable'],
  [5011, 'invalid_phone'],
  [5012, 'undeliverable'],
  [5013, 'undeliverable'],
  [5014, 'provider_error'],
  [5015, 'undeliverable'],
  [5016, 'provider_unavailable'],
  [5017, 'provider_error'],
  [5018, 'undeliverable'],
  [5019, 'undeliverable'],
  [5020, 'invalid_phone'],
  // Not in any table: a 4xx we cannot act on, a 5xx that is probably transient.
  [9999, 'provider_error'],
];

/** Every UniMTX code in providers.md (the vendor's table; codes are strings), plus undocumented ones. */
export const UNIMTX_ROWS: [string, ErrorCode, number?][] = [
  ['101000', 'provider_unavailable'],
  ['101301', 'provider_unavailable'],
  ['101303', 'provider_unavailable'],
  ['104001', 'provider_error'],
  ['104002', 'provider_error'],
  ['104003', 'provider_error'],
  ['104110', 'provider_error'],
  ['104111', 'provider_error'],
  ['104201', 'provider_error'],
  ['104202', 'provider_error'],
  ['105001', 'provider_error'],
  ['105100', 'provider_error'],
  ['105300', 'rate_limited'],
  ['105400', 'provider_error'],
  ['107111', 'invalid_phone'],
  ['107120', 'provider_error'],
  ['107121', 'provider_error'],
  ['107122', 'provider_error'],
  ['107123', 'provider_error'],
  ['107141', 'provider_error'],
  ['107143', 'provider_error'],
  ['107144', 'provider_error'],
  ['107145', 'provider_error'],
  // Branch on the code, not the status: a documented code with an odd status keeps its meaning ...
  ['104111', 'provider_error', 500],
  // ... and an unknown code falls back to the status.
  ['999999', 'provider_error', 400],
  ['999999', 'provider_unavailable', 503],
];
