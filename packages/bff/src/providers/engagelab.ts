import type { Channel } from '../contract.js';
import { type EngageLabCallbackOptions, engagelabDeliveryReports } from './engagelab-callbacks.js';
import {
  basicAuth,
  type ErrorRow,
  type FetchLike,
  type HostedCodeProvider,
  isObject,
  type LocalCodeProvider,
  matchLocale,
  OtpError,
  type OtpProvider,
  type ProviderSendInput,
  platformFetch,
  postJson,
  providerError,
  unreadable,
} from './kit.js';

/** EngageLab's template languages. */
export type EngageLabLanguage = 'default' | 'zh_CN' | 'zh_HK' | 'en' | 'ja' | 'th' | 'es';

export interface EngageLabOptions {
  devKey: string;
  /** Sent only in the Authorization header of server-side requests. */
  devSecret: string;
  /** The OTP template to send. Server configuration, never taken from the browser. */
  templateId: string;
  /** Template language when the browser asks for none, or for one the template lacks. @defaultValue 'default' */
  language?: EngageLabLanguage;
  /** Values for the template's custom `{{vars}}` (a var left out is sent literally as `{{var}}`). */
  params?: Record<string, string>;
  /** @defaultValue 'https://otp.api.engagelab.cc' */
  baseUrl?: string;
  /** The template's `verify_code_len` in 'platform' mode; the length the BFF generates in 'custom' mode.
   * @defaultValue 6 */
  codeLength?: number;
  /** 'platform': EngageLab generates and checks the code (/v1/messages, /v1/verifications). 'custom': the BFF
   * generates and checks it, EngageLab only delivers it (/v1/codes). @defaultValue 'platform' */
  mode?: 'platform' | 'custom';
  /** @defaultValue globalThis.fetch */
  fetch?: FetchLike;
  /** Delivery callbacks: point EngageLab's callback URL (console) at `…/callbacks`; each signed report becomes a
   * `delivery` event and the delivery state of its verification (`otp.deliveryStatus`). */
  callbacks?: EngageLabCallbackOptions;
}

const NAME = 'EngageLab';

/**
 * EngageLab error codes (error tables of the Verify OTP and Custom OTP Code Delivery pages) -> the contract.
 * Send and verify share it; VERIFY_ERRORS overrides the codes that mean something else on /v1/verifications.
 */
const ERRORS: Record<string, ErrorRow> = {
  // "Internal error" (HTTP 500), retryable later: the user can try again.
  1000: ['provider_unavailable', 'internal error'],
  // Credentials, permissions and malformed requests are our configuration or our bug: the user cannot fix them.
  2001: ['provider_error', 'authentication failed (wrong dev key or secret)'],
  2002: ['provider_error', 'authentication failed (key expired or disabled)'],
  2004: ['provider_error', 'no permission to call this API'],
  3001: ['provider_error', 'request body is not valid JSON'],
  3002: ['provider_error', 'invalid request parameters'],
  // On send, "related business validation failed" (the verify meaning is in VERIFY_ERRORS).
  3003: ['provider_error', 'business validation failed'],
  // "For the same template and the same target user, delivery cannot be made again within the verification code
  // validity period": the provider's own frequency limit. It gives no wait; send() adds the longest a code can
  // still be valid (the template's lifetime).
  3004: ['rate_limited', 'a code for this recipient is still valid'],
  // "Verification code expired" (Verify table only; listed here too in case a send ever returns it).
  3011: ['expired', 'verification code expired'],
  // On send: the template does not exist, a configuration error.
  4001: ['provider_error', 'template not found'],
  // The recipient cannot get this message now; the user can fix it (another number, unblock) or not at all.
  5001: ['undeliverable', 'sending failed'],
  5011: ['invalid_phone', 'invalid phone number format'],
  5012: ['undeliverable', 'target unreachable'],
  5013: ['undeliverable', 'number blacklisted'],
  // Our template's content was refused: configuration.
  5014: ['provider_error', 'template content does not comply with specifications'],
  // The carrier intercepted or rejected this message to this recipient.
  5015: ['undeliverable', 'message intercepted or rejected'],
  // "Internal sending error", retryable: a provider-side failure.
  5016: ['provider_unavailable', 'internal sending error'],
  // The account may not send to mainland China: configuration (or a country allow-list to set up).
  5017: ['provider_error', 'no sending permission for mainland China'],
  5018: ['undeliverable', 'phone powered off or service suspended'],
  5019: ['undeliverable', 'recipient unsubscribed'],
  5020: ['invalid_phone', 'number not registered or invalid'],
};

const VERIFY_ERRORS: Record<string, ErrorRow> = {
  ...ERRORS,
  // "Verification code has expired or has been verified": the flow tells the two apart from its own record
  // (HostedCodeProvider.verify), so 'expired' here.
  3003: ['expired', 'code expired or already verified'],
  3011: ['expired', 'verification code expired'],
  // "The message does not exist". The browser never holds message ids (only our record does), so our record
  // points at a message the provider no longer knows (purged after its lifetime, or a different account):
  // for the user the code is gone, which is what 'expired' says; they must request a new one.
  4001: ['expired', 'message not found'],
};

