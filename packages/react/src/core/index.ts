// @otpkit/react/client: the framework-free core, for any UI (Vue, Svelte, vanilla) or none. No React, no
// TanStack Query, no 'use client' in this module graph: `no-react.test.ts` proves it.
export {
  type BotTokenSource,
  createOtpClient,
  type FetchLike,
  type OtpClient,
  OtpClientError,
  type OtpClientErrorOptions,
  type OtpClientOptions,
  type SendResult,
} from './client.js';
export type {
  Channel,
  Delivery,
  ErrorBody,
  Locale,
  OtpErrorCode,
  ResendRequest,
  SendRequest,
  SendResponse,
  StatusRequest,
  StatusResponse,
  VerifyRequest,
  VerifyResponse,
} from './contract.js';
export { isFinalDelivery, readDelivery } from './delivery.js';
export {
  createOtpMachine,
  type OtpMachine,
  type OtpMachineOptions,
  type OtpState,
  type OtpStateError,
  type ResendOptions,
  type SendOptions,
} from './machine.js';
export { canVerify, isBusy, isFinished, isVerified, type OtpStatus, statusOfError } from './status.js';
