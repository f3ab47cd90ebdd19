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

// The categories, one list each, written where it is asked (not one object, not shared constants: a bundler keeps
// an object whole, but drops the helpers an app never calls, and the primitives call three of the five). A status may
// be in several: `already_verified` is finished, and was verified elsewhere. Each list is checked against OtpStatus.
const among = (statuses: OtpStatus[], status: string): status is OtpStatus => statuses.some((s) => s === status);

/** True when `verify` would send a code now (the input should be enabled): a verification is open and the status
 * lets a code through. `error` and `rate_limited` keep the open verification, so a network error or a refused
 * resend does not lose the code. */
export const canVerify = ({ status, verificationId }: { status: OtpStatus; verificationId: string | null }): boolean =>
  verificationId !== null && among(['code_sent', 'invalid_code', 'error', 'rate_limited'], status);

/** A request is in flight (`sending`, `verifying`). */
export const isBusy = (status: OtpStatus): boolean => among(['sending', 'verifying'], status);

/** The open code can no longer succeed (`expired`, `already_verified`, `too_many_attempts`): only a new code helps
 * (the input goes away). */
export const isFinished = (status: OtpStatus): boolean =>
  among(['expired', 'already_verified', 'too_many_attempts'], status);

/** The verification succeeded, here or in another tab (`verified`, `already_verified`): there is nothing to resend. */
export const isVerified = (status: OtpStatus): boolean => among(['verified', 'already_verified'], status);

/** The status a failed request leads to: the error code itself when it is a status of its own (`expired`,
 * `already_verified`, `too_many_attempts`, `rate_limited`), otherwise `error`. */
export const statusOfError = (code: string): OtpStatus =>
  among(['expired', 'already_verified', 'too_many_attempts', 'rate_limited'], code) ? code : 'error';
