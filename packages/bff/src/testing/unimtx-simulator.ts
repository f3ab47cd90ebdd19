import type { Channel } from '../contract.js';
import { importHmacKey, randomCode, utf8 } from '../crypto.js';
import { unimtxSignature } from '../providers/unimtx.js';
import { json } from './faults.js';
import { jsonObject, pushBounded, setBounded, simulatorShell } from './shell.js';

export type UnimtxAction = 'otp.send' | 'otp.verify';

/** HTTP status and name of each UniMTX error code. Only 104001 -> 400 is documented; the other statuses are
 * guesses, which is fine because clients must branch on `code`, not on the status. */
const ERRORS: Record<string, [status: number, message: string]> = {
  '101000': [500, 'Internal'],
  '101301': [503, 'NoUpstreamConfigured'],
  '101303': [503, 'NoUpstreamAvailable'],
  '104001': [400, 'MissingParams'],
  '104002': [400, 'InvalidParams'],
  '104003': [400, 'RestrictedParams'],
  '104110': [401, 'MissingAccessKeyId'],
  '104111': [401, 'InvalidAccessKeyId'],
  '104201': [401, 'InvalidSignature'],
  '104202': [401, 'InvalidSignatureTimestamp'],
  '105001': [403, 'Unauthorized'],
  '105100': [403, 'IpRestricted'],
  '105300': [429, 'LimitExceed'],
  '105400': [402, 'InsufficientFunds'],
  '107111': [400, 'InvalidPhoneNumbers'],
  '107120': [400, 'MissingSmsSignature'],
  '107121': [400, 'SmsSignatureNotExists'],
  '107122': [400, 'InvalidSmsSignature'],
  '107123': [400, 'RestrictedSmsSignature'],
  '107141': [400, 'SmsTemplateNotExists'],
  '107143': [400, 'MissingSmsTemplateData'],
  '107144': [400, 'InvalidSmsTemplateData'],
  '107145': [400, 'RestrictedSmsTemplate'],
};

const E164 = /^\+[1-9]\d{6,14}$/;
/** A few calling codes, for a realistic `iso`/`cc` in otp.send's data. */
const COUNTRIES: [prefix: string, iso: string][] = [
  ['+1', 'US'],
  ['+44', 'GB'],
  ['+65', 'SG'],
  ['+86', 'CN'],
  ['+852', 'HK'],
];

export interface SimulatedUnimtxMessage {
  /** The `data.id` answered. */
  id: string;
  to: string;
  code: string;
  intent: string | undefined;
  channel: Channel;
  /** otp.send's `channel` as asked ('auto' when absent). */
  requestedChannel: string;
  /** otp.send's `templateId` (an SDK field: the template, and with it the language), if any. */
  templateId: string | undefined;
  /** otp.send's `signature` (the SMS sender name), if any. */
  signature: string | undefined;
  /** True when the code was the caller's (otp.send's `code`), not generated. */
  custom: boolean;
  /** Epoch ms (from the simulator's clock). */
  at: number;
}

export interface UnimtxSimulatorOptions {
  /** @defaultValue 'sim-access-key-id' */
  accessKeyId?: string;
  /** Set: every request must carry a valid HMAC-SHA256 signature (the key's "HMAC mode" in the console). */
  accessKeySecret?: string;
  /** Recipients whose sends fail with the given code, e.g. `{ '+12065550000': '107111' }`. */
  undeliverable?: Record<string, string>;
  /** Template ids the account has: otp.send with another `templateId` gets 107141. Unset: any id is accepted. */
  templates?: readonly string[];
  /** Clock in epoch ms. @defaultValue Date.now */
  now?: () => number;
  onSend?: (message: SimulatedUnimtxMessage) => void;
}

interface StoredCode {
  code: string;
  sentAt: number;
  /** Custom codes live for otp.send's `ttl`; generated ones for otp.verify's `ttl` (docs of both fields). */
  custom: boolean;
  sendTtl: number;
}

export type UnimtxSimulator = ReturnType<typeof createUnimtxSimulator>;

