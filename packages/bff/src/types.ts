import type { BotCheck } from './bot-checks/types.js';
import type {
  ResendRequest,
  SendRequest,
  SendResponse,
  StatusRequest,
  StatusResponse,
  VerifyRequest,
  VerifyResponse,
} from './contract.js';
import type { OtpEventListener } from './flow/events.js';
import type { ProofPublicJwk } from './flow/proof.js';
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
  /**
   * Wrong codes allowed per recipient in a day, in a window that slides: each wrong code moves its end to 24 h
   * later, so the count refills only after a day without one (someone who keeps guessing never gets a refill).
   * Bounds guesses over any horizon (NIST SP 800-63B: at most 100 consecutive failures). @defaultValue 100
   */
  maxFailuresPerNumberPerDay?: number;
  /** First resend cooldown; doubles on each resend to the same number. @defaultValue 60 */
  resendCooldownSeconds?: number;
  /** Sends (send + resend) per number. @defaultValue { limit: 5, windowSeconds: 600 } */
  numberLimit?: { limit: number; windowSeconds: number };
  /** Sends per client IP. @defaultValue { limit: 20, windowSeconds: 3600 } */
  ipLimit?: { limit: number; windowSeconds: number };
  /** Trust X-Forwarded-For / a platform header for the client IP. @defaultValue false (socket address only) */
  trustProxy?: boolean | ((request: Request) => string | undefined);
  /** Countries whose numbers are accepted, as ISO 3166-1 alpha-2 codes (`['US', 'CA']`; `'001'` for
   * non-geographic numbers). Read from the parsed number, not its prefix: +1 876 is Jamaica, not the US. Unset: all. */
  allowedCountries?: string[];
  /** Countries whose numbers are refused (ISO codes), checked after `allowedCountries`. */
  deniedCountries?: string[];
  /** Number types (libphonenumber-js `getType()`, or 'UNKNOWN') refused: premium rate and shared cost are what SMS
   * pumping targets. @defaultValue ['PREMIUM_RATE', 'SHARED_COST', 'PERSONAL_NUMBER', 'UNKNOWN'] */
  refusedNumberTypes?: RefusedNumberType[];
  /** All sends together: the budget that stops SMS pumping from many addresses; trips with a loud error log.
   * @defaultValue { perHour: 1000, perDay: 10000 } */
  sendBudget?: { perHour: number; perDay: number };
  /** Sends per country per hour (`{ default, perCountry: { US: 5000 } }`). @defaultValue { default: 300 } */
  countryBudget?: { default: number; perCountry?: Record<string, number> };
  /** Sends to numbers sharing all but their last `digits` digits, per window: many neighbouring numbers in a short
   * time is the pumping signature. Above what one number's own sends reach in an hour (its doubling cooldown allows
   * about 6). @defaultValue { digits: 2, limit: 10, windowSeconds: 3600 } */
  prefixVelocity?: { digits: number; limit: number; windowSeconds: number };
  /** Runs before every send (and resend), after the recipient is parsed: throw an `OtpError` to refuse (a risk
   * score, an allow-list of known users). */
  beforeSend?: (event: BeforeSendEvent) => void | Promise<void>;
  /**
   * A bot check on every send and resend: the request's `botToken` (from a Turnstile, hCaptcha or reCAPTCHA widget)
   * is checked with the service before any limit is counted or the provider is called. Missing or refused: 403
   * `bot_check_failed`. `turnstile({ secret })`, `hcaptcha(…)`, `recaptcha(…)` from `@otpkit/bff/bot-checks`, or
   * your own `BotCheck`; `{ verify, whenUnavailable }` to choose what a timeout or an outage of the service means.
   */
  botCheck?: BotCheck | BotCheckOptions;
  /** Numbers (E.164) that accept a fixed code and never reach the provider: for app-store review and smoke tests.
   * Each send to one is logged as such. `{ '+15005550006': '123456' }` */
  testNumbers?: Record<string, string>;
  /** Origins allowed besides the request's own. */
  allowedOrigins?: string[];
  /** Accept e-mail addresses in `to`. @defaultValue false */
  allowEmail?: boolean;
  /** Upstream timeout in ms. @defaultValue 8000 */
  timeoutMs?: number;
  /** Proof lifetime in seconds. @defaultValue 600 */
  proofTtlSeconds?: number;
  /**
   * The purposes this server verifies for, each with its own policy over the options above (e.g.
   * `{ 'sign-in': {}, 'change-phone': { maxAttempts: 3, proofTtlSeconds: 120 } }`). The browser names one on send;
   * the proof carries it, and `verifyProof` / `consumeProof` refuse a proof of another purpose. A send that names
   * none is for the purpose `default` (refused with 400 unless declared here).
   * @defaultValue one implicit purpose, `default`
   */
  purposes?: Record<string, PurposeOptions>;
  /**
   * Proof signing keys as JWKs, newest first: the first signs (it needs its private part), every one verifies and
   * is published by `jwks()`, so a retired key keeps verifying its proofs until they expire. Ed25519 (`OKP`,
   * EdDSA) or P-256 (`EC`, ES256). @defaultValue an Ed25519 key derived from `secret` (same secret, same key)
   */
  proofKeys?: ProofKey[];
  /** The proofs' `iss`; `verifyProof` then requires it. */
  proofIssuer?: string;
  /** The proofs' `aud`; `verifyProof` then requires it. */
  proofAudience?: string | string[];
  /** Receives a typed event for every step (send requested, sent, refused, verify wrong / right / expired /
   * locked, resent, proof consumed, delivery reports). Events carry masked recipients only, never a code, a secret
   * or a provider message id. Not awaited; a throw is logged and never breaks a request. */
  onEvent?: OtpEventListener;
  /** Runs after a successful verify, before the response. `request` is absent when the flow was called through
   * `otp.api` without one. */
  onVerified?: (event: { to: string; request?: Request | undefined }) => void | Promise<void>;
  /** Where the handler reports what an operator must act on (outages, bad credentials, bugs) and, at `info`, each
   * step. @defaultValue console, quiet on info */
  logger?: OtpLogger;
  /** Clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

/** A bot check with its outage policy. */
export interface BotCheckOptions {
  verify: BotCheck;
  /** When the service times out, answers 5xx or something unreadable: `'refuse'` the send (503
   * `provider_unavailable`: a bot cannot slip through an outage) or `'allow'` it unchecked, with a warning in the
   * log (the OTP's own limits still apply). @defaultValue 'refuse' */
  whenUnavailable?: 'refuse' | 'allow';
}

