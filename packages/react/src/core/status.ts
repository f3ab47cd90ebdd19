// The one place that says what each status means for the flow. The machine, the hook and the drop-in flow ask
// these helpers instead of listing statuses of their own.

/** Every status the verification flow can be in. */
export type OtpStatus =
  | 'idle'
  | 'sending'
  | 'code_sent'
  | 'verifying'
  | 'verified'
  | 'invalid_code'
  | 'expired'
  | 'already_verified'
  | 'too_many_attempts'
  | 'rate_limited'
  | 'error';

// The categories, one `as const` list each (not one object: a bundler keeps an object whole, but drops the lists
// an app never asks about, and the primitives ask about three of the five). A status may be in several:
// `already_verified` is finished, and was verified elsewhere.

/** A code may be checked, provided a verification is open. `error` and `rate_limited` keep the open verification,
 * so a network error or a refused resend does not lose the code. */
export const OPEN_STATUSES = ['code_sent', 'invalid_code', 'error', 'rate_limited'] as const satisfies OtpStatus[];
/** A request is in flight. */
export const BUSY_STATUSES = ['sending', 'verifying'] as const satisfies OtpStatus[];
/** The open code can no longer succeed: only a new code helps (the input goes away). */
export const FINISHED_STATUSES = ['expired', 'already_verified', 'too_many_attempts'] as const satisfies OtpStatus[];
/** The verification succeeded, here or elsewhere: there is nothing to resend. */
export const VERIFIED_STATUSES = ['verified', 'already_verified'] as const satisfies OtpStatus[];
/** Error codes that are a status of their own; a request failing with any other code leads to `error`. */
export const ERROR_STATUSES = [
  'expired',
  'already_verified',
  'too_many_attempts',
  'rate_limited',
] as const satisfies OtpStatus[];

const among = (statuses: readonly string[], status: string): status is OtpStatus => statuses.includes(status);

/** True when `verify` would send a code now (the input should be enabled). */
export const canVerify = ({ status, verificationId }: { status: OtpStatus; verificationId: string | null }): boolean =>
  verificationId !== null && among(OPEN_STATUSES, status);

/** A request is in flight (`sending`, `verifying`). */
export const isBusy = (status: OtpStatus): boolean => among(BUSY_STATUSES, status);

/** The open code can no longer succeed (`expired`, `already_verified`, `too_many_attempts`): only a new code helps. */
export const isFinished = (status: OtpStatus): boolean => among(FINISHED_STATUSES, status);

/** The verification succeeded, here or in another tab (`verified`, `already_verified`). */
export const isVerified = (status: OtpStatus): boolean => among(VERIFIED_STATUSES, status);

/** The status a failed request leads to: the error code itself when it is a status, otherwise `error`. */
export const statusOfError = (code: string): OtpStatus => (among(ERROR_STATUSES, code) ? code : 'error');