/** A fake UniMTX OTP API (`otp.send`, `otp.verify`), served by `fetch` on any URL or by `listen()`. */
export function createUnimtxSimulator(options: UnimtxSimulatorOptions = {}) {
  const accessKeyId = options.accessKeyId ?? 'sim-access-key-id';
  const { accessKeySecret } = options;
  let key: Promise<CryptoKey> | undefined;
  const now = options.now ?? Date.now;
  /** `${to}\n${intent}` -> the code to check; a new send replaces the previous code. */
  const codes = new Map<string, StoredCode>();
  const calls = { send: 0, verify: 0 };

  const error = (code: string, status?: number) => {
    const [documented, message] = ERRORS[code] ?? [400, 'Error'];
    return json(status ?? documented, { code, message });
  };
  const ok = (data: unknown) => json(200, { code: '0', message: 'Success', data });

  async function checkAuth(query: URLSearchParams): Promise<Response | undefined> {
    const id = query.get('accessKeyId');
    if (!id) return error('104110');
    if (id !== accessKeyId) return error('104111');
    if (accessKeySecret === undefined) return undefined;
    const timestamp = Number(query.get('timestamp'));
    const nonce = query.get('nonce') ?? '';
    const signature = query.get('signature');
    if (query.get('algorithm') !== 'hmac-sha256' || !signature || !/^.{8,64}$/.test(nonce)) return error('104201');
    if (!Number.isFinite(timestamp) || Math.abs(now() - timestamp) > 10 * 60_000) return error('104202');
    key ??= importHmacKey(utf8(accessKeySecret));
    if (signature !== (await unimtxSignature(await key, query))) return error('104201');
    return undefined;
  }

  const isTtl = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) > 0 && (v as number) <= 1800);
  const isIntent = (v: unknown) => v === undefined || (typeof v === 'string' && v.length <= 36);

  function send(body: Record<string, unknown>): Response {
    const { to, digits = 6, ttl, intent, code, channel = 'auto', templateId, signature } = body;
    if (to === undefined) return error('104001');
    if (typeof to !== 'string' || !E164.test(to)) return error('107111');
    if (!Number.isInteger(digits) || (digits as number) < 4 || (digits as number) > 8) return error('104002');
    if (!isTtl(ttl) || !isIntent(intent)) return error('104002');
    if (code !== undefined && (typeof code !== 'string' || !/^\d{4,8}$/.test(code))) return error('104002');
    if (!['auto', 'sms', 'call', 'voice', 'whatsapp'].includes(channel as string)) return error('104002');
    if (templateId !== undefined && (typeof templateId !== 'string' || templateId === '')) return error('104002');
    if (signature !== undefined && (typeof signature !== 'string' || signature === '')) return error('104002');
    if (typeof templateId === 'string' && options.templates !== undefined && !options.templates.includes(templateId)) {
      return error('107141');
    }
    const failure = options.undeliverable?.[to];
    if (failure !== undefined) return error(failure);

    const at = now();
    const sent = (code as string | undefined) ?? randomCode(digits as number);
    setBounded(codes, `${to}\n${intent ?? ''}`, {
      code: sent,
      sentAt: at,
      custom: code !== undefined,
      sendTtl: (ttl as number | undefined) ?? 300,
    });
    // 'auto' means "SMS first".
    const reported: Channel =
      channel === 'whatsapp' ? 'whatsapp' : channel === 'call' || channel === 'voice' ? 'voice' : 'sms';
    const id = crypto.randomUUID().replaceAll('-', '');
    const message = {
      id,
      to,
      code: sent,
      intent: intent as string | undefined,
      channel: reported,
      requestedChannel: channel as string,
      templateId: templateId as string | undefined,
      signature: signature as string | undefined,
      custom: code !== undefined,
      at,
    };
    pushBounded(messages, message);
    options.onSend?.(message);
    const iso = COUNTRIES.filter(([p]) => to.startsWith(p)).at(-1);
    return ok({
      id,
      to,
      iso: iso?.[1] ?? 'ZZ',
      cc: iso?.[0].slice(1) ?? '',
      count: 1,
      price: '0.0000',
    });
  }

  function verify(body: Record<string, unknown>): Response {
    const { to, code, intent, ttl } = body;
    if (to === undefined || code === undefined) return error('104001');
    if (typeof to !== 'string' || !E164.test(to)) return error('107111');
    if (typeof code !== 'string' || !/^\d{4,8}$/.test(code) || !isTtl(ttl) || !isIntent(intent)) {
      return error('104002');
    }
    const key = `${to}\n${intent ?? ''}`;
    const stored = codes.get(key);
    const lifetime = stored?.custom ? stored.sendTtl : ((ttl as number | undefined) ?? 300);
    // Undocumented, assumed: a code is accepted once (then consumed); wrong or expired codes are `valid: false`.
    const valid = stored !== undefined && stored.code === code && now() < stored.sentAt + lifetime * 1000;
    if (valid) codes.delete(key);
    return ok({ to, valid });
  }

  const shell = simulatorShell<string, UnimtxAction, SimulatedUnimtxMessage>({
    async route(request) {
      const query = new URL(request.url).searchParams;
      const action = query.get('action');
      if (action === 'otp.send') calls.send += 1;
      if (action === 'otp.verify') calls.verify += 1;
      if (request.method !== 'POST') return json(405, { code: '405', message: 'Method Not Allowed' });
      if (action === 'otp.send' || action === 'otp.verify') return action;
      if (action !== null) return error('104002');
      // No action at all: credentials are still checked first, as for every request.
      return (await checkAuth(query)) ?? error('104001');
    },
    error,
    async answer(request, action) {
      const denied = await checkAuth(new URL(request.url).searchParams);
      if (denied !== undefined) return denied;
      const body = await jsonObject(request);
      if (body === undefined) return error('104002');
      return action === 'otp.send' ? send(body) : verify(body);
    },
    clear() {
      codes.clear();
      calls.send = calls.verify = 0;
    },
  });
  const { messages } = shell;

  return {
    ...shell,
    accessKeyId,
    accessKeySecret,
    baseUrl: 'https://api.unimtx.com',
    /** What `unimtx()` needs to talk to this simulator: `unimtx(sim.providerOptions)`. */
    providerOptions: { accessKeyId, accessKeySecret, fetch: shell.fetch },
    calls,
  };
}
