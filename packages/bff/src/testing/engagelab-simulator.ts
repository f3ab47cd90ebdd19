import type { Channel } from '../contract.js';
import { randomCode } from '../crypto.js';
import { signEngageLabCallback } from '../providers/engagelab-callbacks.js';
import { decodeBasic, json } from './faults.js';
import { jsonObject, pushBounded, setBounded, simulatorShell } from './shell.js';

const PATHS = ['/v1/messages', '/v1/codes', '/v1/verifications'] as const;
export type EngageLabPath = (typeof PATHS)[number];

/** HTTP status and message of each documented EngageLab error code (seeds: Verify OTP and Custom OTP Code
 * Delivery error tables; 3011 from the Verify table). Unknown codes are answered with HTTP 400. */
const ERRORS: Record<number, [status: number, message: string]> = {
  1000: [500, 'Internal error'],
  2001: [401, 'Authentication failed, incorrect token carried'],
  2002: [401, 'Authentication failed, token has expired or been disabled'],
  2004: [403, 'No permission to call this API'],
  3001: [400, 'Invalid request parameter format'],
  3002: [400, 'Incorrect request parameters'],
  3003: [400, 'verify code has expired'],
  3004: [400, 'Frequency limit exceeded'],
  3011: [400, 'Verification code expired'],
  4001: [400, 'The related resource does not exist'],
  5001: [400, 'sms send fail'],
  5011: [400, 'Invalid phone number format'],
  5012: [400, 'Target unreachable'],
  5013: [400, 'Number has been blacklisted'],
  5014: [400, 'Content does not comply with specifications'],
  5015: [400, 'Message intercepted/rejected'],
  5016: [400, 'Internal sending error'],
  5017: [400, 'No sending permission for mainland China'],
  5018: [400, 'Phone malfunction (powered off/service suspended)'],
  5019: [400, 'User has unsubscribed'],
  5020: [400, 'Number not registered/invalid number'],
};

const LANGUAGES = new Set(['default', 'zh_CN', 'zh_HK', 'en', 'ja', 'th', 'es']);
const RECIPIENT = /^(\+[1-9]\d{6,14}|[^\s@]+@[^\s@]+\.[^\s@]+)$/;

export interface EngageLabTemplate {
  /** The template's `verify_code_len` (4-10). @defaultValue 6 */
  codeLength?: number;
  /** The template's `verify_code_ttl`, in seconds here (the console takes minutes). @defaultValue 300 */
  ttlSeconds?: number;
}

export interface SimulatedEngageLabMessage {
  /** The `message_id` answered (lets tests assert it never reaches the browser). */
  messageId: string;
  to: string;
  code: string;
  templateId: string;
  language: string;
  channel: Channel;
  /** Epoch ms (from the simulator's clock). */
  at: number;
}

export interface EngageLabSimulatorOptions {
  /** @defaultValue 'sim-dev-key' */
  devKey?: string;
  /** @defaultValue a fixed 40-character secret */
  devSecret?: string;
  /** The default template's id. @defaultValue 'otpkit-demo' */
  templateId?: string;
  /** Known templates. @defaultValue `{ [templateId]: { codeLength: 6, ttlSeconds: 300 } }` */
  templates?: Record<string, EngageLabTemplate>;
  /** Recipients whose sends fail with the given error code, e.g. `{ '+12065550000': 5012 }`. */
  undeliverable?: Record<string, number>;
  /** `send_channel` reported for phone numbers (e-mail addresses always get 'email'). @defaultValue 'sms' */
  channel?: Channel;
  /** Clock in epoch ms, for expiry tests without sleeping. @defaultValue Date.now */
  now?: () => number;
  /** Called for every delivered message (the demo prints the code to the terminal). */
  onSend?: (message: SimulatedEngageLabMessage) => void;
}

interface StoredMessage {
  to: string;
  code: string;
  templateId: string;
  expiresAt: number;
  verified: boolean;
  /** Sent through /v1/codes: "there is no need to call a verification API", so /v1/verifications knows it not. */
  custom: boolean;
}

export type EngageLabSimulator = ReturnType<typeof createEngageLabSimulator>;

/**
 * A fake EngageLab OTP API that behaves as its documentation says, served by `fetch` on any base URL (so it also
 * works in a browser) or by `listen()` as a real loopback server.
 */