const CHANNELS = new Set<string>(['sms', 'whatsapp', 'email', 'voice']);

/** BCP 47 (lower case, see matchLocale) -> the template language. Traditional Chinese of Taiwan and Macau reads
 * best in the zh_HK template; every other Chinese in zh_CN. */
const LANGUAGES: Record<string, EngageLabLanguage> = {
  zh: 'zh_CN',
  'zh-cn': 'zh_CN',
  'zh-sg': 'zh_CN',
  'zh-hans': 'zh_CN',
  'zh-hk': 'zh_HK',
  'zh-tw': 'zh_HK',
  'zh-mo': 'zh_HK',
  'zh-hant': 'zh_HK',
  en: 'en',
  ja: 'ja',
  th: 'th',
  es: 'es',
  default: 'default',
};

/** EngageLab OTP (https://otp.api.engagelab.cc), with platform-generated codes or codes the BFF generates. */
export function engagelab(options: EngageLabOptions & { mode: 'custom' }): LocalCodeProvider;
export function engagelab(options: EngageLabOptions & { mode?: 'platform' | undefined }): HostedCodeProvider;
export function engagelab(options: EngageLabOptions): OtpProvider;
export function engagelab(options: EngageLabOptions): OtpProvider {
  const { devKey, devSecret, templateId, mode = 'platform', codeLength = 6 } = options;
  for (const [key, value] of Object.entries({ devKey, devSecret, templateId })) {
    if (typeof value !== 'string' || value === '') throw new TypeError(`engagelab(): \`${key}\` is required.`);
  }
  if (mode !== 'platform' && mode !== 'custom') throw new TypeError("engagelab(): `mode` is 'platform' or 'custom'.");
  // The template's verify_code_len is 4-10.
  if (!Number.isInteger(codeLength) || codeLength < 4 || codeLength > 10) {
    throw new TypeError('engagelab(): `codeLength` must be an integer from 4 to 10.');
  }
  const baseUrl = (options.baseUrl ?? 'https://otp.api.engagelab.cc').replace(/\/+$/, '');
  const fetch = options.fetch ?? platformFetch;
  const headers = { authorization: basicAuth(devKey, devSecret) };

  async function call(path: string, body: unknown, signal: AbortSignal, errors: Record<string, ErrorRow>) {
    const { status, body: reply } = await postJson({
      provider: NAME,
      fetch,
      url: `${baseUrl}${path}`,
      headers,
      body,
      signal,
    });
    // Failures are "HTTP 4xx or 5xx" with `{code: int, message}`.
    if (status >= 200 && status < 300 && isObject(reply)) return reply;
    if (status >= 400 && isObject(reply) && Number.isInteger(reply.code)) {
      throw providerError(NAME, errors, reply.code as number, status);
    }
    throw unreadable(NAME, status);
  }

  async function deliver(path: '/v1/messages' | '/v1/codes', body: Record<string, unknown>, input: ProviderSendInput) {
    const template = {
      id: templateId,
      language: matchLocale(input.locale, LANGUAGES) ?? options.language ?? 'default',
      params: options.params,
    };
    let reply: Record<string, unknown>;
    try {
      reply = await call(path, { ...body, to: input.to, template }, input.signal, ERRORS);
    } catch (error) {
      // 3004 carries no wait: a code sent before is valid at most one template lifetime more.
      if (error instanceof OtpError && error.code === 'rate_limited' && error.retryAfter === undefined) {
        throw new OtpError('rate_limited', { message: error.message, retryAfter: input.ttlSeconds });
      }
      throw error;
    }
    const { message_id, send_channel } = reply;
    if (typeof message_id !== 'string' || message_id === '') throw unreadable(NAME, 200);
    // send_channel is "the channel currently in use" (whatsapp|sms|email|voice). A value outside that list is
    // not worth failing a send that already went out for; report 'sms', the default strategy.
    const channel = (typeof send_channel === 'string' && CHANNELS.has(send_channel) ? send_channel : 'sms') as Channel;
    return { messageId: message_id, channel };
  }

  const common = {
    ...(options.callbacks ? { deliveryReports: engagelabDeliveryReports(options.callbacks) } : {}),
    name: mode === 'custom' ? 'engagelab-custom' : 'engagelab',
    // 3004 for the same template and recipient while a code is valid, in both modes (both endpoints list it).
    resend: 'blocked-while-valid',
    codeLength,
  } as const;

  if (mode === 'custom') {
    return { ...common, codeSource: 'local', send: (input) => deliver('/v1/codes', { code: input.code }, input) };
  }
  return {
    ...common,
    codeSource: 'provider',
    send: (input) => deliver('/v1/messages', {}, input),
    async verify({ messageId, code, signal }) {
      const reply = await call(
        '/v1/verifications',
        { message_id: messageId, verify_code: code },
        signal,
        VERIFY_ERRORS,
      );
      // A wrong code is HTTP 200 with `verified: false`.
      if (typeof reply.verified !== 'boolean') throw unreadable(NAME, 200);
      return reply.verified;
    },
  };
}
