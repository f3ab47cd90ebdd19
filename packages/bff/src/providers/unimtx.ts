import type { Channel } from '../contract.js';
import { importHmacKey, toBase64, utf8 } from '../crypto.js';
import {
  type ErrorRow,
  type FetchLike,
  type HostedCodeProvider,
  isObject,
  type LocalCodeProvider,
  matchLocale,
  type OtpProvider,
  type ProviderSendInput,
  platformFetch,
  postJson,
  providerError,
  unreadable,
} from './kit.js';

/** otp.send's `channel`: `auto` is "SMS takes priority over other channels". */
export type UnimtxChannel = 'sms' | 'call' | 'whatsapp' | 'auto';

export interface UnimtxOptions {
  accessKeyId: string;
  /** Set when the key is in HMAC mode: every request is then signed with HMAC-SHA256. Server-side only. */
  accessKeySecret?: string;
  /** @defaultValue 'https://api.unimtx.com' */
  baseUrl?: string;
  /** Digits of the code, 4-8 (otp.send's `digits`, or the length the BFF generates in 'custom' mode).
   * @defaultValue 6 */
  codeLength?: number;
  /** Scenario label (max 36 characters) sent with both otp.send and otp.verify, e.g. 'login' or 'signup'. Use one
   * provider (and handler) per purpose to keep their codes apart. */
  /** UniMTX's `intent`: one label for every message, or one per purpose (`{ 'sign-in': 'login', default: 'otp' }`;
   * a purpose without an entry uses `default`, else none). 1-36 characters each. */
  intent?: string | Record<string, string>;
  /** otp.send's `channel`. @defaultValue 'auto' */
  channel?: UnimtxChannel;
  /**
   * The message template per language, by BCP 47 tag (`{ en: 'tpl-en', 'zh-CN': 'tpl-zh' }`), matched to the
   * browser's locale like every provider does (whole tag, then shorter prefixes; `default` when nothing matches).
   * otp.send has no language field: the language lives in the template, passed as `templateId` (a field of the
   * official SDKs' OtpSendParams, not of the docs' table). Unset: the account's default template.
   */
  templates?: Readonly<Record<string, string>>;
  /** The SMS sender name (`signature`, an SDK field like `templateId`). Unset: the account's default. */
  signature?: string;
  /** 'provider': UniMTX generates and checks the code (otp.send, otp.verify). 'custom': the BFF generates and
   * checks it and otp.send only delivers it (its `code` field, with `ttl`). @defaultValue 'provider' */
  mode?: 'provider' | 'custom';
  /** @defaultValue globalThis.fetch */
  fetch?: FetchLike;
}

const NAME = 'UniMTX';

/**
 * UniMTX error codes -> the contract. Only 104001 is documented on the OTP pages; the rest is the vendor's shared
 * error table. Codes are strings ("104001").
 */
const ERRORS: Record<string, ErrorRow> = {
  // Provider-side failures the user can retry later.
  '101000': ['provider_unavailable', 'internal error'],
  '101301': ['provider_unavailable', 'no upstream configured'],
  '101303': ['provider_unavailable', 'no upstream available'],
  // The browser's input is validated before we call, so a params error is our bug or our configuration.
  '104001': ['provider_error', 'missing params'],
  '104002': ['provider_error', 'invalid params'],
  '104003': ['provider_error', 'restricted params'],
  // Credentials and account: configuration the operator must fix.
  '104110': ['provider_error', 'missing access key id'],
  '104111': ['provider_error', 'invalid access key id'],
  '104201': ['provider_error', 'invalid signature (check the access key secret)'],
  '104202': ['provider_error', 'signature timestamp out of range (server clock off by more than 10 minutes?)'],
  '105001': ['provider_error', 'unauthorized'],
  '105100': ['provider_error', 'IP restricted'],
  '105400': ['provider_error', 'insufficient funds'],
  // The console's "SMS Rate Limiting" extension (per number per minute/hour/day). LimitExceed carries no wait;
  // the extension counts per minute at the finest, so a minute is an honest one.
  '105300': ['rate_limited', 'rate limit exceeded', 60],
  '107111': ['invalid_phone', 'invalid phone number'],
  // Sender name (signature) and template setup: configuration.
  '107120': ['provider_error', 'missing SMS signature'],
  '107121': ['provider_error', 'SMS signature does not exist'],
  '107122': ['provider_error', 'invalid SMS signature'],
  '107123': ['provider_error', 'restricted SMS signature'],
  '107141': ['provider_error', 'SMS template does not exist'],
  '107143': ['provider_error', 'missing SMS template data'],
  '107144': ['provider_error', 'invalid SMS template data'],
  '107145': ['provider_error', 'restricted SMS template'],
};

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * UniMTX's string to sign: every query parameter except `signature`, sorted by key, as `k=encodeURIComponent(v)`
 * joined by `&`. The docs stop mid-step; the rest follows the official Node SDK (`client.js`). The body is not
 * signed.
 */
