'use client';
// Public API of @otpkit/react: an explicit list, so nothing internal leaks and every export is a decision.
// The framework-free core (client, machine, status helpers, contract types) is also its own entry point,
// `@otpkit/react/client`, with no React in its module graph. Other languages are separate entry points
// (`@otpkit/react/locales/ja`, ...), so an app bundles only its own.
export type { OtpCharset } from './components/charsets.js';
export { ExpiryCountdown, type ExpiryCountdownProps } from './components/expiry-countdown.js';
export { OtpInput, type OtpInputProps, type SlotRenderProps } from './components/otp-input.js';
export { OtpVerification, type OtpVerificationProps, type PhoneFieldProps } from './components/otp-verification.js';
export { ResendButton, type ResendButtonProps, type ResendButtonRenderProps } from './components/resend-button.js';
export {
  createOtpClient,
  type FetchLike,
  type OtpClient,
  OtpClientError,
  type OtpClientErrorOptions,
  type OtpClientOptions,
  type SendResult,
} from './core/client.js';
export type {
  Channel,
  ErrorBody,
  Locale,
  OtpErrorCode,
  ResendRequest,
  SendRequest,
  SendResponse,
  VerifyRequest,
  VerifyResponse,
} from './core/contract.js';
export { isFinalDelivery, readDelivery } from './core/delivery.js';
export {
  createOtpMachine,
  type OtpMachine,
  type OtpMachineOptions,
  type OtpState,
  type OtpStateError,
  type ResendOptions,
  type SendOptions,
} from './core/machine.js';
export { canVerify, isBusy, isFinished, isVerified, type OtpStatus, statusOfError } from './core/status.js';
export { useCountdown } from './hooks/use-countdown.js';
export { type Delivery, type UseDeliveryOptions, useDelivery } from './hooks/use-delivery.js';
export {
  isOtpkitMutation,
  type OtpInputBindings,
  otpkitMutationMeta,
  type UseOtpVerification,
  type UseOtpVerificationOptions,
  type UseOtpVerificationResult,
  useOtpVerification,
} from './hooks/use-otp-verification.js';
export { en, type OtpMessages } from './i18n/locales/en.js';
export { formatTime, statusMessage } from './i18n/messages.js';
