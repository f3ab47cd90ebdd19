import type { Channel } from '../contract.js';
import { importHmacKey, toBase64, utf8 } from '../crypto.js';
import {
  type ErrorRow,
  type FetchLike,
  type HostedCodeProvider,
  isObject,
  platformFetch,
  postJson,
  providerError,
  unreadable,
} from './kit.js';

export interface UnimtxOptions {
  accessKeyId: string;
  /** Set when the key is in HMAC mode: every request is then signed with HMAC-SHA256. Server-side only. */
  accessKeySecret?: string;
  /** @defaultValue 'https://api.unimtx.com' */
  baseUrl?: string;
  /** Digits of the generated code, 4-8. @defaultValue 6 */
  codeLength?: number;
  /** Scenario label (max 36 characters) sent with both otp.send and otp.verify. */
  intent?: string;
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

/** UniMTX OTP (otp.send / otp.verify): UniMTX generates and checks the code; verify is by number + code. */
export function unimtx(options: UnimtxOptions): HostedCodeProvider {
  const { accessKeyId, accessKeySecret, intent, codeLength = 6 } = options;
  if (typeof accessKeyId !== 'string' || accessKeyId === '')
    throw new TypeError('unimtx(): `accessKeyId` is required.');
  if (!Number.isInteger(codeLength) || codeLength < 4 || codeLength > 8) {
    throw new TypeError('unimtx(): `codeLength` must be an integer from 4 to 8.');
  }
  if (intent !== undefined && (intent === '' || intent.length > 36)) {
    throw new TypeError('unimtx(): `intent` must be 1-36 characters.');
  }
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

  return {
    name: 'unimtx',
    codeSource: 'provider',
    // otp.send replaces the recipient's previous code: the cooldown alone paces resends.
    resend: 'new-code',
    codeLength,

    async send({ to, ttlSeconds, signal }) {
      const data = await call('otp.send', { to, digits: codeLength, ttl: ttlSeconds, intent }, signal);
      if (typeof data.id !== 'string' || data.id === '') throw unreadable(NAME, 200);
      // otp.send documents no channel in its reply; 'auto' is "SMS first".
      const channel: Channel = data.channel === 'whatsapp' ? 'whatsapp' : data.channel === 'call' ? 'voice' : 'sms';
      return { messageId: data.id, channel };
    },

    async verify({ to, code, ttlSeconds, signal }) {
      // ttl on verify is what bounds an auto-generated code ("Only applicable to automatically generated OTP
      // codes"), so it must match the lifetime the BFF announced.
      const data = await call('otp.verify', { to, code, ttl: ttlSeconds, intent }, signal);
      if (typeof data.valid !== 'boolean') throw unreadable(NAME, 200);
      return data.valid;
    },
  };
}