export function unimtxStringToSign(params: URLSearchParams): string {
  return [...params]
    .filter(([k]) => k !== 'signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
}

/** base64(HMAC-SHA256(accessKeySecret, string to sign)); the simulator checks requests with the same function. */
export async function unimtxSignature(key: CryptoKey, params: URLSearchParams): Promise<string> {
  return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(unimtxStringToSign(params)))));
}

/**
 * Adds UniMTX's HMAC-SHA256 signature to a query: `algorithm`, `timestamp` (ms), `nonce`, then `signature`. The
 * Node SDK and the docs use a ms timestamp and a base64 digest; the Go and Python SDKs' seconds + hex disagree.
 */
export async function signUnimtxQuery(
  query: Record<string, string>,
  key: CryptoKey,
  timestamp: number,
  nonce: string,
): Promise<URLSearchParams> {
  const params = new URLSearchParams({ ...query, algorithm: 'hmac-sha256', timestamp: String(timestamp), nonce });
  // URLSearchParams URL-encodes the base64 (+ / =) when serialised.
  params.set('signature', await unimtxSignature(key, params));
  return params;
}

const CHANNELS = new Set<string>(['sms', 'call', 'whatsapp', 'auto']);

/** UniMTX OTP (otp.send / otp.verify): UniMTX generates and checks the code (verify is by number + code), or in
 * 'custom' mode delivers the code the BFF generated. */
