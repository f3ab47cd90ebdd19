import type { Channel } from '../contract.js';
import {
  basicAuth,
  type ErrorRow,
  type FetchLike,
  type HostedCodeProvider,
  isObject,
  matchLocale,
  OtpError,
  platformFetch,
  postForm,
  providerError,
  unreadable,
} from './kit.js';

/** Twilio Verify channels this provider starts verifications on (e-mail recipients always go by `email`). */
export type TwilioChannel = 'sms' | 'call' | 'whatsapp';

interface TwilioCommon {
  /** The account (AC…): for error messages and the simulator; Verify's URLs do not carry it. */
  accountSid: string;
  /** The Verify Service (VA…) whose settings (code length, lifetime, templates) apply. */
  serviceSid: string;
  /** @defaultValue 'sms' */
  channel?: TwilioChannel;
  /** The Service's code length (4-10). @defaultValue 6 */
  codeLength?: number;
  /** @defaultValue 'https://verify.twilio.com' */
  baseUrl?: string;
  /** @defaultValue globalThis.fetch */
  fetch?: FetchLike;
}

/** Twilio Verify credentials: the account's Auth Token, or an API key (SK…) and its secret (recommended). */
export type TwilioOptions = TwilioCommon &
  (
    | { authToken: string; apiKey?: undefined; apiSecret?: undefined }
    | { apiKey: string; apiSecret: string; authToken?: undefined }
  );

const NAME = 'Twilio Verify';

/**
 * Twilio error codes (twilio.com/docs/api/errors) -> the contract, for starting a verification. A `rate_limited`
 * row without a wait gets the code lifetime in send(): Twilio says to wait until the verification expires.
 */
const SEND_ERRORS: Record<string, ErrorRow> = {
  // "Authenticate": wrong Account SID / Auth Token or API key: configuration.
  20003: ['provider_error', 'authentication failed (check the Account SID and Auth Token or API key)'],
  // On start: the Service does not exist, or (per the Supported Languages page) a Locale it does not support.
  20404: ['provider_error', 'Verify Service not found, or unsupported locale'],
  // Twilio's API concurrency limit for the account, not this user's doing: retry shortly.
  20429: ['provider_unavailable', 'too many requests to the Twilio API'],
  // "Invalid parameter": the one parameter that comes from the user is `To` (our own are checked at start-up).
  60200: ['invalid_phone', 'invalid parameter (the number)'],
  // Max check attempts on the live verification: a new one can only start when it expires.
  60202: ['rate_limited', 'max check attempts reached'],
  // "Max send attempts reached": more than 5 sends without a completed check, until the verification expires.
  60203: ['rate_limited', 'max send attempts reached'],
  // "Landline not supported by SMS": the number cannot get this channel.
  60205: ['undeliverable', 'SMS is not supported by this landline number'],
  60212: ['rate_limited', 'too many concurrent requests for this number', 60],
  // The channel is not enabled on the Service: configuration.
  60223: ['provider_error', 'delivery channel disabled on the Service'],
  // Fraud Guard / geo permissions: Twilio refuses this prefix or country by policy. 'forbidden', not
  // 'undeliverable', so that failover() does not hand an SMS-pumping attempt to the next provider.
  60410: ['forbidden', 'delivery blocked for this number prefix (fraud protection)'],
  60605: ['forbidden', "delivery blocked by the Service's geo permissions"],
};

/** For VerificationCheck: 20404 and 60202 mean the code can no longer be used. */
const CHECK_ERRORS: Record<string, ErrorRow> = {
  ...SEND_ERRORS,
  // "Twilio deletes the verification SID once it's expired, approved, or max attempts reached": the flow tells
  // expired from already verified by its own record.
  20404: ['expired', 'verification not found (expired, approved or canceled)'],
  60200: ['provider_error', 'invalid parameter (code or verification sid)'],
  60202: ['too_many_attempts', 'max check attempts reached'],
};

