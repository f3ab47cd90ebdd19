'use client';
// Public API of @otpkit/react. Owned by the flow work; each module is owned by the helper named in its file.
export * from './types.js';
export { createOtpClient, OtpClientError, type OtpClient, type OtpClientOptions } from './client.js';
export { createOtpMachine, type OtpMachine } from './machine.js';
export { useOtpVerification, type UseOtpVerificationOptions, type UseOtpVerification } from './use-otp-verification.js';
export { OtpInput, type OtpInputProps, type SlotRenderProps } from './otp-input.js';
export { ResendButton, type ResendButtonProps } from './resend-button.js';
export { ExpiryCountdown, type ExpiryCountdownProps } from './expiry-countdown.js';
export { OtpVerification, type OtpVerificationProps } from './otp-verification.js';
export { en, type OtpMessages } from './locales/en.js';
