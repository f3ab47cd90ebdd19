export { ERROR_STATUS, type ErrorCode, type ErrorExtra, OtpError } from './errors.js';
export { createOtpHandler } from './handler.js';
export { memoryStore } from './memory-store.js';
export { type EngageLabOptions, engagelab } from './providers/engagelab.js';
export { type UniMtxOptions, unimtx } from './providers/unimtx.js';
export {
  type Channel,
  type HandlerContext,
  type LimitRule,
  LOCALES,
  type Locale,
  type OtpHandler,
  type OtpHandlerOptions,
  type OtpLogger,
  type OtpProvider,
  type OtpStore,
  type ProviderSendInput,
  type ProviderSendResult,
  type ProviderVerifyInput,
  type ReserveResult,
  type SendResponse,
  type TakeResult,
  type VerificationRecord,
  type VerifiedProof,
  type VerifyResponse,
} from './types.js';