export function unimtx(options: UnimtxOptions & { mode: 'custom' }): LocalCodeProvider;
export function unimtx(options: UnimtxOptions & { mode?: 'provider' | undefined }): HostedCodeProvider;
export function unimtx(options: UnimtxOptions): OtpProvider;
export function unimtx(options: UnimtxOptions): OtpProvider {
  const {
    accessKeyId,
    accessKeySecret,
    intent,
    signature,
    codeLength = 6,
    channel = 'auto',
    mode = 'provider',
  } = options;
  if (typeof accessKeyId !== 'string' || accessKeyId === '')
    throw new TypeError('unimtx(): `accessKeyId` is required.');
  if (!Number.isInteger(codeLength) || codeLength < 4 || codeLength > 8) {
    throw new TypeError('unimtx(): `codeLength` must be an integer from 4 to 8.');
  }
  const intents = typeof intent === 'string' ? { default: intent } : (intent ?? {});
  for (const label of Object.values(intents)) {
    if (typeof label !== 'string' || label === '' || label.length > 36) {
      throw new TypeError('unimtx(): `intent` must be 1-36 characters.');
    }
  }
  // The label of a purpose: its own, else the default one (a single string is everyone's default).
  const intentOf = (purpose: string | undefined) => (purpose && intents[purpose]) ?? intents.default;
  if (!CHANNELS.has(channel)) throw new TypeError("unimtx(): `channel` is 'sms', 'call', 'whatsapp' or 'auto'.");
  if (mode !== 'provider' && mode !== 'custom') throw new TypeError("unimtx(): `mode` is 'provider' or 'custom'.");
  // matchLocale reads lower-case keys.
  const templates = Object.fromEntries(
    Object.entries(options.templates ?? {}).map(([tag, id]) => [tag.replace(/_/g, '-').toLowerCase(), id]),
  );
  const baseUrl = (options.baseUrl ?? 'https://api.unimtx.com').replace(/\/+$/, '');
  const fetch = options.fetch ?? platformFetch;
  // Imported once, lazily; the secret itself goes nowhere but into this key.
  let key: Promise<CryptoKey> | undefined;

  async function call(action: 'otp.send' | 'otp.verify', body: Record<string, unknown>, signal: AbortSignal) {
    let query = new URLSearchParams({ action, accessKeyId });
    if (accessKeySecret) {
      key ??= importHmacKey(utf8(accessKeySecret));
      const nonce = hex(crypto.getRandomValues(new Uint8Array(16)));
      query = await signUnimtxQuery({ action, accessKeyId }, await key, Date.now(), nonce);
    }
    const { status, body: reply } = await postJson({
      provider: NAME,
      fetch,
      url: `${baseUrl}/?${query}`,
      body,
      signal,
    });
    // Branch on the envelope's `code` (a string; "0" is success), not on the HTTP status.
    if (!isObject(reply) || (typeof reply.code !== 'string' && typeof reply.code !== 'number')) {
      throw unreadable(NAME, status);
    }
    if (reply.code !== '0') throw providerError(NAME, ERRORS, reply.code, status);
    if (!isObject(reply.data)) throw unreadable(NAME, status);
    return reply.data;
  }

  async function deliver(input: ProviderSendInput, code: string | undefined) {
    const templateId = matchLocale(input.locale, templates) ?? templates.default;
    // The browser's channel in UniMTX's words (a voice call is `call`), else the configured one.
    const asked = input.channel === undefined ? channel : input.channel === 'voice' ? 'call' : input.channel;
    const data = await call(
      'otp.send',
      {
        to: input.to,
        // `digits` is for a generated code; a custom one carries its own length.
        ...(code === undefined ? { digits: codeLength } : { code }),
        // "Time-to-live for custom code": a generated code's lifetime is otp.verify's ttl (sent there too).
        ttl: input.ttlSeconds,
        intent: intentOf(input.purpose),
        channel: asked,
        templateId,
        signature,
      },
      input.signal,
    );
    if (typeof data.id !== 'string' || data.id === '') throw unreadable(NAME, 200);
    return { messageId: data.id, channel: reportedChannel(data.channel, asked) };
  }

  /** otp.send documents no channel in its reply: report the one asked for ('auto' is "SMS first"). */
  function reportedChannel(answered: unknown, asked: string): Channel {
    const used = typeof answered === 'string' && CHANNELS.has(answered) ? answered : asked;
    return used === 'whatsapp' ? 'whatsapp' : used === 'call' ? 'voice' : 'sms';
  }

  const common = {
    // otp.send replaces the recipient's previous code: the cooldown alone paces resends.
    resend: 'new-code',
    codeLength,
    // otp.send's `channel` takes each of these per request.
    channels: ['sms', 'voice', 'whatsapp'],
  } as const;

  if (mode === 'custom') {
    return { ...common, name: 'unimtx-custom', codeSource: 'local', send: (input) => deliver(input, input.code) };
  }
  return {
    ...common,
    name: 'unimtx',
    codeSource: 'provider',
    send: (input) => deliver(input, undefined),

    async verify({ to, code, ttlSeconds, purpose, signal }) {
      // ttl on verify is what bounds an auto-generated code ("Only applicable to automatically generated OTP
      // codes"), so it must match the lifetime the BFF announced.
      // The same intent as the send: UniMTX keeps one code per number and intent.
      const data = await call('otp.verify', { to, code, ttl: ttlSeconds, intent: intentOf(purpose) }, signal);
      if (typeof data.valid !== 'boolean') throw unreadable(NAME, 200);
      return data.valid;
    },
  };
}
