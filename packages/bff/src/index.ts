// Public API of @otpkit/bff: an explicit list, so nothing internal leaks and every export is a decision.
export type { BotCheck, BotCheckContext, BotRefusal, BotVerdict } from './bot-checks/types.js';
export {
  type Channel,
  type Delivery,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  type Locale,
  type ResendRequest,
  type SendRequest,
  type SendResponse,
  type StatusRequest,
  type StatusResponse,
  type VerifyRequest,
  type VerifyResponse,
} from './contract.js';
export { OtpError, type OtpErrorOptions } from './errors.js';
export type {
  DeliveryStatus,
  OtpEvent,
  OtpEventListener,
  OtpEventType,
  SendRefusedReason,
} from './flow/events.js';
export type { ProofPublicJwk } from './flow/proof.js';
export { createOtpHandler } from './http/handler.js';
export { type CustomCodeMessage, type CustomCodesOptions, customCodes } from './providers/custom-codes.js';
export { type EngageLabLanguage, type EngageLabOptions, engagelab } from './providers/engagelab.js';
export { type EngageLabCallbackOptions, signEngageLabCallback } from './providers/engagelab-callbacks.js';
export { type FailoverLogger, type FailoverOptions, failover } from './providers/failover.js';
export { type TwilioChannel, type TwilioLocale, type TwilioOptions, twilio } from './providers/twilio.js';
export type {
  CallbackInput,
  DeliveryReport,
  HostedCodeProvider,
  LocalCodeProvider,
  OtpProvider,
  ProviderCancelInput,
  ProviderSendInput,
  ProviderSendResult,
  ProviderVerifyInput,
  ResendBehaviour,
} from './providers/types.js';
export { type UnimtxChannel, type UnimtxOptions, unimtx } from './providers/unimtx.js';
export { type MemoryStoreOptions, memoryStore } from './stores/memory.js';
export {
  createdBy,
  type FailureBudget,
  type LimitRule,
  type OtpStore,
  type ReserveResult,
  recipientKey,
  recordShard,
  SHARD_TAG_LENGTH,
  shardHash,
  shardTag,
  type TakeCreate,
  type TakeResult,
  type VerificationRecord,
  windowOf,
} from './stores/types.js';
export type {
  BotCheckOptions,
  HandlerContext,
  OtpApi,
  OtpHandler,
  OtpHandlerOptions,
  OtpLogger,
  ProofCheckOptions,
  ProofJwks,
  ProofKey,
  PurposeOptions,
  RequestContext,
  VerificationDelivery,
  VerifiedProof,
} from './types.js';