/** The Locale values of the Create Verification reference. (`pr-BR` there is a typo for pt-BR, which the
 * Supported Languages page lists.) */
const LOCALES = [
  'af',
  'ar',
  'ca',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'en-GB',
  'es',
  'fi',
  'fr',
  'he',
  'hi',
  'hr',
  'hu',
  'id',
  'it',
  'ja',
  'ko',
  'ms',
  'nb',
  'nl',
  'pl',
  'pt',
  'pt-BR',
  'ro',
  'ru',
  'sv',
  'th',
  'tl',
  'tr',
  'vi',
  'zh',
  'zh-CN',
  'zh-HK',
] as const;
export type TwilioLocale = (typeof LOCALES)[number];

/** BCP 47 (lower case) -> Twilio's Locale. English outside the US reads en-GB; Traditional Chinese zh-HK. */
const LANGUAGES: Record<string, TwilioLocale> = {
  ...Object.fromEntries(LOCALES.map((l) => [l.toLowerCase(), l])),
  'en-us': 'en',
  'en-au': 'en-GB',
  'en-ie': 'en-GB',
  'en-nz': 'en-GB',
  'en-in': 'en-GB',
  'en-sg': 'en-GB',
  'en-za': 'en-GB',
  'zh-sg': 'zh-CN',
  'zh-hans': 'zh-CN',
  'zh-hant': 'zh-HK',
  'zh-tw': 'zh-HK',
  'zh-mo': 'zh-HK',
  iw: 'he',
  no: 'nb',
  nn: 'nb',
  fil: 'tl',
  in: 'id',
};

/** Twilio's locale for a BCP 47 tag, or undefined (Twilio then picks one from the number's country). */
export const twilioLocale = (locale: string | undefined): TwilioLocale | undefined => matchLocale(locale, LANGUAGES);

const SID = (prefix: string) => new RegExp(`^${prefix}[0-9a-fA-F]{32}$`);
const CHANNELS = new Set<string>(['sms', 'call', 'whatsapp']);

/**
 * Twilio Verify (https://verify.twilio.com/v2): Twilio generates and checks the code. A resend within the code's
 * lifetime re-sends the same code under the same verification sid (`resend: 'same-code'`), so the flow keeps its
 * deadline and does not cancel it; `cancel()` ends a verification at Twilio (Status=canceled).
 */
