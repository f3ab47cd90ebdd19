/**
 * The English words of ResendButton and ExpiryCountdown: their defaults, and part of the `en` locale. Kept apart
 * from `locales/en.ts` so the primitives bundle these six instead of every word of the drop-in flow.
 */
export const componentWords = {
  resend: 'Resend code',
  /** `time` is `m:ss` (see `formatTime`). */
  resendIn: (time: string) => `Resend code in ${time}`,
  /** Announced once, when the resend cooldown ends. */
  resendAvailable: 'You can resend the code now.',
  retryIn: (time: string) => `Try again in ${time}`,
  expiresIn: (time: string) => `Code expires in ${time}`,
  expired: 'Code expired. Send a new code.',
};
