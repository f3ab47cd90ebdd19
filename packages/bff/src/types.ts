import type { ResendRequest, SendRequest, SendResponse, VerifyRequest, VerifyResponse } from './contract.js';
import type { OtpProvider } from './providers/types.js';
import type { OtpStore } from './stores/types.js';

/** Optional structured logger. It never receives secrets, codes, message ids or unmasked numbers. */
export interface OtpLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface OtpHandlerOptions {
  /** Who delivers (and, for provider-checked codes, checks) the code: one of this package's providers or your own
   * (see "Write a provider" in the README). */
  provider: OtpProvider;
  /** Server key for verification ids, proofs and code hashes. At least 32 bytes; never sent anywhere. */
  secret: string | Uint8Array;
  /** Where verifications and counters live. One process: the default. Several instances: a shared store such as
   * `redisStore`. @defaultValue memoryStore() */
  store?: OtpStore;
  /** Code lifetime the BFF assumes; must match the provider template's. @defaultValue 300 */
  codeTtlSeconds?: number;
  /** Wrong codes allowed per verification. @defaultValue 5 */
  maxAttempts?: number;
  /** Wrong codes allowed per recipient across resends within `failureWindowSeconds`. @defaultValue 10 */
  maxFailuresPerNumber?: number;
  /** The window over which `maxFailuresPerNumber` counts, from the first wrong code. @defaultValue 3600 */
  failureWindowSeconds?: number;
  /** First resend cooldown; doubles on each resend to the same number. @defaultValue 60 */
  resendCooldownSeconds?: number;
  /** Sends (send + resend) per number. @defaultValue { limit: 5, windowSeconds: 600 } */
  numberLimit?: { limit: number; windowSeconds: number };
  /** Sends per client IP. @defaultValue { limit: 20, windowSeconds: 3600 } */
  ipLimit?: { limit: number; windowSeconds: number };
  /** Trust X-Forwarded-For / a platform header for the client IP. @defaultValue false (socket address only) */
  trustProxy?: boolean | ((request: Request) => string | undefined);
  /** ISO calling-code prefixes allowed, e.g. ['+1', '+44']. Unset: all. */
  allowedCountries?: string[];
  /** Origins allowed besides the request's own. */
  allowedOrigins?: string[];
  /** Accept e-mail addresses in `to`. @defaultValue false */
  allowEmail?: boolean;
  /** Upstream timeout in ms. @defaultValue 8000 */
  timeoutMs?: number;
  /** Proof lifetime in seconds. @defaultValue 600 */
  proofTtlSeconds?: number;
  /** Runs after a successful verify, before the response. `request` is absent when the flow was called through
   * `otp.api` without one. */
  onVerified?: (event: { to: string; request?: Request | undefined }) => void | Promise<void>;
  /** Where the handler reports what an operator must act on (outages, bad credentials, bugs) and, at `info`, each
   * step. @defaultValue console, quiet on info */
  logger?: OtpLogger;
  /** Clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

export interface VerifiedProof {
  /** The verified recipient (full, server-side). */
  to: string;
  verificationId: string;
  /** Epoch ms. */
  verifiedAt: number;
  expiresAt: number;
}

/** Who is asking: given by the adapter (the socket address) or by server code calling `otp.api`. */
export interface RequestContext {
  /** The client's address. Keys the per-IP send limit; `trustProxy` may replace it from the request's headers. */
  clientIp?: string | undefined;
  /** The request, when there is one (passed on to `onVerified`, and read for `trustProxy`). */
  request?: Request | undefined;
}

/** @deprecated Use RequestContext. */
export type HandlerContext = RequestContext;

/**
 * The flow for server code (Next.js Server Actions, tRPC, tests): the same rules as the HTTP routes, with typed
 * results. Failures throw `OtpError` (its `code` is the contract's, `toResponse()` its HTTP answer).
 */
export interface OtpApi {
  send(input: SendRequest, context?: RequestContext): Promise<SendResponse>;
  verify(input: VerifyRequest, context?: RequestContext): Promise<VerifyResponse>;
  resend(input: ResendRequest, context?: RequestContext): Promise<SendResponse>;
}

export interface OtpHandler {
  /** The HTTP contract: `POST …/send | …/verify | …/resend` -> the contract's JSON. Never throws.
   * `context.clientIp` is the socket address, given by the adapter (a Web Request does not carry it). */
  handle(request: Request, context?: Omit<RequestContext, 'request'>): Promise<Response>;
  /** The same flow without HTTP. */
  api: OtpApi;
  /** Checks a proof from a successful verify. Resolves the claims, or null when tampered, malformed or expired. */
  verifyProof(proof: string): Promise<VerifiedProof | null>;
}
