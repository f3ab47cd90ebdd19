import { randomCode } from '../crypto.js';
import { decodeBasic, json } from './faults.js';
import { pushBounded, setBounded, simulatorShell } from './shell.js';

export type TwilioPath = '/Verifications' | '/VerificationCheck' | '/Verifications/{Sid}';

/** HTTP status and message of the Twilio error codes the simulator answers (twilio.com/docs/api/errors). */
const ERRORS: Record<number, [status: number, message: string]> = {
  20003: [401, 'Authenticate'],
  20404: [404, 'The requested resource was not found'],
  20429: [429, 'Too Many Requests'],
  60200: [400, 'Invalid parameter'],
  60202: [429, 'Max check attempts reached'],
  60203: [429, 'Max send attempts reached'],
  60205: [400, 'SMS is not supported by landline phone number'],
  60212: [429, 'Too many concurrent requests for phone number'],
  60223: [400, 'Delivery channel disabled'],
  60410: [403, 'Verification delivery attempt blocked'],
  60605: [403, 'Verification delivery attempt blocked: geo permissions'],
};

/** The Locale values of the Create Verification reference (with pt-BR for its `pr-BR` typo). */
const LOCALES = new Set(
  'af ar ca cs da de el en en-GB es fi fr he hi hr hu id it ja ko ms nb nl pl pt pt-BR ro ru sv th tl tr vi zh zh-CN zh-HK'.split(
    ' ',
  ),
);
/** The Channel enum of the Verification resource; `channels` says which the Service has enabled. */
const KNOWN_CHANNELS = new Set(['sms', 'call', 'email', 'whatsapp', 'sna']);
const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A Twilio sid: two letters and 32 hex digits. */
const hexSid = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll('-', '')}`;

export interface SimulatedTwilioMessage {
  /** The verification sid (VE…) the message belongs to. */
  sid: string;
  to: string;
  code: string;
  channel: string;
  /** The Locale asked for, if any. */
  locale: string | undefined;
  /** 1 for the first message of a verification, 2+ for a resend of the same code. */
  attempt: number;
  /** Epoch ms (from the simulator's clock). */
  at: number;
}

export interface TwilioSimulatorOptions {
  /** @defaultValue a fixed AC… sid */
  accountSid?: string;
  /** @defaultValue a fixed 32-character token */
  authToken?: string;
  /** An API key (SK…) and secret that also authenticate. @defaultValue a fixed pair */
  apiKey?: string;
  apiSecret?: string;
  /** @defaultValue a fixed VA… sid */
  serviceSid?: string;
  /** The Service's code length. @defaultValue 6 */
  codeLength?: number;
  /** The Service's code lifetime ("10 minutes by default"). @defaultValue 600 */
  ttlSeconds?: number;
  /** Channels enabled on the Service (others of the enum: 60223). @defaultValue sms, call, email, whatsapp */
  channels?: readonly string[];
  /** Recipients whose sends fail with the given error code, e.g. `{ '+12065550000': 60205 }`. */
  undeliverable?: Record<string, number>;
  /** Clock in epoch ms. @defaultValue Date.now */
  now?: () => number;
  onSend?: (message: SimulatedTwilioMessage) => void;
}

interface Verification {
  sid: string;
  to: string;
  channel: string;
  code: string;
  status: 'pending' | 'approved' | 'canceled' | 'max_attempts_reached' | 'expired';
  createdAt: number;
  expiresAt: number;
  sends: { attempt_sid: string; channel: string; time: string }[];
  checks: number;
}

/** Twilio's limits: 5 check attempts and 5 send attempts per verification. */
const MAX_CHECKS = 5;
const MAX_SENDS = 5;

export type TwilioSimulator = ReturnType<typeof createTwilioSimulator>;

/**
 * A fake Twilio Verify v2 API (Verifications, VerificationCheck, update a Verification), as its reference says it
 * behaves: form-encoded bodies, Basic auth with the Auth Token or an API key, the same code and sid for a resend
 * within the lifetime, 5 checks and 5 sends, 404 for a verification that is approved, expired or canceled.
 */
export function createTwilioSimulator(options: TwilioSimulatorOptions = {}) {
  const accountSid = options.accountSid ?? `AC${'0a1b2c3d'.repeat(4)}`;
  const authToken = options.authToken ?? 'sim-twilio-auth-token-5e6f7a8b9c0d1e2f';
  const apiKey = options.apiKey ?? `SK${'9f8e7d6c'.repeat(4)}`;
  const apiSecret = options.apiSecret ?? 'sim-twilio-api-secret-1a2b3c4d5e6f7a8b';
  const serviceSid = options.serviceSid ?? `VA${'4d3c2b1a'.repeat(4)}`;
  const codeLength = options.codeLength ?? 6;
  const ttlMs = (options.ttlSeconds ?? 600) * 1000;
  const channels = new Set(options.channels ?? ['sms', 'call', 'email', 'whatsapp']);
  const now = options.now ?? Date.now;
  const bySid = new Map<string, Verification>();
  const calls = { verifications: 0, checks: 0, updates: 0 };

  const error = (code: number, status?: number) => {
    const [documented, message] = ERRORS[code] ?? [400, 'Error'];
    return json(status ?? documented, {
      code,
      message,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status: status ?? documented,
    });
  };

  /** The verification as it is now: pending ones past their lifetime are expired. */
  function current(v: Verification | undefined): Verification | undefined {
    if (v && (v.status === 'pending' || v.status === 'max_attempts_reached') && now() >= v.expiresAt) {
      v.status = 'expired';
    }
    return v;
  }
  /** The number's live verification (pending, or locked by max check attempts), if any. */
  const live = (to: string) =>
    [...bySid.values()].find(
      (v) => v.to === to && (current(v)?.status === 'pending' || v.status === 'max_attempts_reached'),
    );

  const resource = (v: Verification, extra: Record<string, unknown> = {}) => ({
    sid: v.sid,
    service_sid: serviceSid,
    account_sid: accountSid,
    to: v.to,
    channel: v.channel,
    status: v.status,
    valid: v.status === 'approved',
    date_created: new Date(v.createdAt).toISOString(),
    date_updated: new Date(now()).toISOString(),
    ...extra,
  });

  function create(form: URLSearchParams): Response {
    const to = form.get('To');
    const channel = form.get('Channel');
    const locale = form.get('Locale') ?? undefined;
    if (!to || !channel || !KNOWN_CHANNELS.has(channel)) return error(60200);
    if (channel === 'email' ? !EMAIL.test(to) : !E164.test(to)) return error(60200);
    if (!channels.has(channel)) return error(60223);
    // "If an unsupported override locale is given, a 404 error will be returned."
    if (locale !== undefined && !LOCALES.has(locale)) return error(20404);
    const failure = options.undeliverable?.[to];
    if (failure !== undefined) return error(failure);

    let v = live(to);
    if (v?.status === 'max_attempts_reached') return error(60202);
    const at = now();
    if (v === undefined) {
      v = {
        sid: hexSid('VE'),
        to,
        channel,
        code: randomCode(codeLength),
        status: 'pending',
        createdAt: at,
        expiresAt: at + ttlMs,
        sends: [],
        checks: 0,
      };
      setBounded(bySid, v.sid, v);
    } else if (v.sends.length >= MAX_SENDS) {
      // "Max send attempts reached": the same verification, resent too often.
      return error(60203);
    }
    // Within the lifetime a new request re-sends the same code under the same sid (on the channel asked for now).
    v.channel = channel;
    v.sends.push({ attempt_sid: hexSid('VL'), channel, time: new Date(at).toISOString() });
    const message = { sid: v.sid, to, code: v.code, channel, locale, attempt: v.sends.length, at };
    pushBounded(messages, message);
    options.onSend?.(message);
    return json(
      201,
      resource(v, { send_code_attempts: v.sends, lookup: { carrier: null }, amount: null, payee: null }),
    );
  }

  function check(form: URLSearchParams): Response {
    const code = form.get('Code');
    const sid = form.get('VerificationSid');
    const to = form.get('To');
    if (!code || !/^[0-9A-Za-z]{4,10}$/.test(code) || (!sid && !to)) return error(60200);
    if (sid !== null && !/^VE[0-9a-fA-F]{32}$/.test(sid)) return error(60200);
    const v = sid ? current(bySid.get(sid)) : to ? live(to) : undefined;
    if (v === undefined || (to && v.to !== to)) return error(20404);
    if (v.status === 'max_attempts_reached') return error(60202);
    // Approved, canceled and expired verifications are deleted: a check finds nothing.
    if (v.status !== 'pending') return error(20404);
    if (v.checks >= MAX_CHECKS) {
      v.status = 'max_attempts_reached';
      return error(60202);
    }
    v.checks += 1;
    if (code === v.code) v.status = 'approved';
    return json(200, resource(v, { amount: null, payee: null, sna_attempts_error_codes: null }));
  }

  function update(sid: string, form: URLSearchParams): Response {
    const status = form.get('Status');
    if (status !== 'canceled' && status !== 'approved') return error(60200);
    const v = current(bySid.get(sid));
    if (v === undefined || v.status !== 'pending') return error(20404);
    v.status = status;
    return json(200, resource(v));
  }

  const shell = simulatorShell<number, TwilioPath, SimulatedTwilioMessage>({
    async route(request) {
      const match = /\/v2\/Services\/([^/]+)\/(Verifications|VerificationCheck)(?:\/([^/]+))?$/.exec(
        new URL(request.url).pathname,
      );
      if (!match || (match[2] === 'VerificationCheck' && match[3] !== undefined)) return error(20404);
      const path: TwilioPath =
        match[2] === 'VerificationCheck'
          ? '/VerificationCheck'
          : match[3] === undefined
            ? '/Verifications'
            : '/Verifications/{Sid}';
      calls[path === '/Verifications' ? 'verifications' : path === '/VerificationCheck' ? 'checks' : 'updates'] += 1;
      if (request.method !== 'POST') return json(405, { code: 20004, message: 'Method not allowed', status: 405 });
      return path;
    },
    error,
    async answer(request, path) {
      const credentials = decodeBasic(request.headers.get('authorization'));
      if (credentials !== `${accountSid}:${authToken}` && credentials !== `${apiKey}:${apiSecret}`) return error(20003);
      const match = /\/v2\/Services\/([^/]+)\/[^/]+(?:\/([^/]+))?$/.exec(new URL(request.url).pathname)!;
      if (match[1] !== serviceSid) return error(20404);
      // Twilio reads form fields only: a JSON body carries no parameters at all.
      const form = (request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')
        ? new URLSearchParams(await request.text())
        : new URLSearchParams();
      if (path === '/Verifications') return create(form);
      if (path === '/VerificationCheck') return check(form);
      return update(decodeURIComponent(match[2] ?? ''), form);
    },
    clear() {
      bySid.clear();
      calls.verifications = calls.checks = calls.updates = 0;
    },
  });
  const { messages } = shell;

  return {
    ...shell,
    accountSid,
    authToken,
    apiKey,
    apiSecret,
    serviceSid,
    baseUrl: 'https://verify.twilio.com',
    /** What `twilio()` needs to talk to this simulator: `twilio(sim.providerOptions)`. */
    providerOptions: { accountSid, authToken, serviceSid, codeLength, fetch: shell.fetch },
    calls,
    /** The status of a verification, as Twilio's console would show it. */
    status: (sid: string): string | undefined => current(bySid.get(sid))?.status,
  };
}
