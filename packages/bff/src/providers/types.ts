import type { Channel, Locale } from '../contract.js';

/** What every provider's send receives. */
export interface ProviderSendInput {
  /** E.164 number or e-mail address, already validated. */
  to: string;
  /** The browser's BCP 47 tag, if it sent one: the provider maps it to a language it has. */
  locale?: Locale | undefined;
  /** The code lifetime the BFF announces, for providers that take one per request. */
  ttlSeconds: number;
  codeLength: number;
  /** The verification's purpose ('default' when the handler declares none), for providers that label messages by
   * scenario (UniMTX's `intent`). */
  purpose?: string | undefined;
  /** The channel the browser asked for (one of the provider's `channels`); unset: the provider's default. */
  channel?: Channel | undefined;
  /** Aborts at the handler's `timeoutMs`. */
  signal: AbortSignal;
}

export interface ProviderSendResult {
  /** The provider's id for this message or verification. Server-side only: never sent to the browser or logged. */
  messageId: string;
  channel: Channel;
  /** The name of the provider that delivered, when it is not this one's own (a failover names the one that served). */
  servedBy?: string | undefined;
}

export interface ProviderVerifyInput {
  messageId: string;
  to: string;
  code: string;
  ttlSeconds: number;
  purpose?: string | undefined;
  signal: AbortSignal;
}

/** What a delivery report says of a message. */
export type DeliveryStatus = 'sent' | 'delivered' | 'failed';

/** One delivery report from a provider's callback, reduced to what the flow needs. */
export interface DeliveryReport {
  provider: string;
  messageId: string;
  /** The provider's status word, e.g. `delivered_failed` (the dedupe key). */
  providerStatus: string;
  status: DeliveryStatus;
  /** Full recipient as the provider reports it (masked before it reaches an event). */
  to?: string | undefined;
  channel?: string | undefined;
}

/** A provider's callback request, as the HTTP layer hands it over. */
export interface CallbackInput {
  headers: Headers;
  /** The body, read (bounded) and parsed only once the headers prove the request genuine. */
  body: () => Promise<unknown>;
  now: number;
}

export interface ProviderCancelInput {
  messageId: string;
  to: string;
  signal: AbortSignal;
}

/**
 * What the provider does with a second send to the same recipient while a code is still valid:
 * - `new-code`: sends a new code (UniMTX): the cooldown alone paces resends.
 * - `blocked-while-valid`: refuses it (EngageLab 3004: "delivery cannot be made again within the verification code
 *   validity period"): the BFF never promises a resend before the code expires.
 * - `same-code`: delivers the same code again within its validity (Twilio Verify): the new verification keeps the
 *   old one's deadline, and the old verification is not cancelled at the provider (that would kill the code).
 */
export type ResendBehaviour = 'new-code' | 'blocked-while-valid' | 'same-code';

interface ProviderBase {
  /** For log lines and error messages, e.g. 'engagelab'. */
  readonly name: string;
  /** Code length: the provider's (a template setting) or the one the BFF generates. 4-10. */
  readonly codeLength: number;
  readonly resend: ResendBehaviour;
  /** The channels a browser may ask for by name (`channel` on send and resend), mapped by the provider to its own.
   * Unset: none; a request that names a channel is refused with 422 channel_unavailable. */
  readonly channels?: readonly Channel[];
  /** Makes a superseded verification unusable at the provider, where it can (called after a resend). */
  cancel?(input: ProviderCancelInput): Promise<void>;
  /**
   * Reads the provider's delivery callbacks (`POST …/callbacks`, server to server). Resolves the reports, or null
   * when the request is not genuine (a missing, forged or stale signature: 401). Present only when configured.
   */
  deliveryReports?(input: CallbackInput): Promise<DeliveryReport[] | null>;
}

/** The BFF generates, hashes and checks the code; the provider only delivers it. */
export interface LocalCodeProvider extends ProviderBase {
  readonly codeSource: 'local';
  send(input: ProviderSendInput & { code: string }): Promise<ProviderSendResult>;
}

/** The provider generates and checks the code. */
export interface HostedCodeProvider extends ProviderBase {
  readonly codeSource: 'provider';
  send(input: ProviderSendInput): Promise<ProviderSendResult>;
  /**
   * Resolves true / false for a right / wrong code. Throws `OtpError('expired')` when the provider says the code
   * is no longer valid: the flow tells "expired" from "already verified" by its own record.
   */
  verify(input: ProviderVerifyInput): Promise<boolean>;
}

/**
 * One OTP provider (a discriminated union on `codeSource`). Implementations map every provider error to a complete
 * `OtpError` of the contract (a `rate_limited` always with its `retryAfter`) and never retry on their own: a
 * retried send can deliver a second SMS and a retried verify can burn an attempt. Write one with the helpers of
 * `@otpkit/bff/provider-kit`.
 */
export type OtpProvider = LocalCodeProvider | HostedCodeProvider;