/** One purpose's policy; unset fields take the handler's option of the same name. */
export interface PurposeOptions {
  codeTtlSeconds?: number;
  maxAttempts?: number;
  proofTtlSeconds?: number;
}

/** A configured proof key: `privateJwk` to sign (and verify), or only `publicJwk` for a retired key that still
 * verifies. */
export interface ProofKey {
  kid: string;
  privateJwk?: JsonWebKey;
  publicJwk?: JsonWebKey;
}

/** The public keys that check proofs, as served on `GET …/jwks`. */
export interface ProofJwks {
  keys: ProofPublicJwk[];
}

/** The claims of a genuine proof (the JWT's `sub`, `jti`, `purpose`, `iat`, `exp`), times in epoch ms. */
export interface VerifiedProof {
  /** The verified recipient (full, server-side). */
  to: string;
  verificationId: string;
  purpose: string;
  /** Epoch ms (whole seconds: JWT times are seconds). */
  verifiedAt: number;
  expiresAt: number;
}

export interface ProofCheckOptions {
  /** The purpose the proof must be for. @defaultValue 'default' */
  purpose?: string;
}

/** A verification's delivery as the provider's callbacks reported it; `pending` before any report. */
export type VerificationDelivery = 'pending' | 'sent' | 'delivered' | 'failed';

/** A number type that may be refused (libphonenumber-js's names, and 'UNKNOWN'). */
export type RefusedNumberType =
  | 'PREMIUM_RATE'
  | 'SHARED_COST'
  | 'PERSONAL_NUMBER'
  | 'VOIP'
  | 'TOLL_FREE'
  | 'UAN'
  | 'PAGER'
  | 'VOICEMAIL'
  | 'FIXED_LINE'
  | 'MOBILE'
  | 'FIXED_LINE_OR_MOBILE'
  | 'UNKNOWN';

export interface BeforeSendEvent {
  /** The canonical recipient (E.164, or the mailbox's canonical address). */
  to: string;
  kind: 'phone' | 'email';
  /** ISO country of a phone number ('001' non-geographic). */
  country?: string | undefined;
  /** libphonenumber-js's type of a phone number. */
  type?: string | undefined;
  purpose: string;
  resend: boolean;
  clientIp?: string | undefined;
  request?: Request | undefined;
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
  /** The code's delivery as the provider's reports tell it (`unknown` where the server reads none). */
  status(input: StatusRequest, context?: RequestContext): Promise<StatusResponse>;
}

export interface OtpHandler {
  /** The HTTP contract: `POST …/send | …/verify | …/resend` -> the contract's JSON. Never throws.
   * `context.clientIp` is the socket address, given by the adapter (a Web Request does not carry it). */
  handle(request: Request, context?: Omit<RequestContext, 'request'>): Promise<Response>;
  /** The same flow without HTTP. */
  api: OtpApi;
  /** Checks a proof from a successful verify, read-only (it stays valid). Resolves the claims, or null when
   * tampered, malformed, expired, signed by an unknown key, or for another purpose. */
  verifyProof(proof: string, options?: ProofCheckOptions): Promise<VerifiedProof | null>;
  /** Accepts a proof once: the claims the first time, null after that (on every instance sharing the store) and
   * for anything `verifyProof` refuses. Rejects when the store is unavailable. */
  consumeProof(proof: string, options?: ProofCheckOptions): Promise<VerifiedProof | null>;
  /** The public keys that check proofs (a JWKS), as `GET …/jwks` serves them. */
  jwks(): Promise<ProofJwks>;
  /** What the provider's delivery callbacks said about a verification; null for an unknown id. */
  deliveryStatus(verificationId: string): Promise<VerificationDelivery | null>;
}