export function createEngageLabSimulator(options: EngageLabSimulatorOptions = {}) {
  const devKey = options.devKey ?? 'sim-dev-key';
  const devSecret = options.devSecret ?? 'sim-secret-7f3a9c1e5b2d8f4a6c0e9b1d3f5a7';
  const templateId = options.templateId ?? 'otpkit-demo';
  const templates = options.templates ?? { [templateId]: {} };
  const now = options.now ?? Date.now;
  const byId = new Map<string, StoredMessage>();
  /** `${templateId}\n${to}` -> message id of the last code, for the 3004 frequency limit. */
  const live = new Map<string, string>();
  const calls = { messages: 0, codes: 0, verifications: 0 };

  const error = (code: number, status?: number) => {
    const [documented, message] = ERRORS[code] ?? [400, 'Request failed'];
    return json(status ?? documented, { code, message });
  };

  const newMessageId = () => {
    // Ids look like the docs' "1725407449772531712": 19 decimal digits.
    let id: string;
    do id = `1${randomCode(18)}`;
    while (byId.has(id));
    return id;
  };

  function send(body: Record<string, unknown>, custom: boolean): Response {
    const { to, template, code } = body;
    if (typeof to !== 'string' || typeof template !== 'object' || template === null) return error(3002);
    const { id, language = 'default' } = template as Record<string, unknown>;
    if (typeof id !== 'string' || typeof language !== 'string' || !LANGUAGES.has(language)) return error(3002);
    if (custom && (typeof code !== 'string' || !/^[0-9A-Za-z]{4,10}$/.test(code))) return error(3002);
    const tpl = templates[id];
    if (tpl === undefined) return error(4001);
    if (!RECIPIENT.test(to)) return error(5011);
    const failure = options.undeliverable?.[to];
    if (failure !== undefined) return error(failure);
    // 3004: "For the same template and the same target user, delivery cannot be made again within the
    // verification code validity period" (it still blocks after a successful verify: the period has not ended).
    const key = `${id}\n${to}`;
    const previous = byId.get(live.get(key) ?? '');
    if (previous !== undefined && now() < previous.expiresAt) return error(3004);

    const at = now();
    const sent = custom ? (code as string) : randomCode(tpl.codeLength ?? 6);
    const messageId = newMessageId();
    const channel: Channel = to.includes('@') ? 'email' : (options.channel ?? 'sms');
    setBounded(byId, messageId, {
      to,
      code: sent,
      templateId: id,
      expiresAt: at + (tpl.ttlSeconds ?? 300) * 1000,
      verified: false,
      custom,
    });
    setBounded(live, key, messageId);
    const message = { messageId, to, code: sent, templateId: id, language, channel, at };
    pushBounded(messages, message);
    options.onSend?.(message);
    return json(200, { message_id: messageId, send_channel: channel });
  }

  function verify(body: Record<string, unknown>): Response {
    const { message_id, verify_code } = body;
    if (typeof message_id !== 'string' || typeof verify_code !== 'string') return error(3002);
    const message = byId.get(message_id);
    if (message === undefined || message.custom) return error(4001);
    // "it does not support verifying the verification code again after successful verification": 3003, the same
    // answer as for an expired code.
    if (message.verified || now() >= message.expiresAt) return error(3003);
    const verified = verify_code === message.code;
    if (verified) message.verified = true;
    return json(200, { message_id, verify_code, verified });
  }

  const shell = simulatorShell<number, EngageLabPath, SimulatedEngageLabMessage>({
    async route(request) {
      const path = PATHS.find((p) => new URL(request.url).pathname.endsWith(p));
      if (path === undefined) return json(404, { code: 404, message: 'Not Found' });
      calls[path === '/v1/messages' ? 'messages' : path === '/v1/codes' ? 'codes' : 'verifications'] += 1;
      if (request.method !== 'POST') return json(405, { code: 405, message: 'Method Not Allowed' });
      return path;
    },
    error,
    async answer(request, path) {
      if (decodeBasic(request.headers.get('authorization')) !== `${devKey}:${devSecret}`) return error(2001);
      const body = await jsonObject(request);
      if (body === undefined) return error(3001);
      if (path === '/v1/verifications') return verify(body);
      return send(body, path === '/v1/codes');
    },
    clear() {
      byId.clear();
      live.clear();
      calls.messages = calls.codes = calls.verifications = 0;
    },
  });
  const { messages } = shell;

  /**
   * The delivery callback EngageLab's servers would POST for one of this simulator's messages: the documented row
   * (message_id, to, channel, itime, status.message_status …) under a signed `X-CALLBACK-ID`. `status`: `sent`,
   * `delivered`, `sent_failed`, `delivered_failed`, `target_invalid`, … (providers.md, "message_status").
   */
  async function callbackRequest(
    messageId: string,
    status: string,
    target: { url: string; secret: string; username: string },
  ): Promise<Request> {
    const message = messages.find((m) => m.messageId === messageId);
    if (!message) throw new Error(`callbackRequest: no message ${messageId}`);
    const timestamp = Math.floor(now() / 1000);
    const row = {
      message_id: messageId,
      to: message.to,
      channel: message.channel,
      itime: timestamp,
      custom_args: {},
      status: { message_status: status, status_data: { current_send_channel: message.channel }, error_code: 0 },
    };
    return new Request(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-callback-id': await signEngageLabCallback({ ...target, timestamp }),
      },
      body: JSON.stringify({ total: 1, rows: [row] }),
    });
  }

  return {
    ...shell,
    callbackRequest,
    devKey,
    devSecret,
    templateId,
    baseUrl: 'https://otp.api.engagelab.cc',
    /** What `engagelab()` needs to talk to this simulator: `engagelab(sim.providerOptions)`. */
    providerOptions: { devKey, devSecret, templateId, fetch: shell.fetch },
    calls,
  };
}
