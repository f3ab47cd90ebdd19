'use client';
export { createOtpClient, type OtpClient, OtpClientError, type OtpClientOptions } from './client.js';
export { ExpiryCountdown, type ExpiryCountdownProps } from './expiry-countdown.js';
export { en, type OtpMessages } from './locales/en.js';
export { createOtpMachine, type OtpMachine, type OtpMachineOptions } from './machine.js';
export { formatTime } from './messages.js';
export { OtpInput, type OtpInputProps, type SlotRenderProps } from './otp-input.js';
export { OtpVerification, type OtpVerificationProps } from './otp-verification.js';
export { ResendButton, type ResendButtonProps, type ResendButtonRenderProps } from './resend-button.js';
// Public API of @otpkit/react: an explicit list, so nothing internal leaks and every export is a decision.
// Other languages are separate entry points (`@otpkit/react/locales/ja`, ...), so an app bundles only its own.
export type {
  Channel,
  Locale,
  OtpErrorCode,
  OtpState,
  OtpStateError,
  OtpStatus,
  SendResponse,
  SendResult,
  VerifyResponse,
} from './types.js';
export { useCountdown } from './use-countdown.js';
export {
  type OtpInputBindings,
  type UseOtpVerification,
  type UseOtpVerificationOptions,
  useOtpVerification,
} from './use-otp-verification.js';