export function twilio(options: TwilioOptions): HostedCodeProvider {
  const { accountSid, serviceSid, channel = 'sms', codeLength = 6 } = options;
  if (typeof accountSid !== 'string' || !SID('AC').test(accountSid)) {
    throw new TypeError('twilio(): `accountSid` must be an Account SID (AC followed by 32 hex digits).');
  }
  if (typeof serviceSid !== 'string' || !SID('VA').test(serviceSid)) {
    throw new TypeError('twilio(): `serviceSid` must be a Verify Service SID (VA followed by 32 hex digits).');
  }
  let user: string;
  let password: string;
  if (options.apiKey !== undefined) {
    if (!SID('SK').test(options.apiKey) || typeof options.apiSecret !== 'string' || options.apiSecret === '') {
      throw new TypeError('twilio(): `apiKey` (SK…) needs its `apiSecret`.');
    }
    [user, password] = [options.apiKey, options.apiSecret];
  } else {
    if (typeof options.authToken !== 'string' || options.authToken === '') {
      throw new TypeError('twilio(): `authToken`, or `apiKey` and `apiSecret`, is required.');
    }
    [user, password] = [accountSid, options.authToken];
  }
  if (!CHANNELS.has(channel)) throw new TypeError("twilio(): `channel` is 'sms', 'call' or 'whatsapp'.");
  // The Service's code_length is 4-10.
  if (!Number.isInteger(codeLength) || codeLength < 4 || codeLength > 10) {
    throw new TypeError('twilio(): `codeLength` must be an integer from 4 to 10.');
  }
  const base = `${(options.baseUrl ?? 'https://verify.twilio.com').replace(/\/+$/, '')}/v2/Services/${serviceSid}`;
  const fetch = options.fetch ?? platformFetch;
  const headers = { authorization: basicAuth(user, password) };

  async function call(path: string, body: Record<string, string>, signal: AbortSignal, errors: typeof SEND_ERRORS) {
    const { status, body: reply } = await postForm({
      provider: NAME,
      fetch,
      url: `${base}${path}`,
      headers,
      body,
      signal,
    });
    // Success is 200 (check, update) or 201 (create) with the resource; failure `{code, message, more_info, status}`.
    if (status >= 200 && status < 300 && isObject(reply)) return reply;
    if (status >= 400 && isObject(reply) && Number.isInteger(reply.code)) {
      throw providerError(NAME, errors, reply.code as number, status);
    }
    throw unreadable(NAME, status);
  }

  /** A `rate_limited` or `too_many_attempts` without a wait: until the verification can have expired. */
  function withWait(error: unknown, ttlSeconds: number): unknown {
    if (
      error instanceof OtpError &&
      (error.code === 'rate_limited' || error.code === 'too_many_attempts') &&
      error.retryAfter === undefined
    ) {
      return new OtpError(error.code, { message: error.message, retryAfter: ttlSeconds, cause: error.cause });
    }
    return error;
  }

  return {
    name: 'twilio',
    codeSource: 'provider',
    resend: 'same-code',
    codeLength,
    // Verify's `Channel` per request (a voice call is `call`); `email` only ever for an address (the flow checks).
    channels: ['sms', 'voice', 'whatsapp', 'email'],

    async send({ to, locale, ttlSeconds, signal, channel: asked }) {
      const email = to.includes('@');
      const phoneChannel = asked === undefined ? channel : asked === 'voice' ? 'call' : asked;
      const body: Record<string, string> = { To: to, Channel: email ? 'email' : phoneChannel };
      const mapped = twilioLocale(locale);
      // Verify Email takes no locale ("Verify Email and SNA channels don't support language translations").
      if (mapped !== undefined && !email) body.Locale = mapped;
      let reply: Record<string, unknown>;
      try {
        reply = await call('/Verifications', body, signal, SEND_ERRORS);
      } catch (error) {
        throw withWait(error, ttlSeconds);
      }
      if (typeof reply.sid !== 'string' || !SID('VE').test(reply.sid) || reply.status !== 'pending') {
        throw unreadable(NAME, 200);
      }
      const used: Channel =
        reply.channel === 'call'
          ? 'voice'
          : reply.channel === 'whatsapp' || reply.channel === 'email'
            ? reply.channel
            : 'sms';
      return { messageId: reply.sid, channel: used };
    },

    async verify({ messageId, code, ttlSeconds, signal }) {
      let reply: Record<string, unknown>;
      try {
        // By the verification's sid, not by `To`: `To` means "the number's latest pending verification".
        reply = await call('/VerificationCheck', { VerificationSid: messageId, Code: code }, signal, CHECK_ERRORS);
      } catch (error) {
        throw withWait(error, ttlSeconds);
      }
      // A wrong code is 200 with status 'pending'; a right one 'approved'.
      if (reply.status === 'approved') return true;
      if (reply.status === 'pending') return false;
      // canceled, expired, max_attempts_reached, deleted, failed: the code is no longer usable.
      if (typeof reply.status === 'string') throw new OtpError('expired', { message: `${NAME}: verification ended.` });
      throw unreadable(NAME, 200);
    },

    async cancel({ messageId, signal }) {
      try {
        await call(`/Verifications/${encodeURIComponent(messageId)}`, { Status: 'canceled' }, signal, CHECK_ERRORS);
      } catch (error) {
        // Already approved, expired or canceled: nothing left to cancel.
        if (error instanceof OtpError && error.code === 'expired') return;
        throw error;
      }
    },
  };
}
