// EngageLab's delivery callbacks (providers.md, "Callbacks"). EngageLab signs a header, not the body:
//   X-CALLBACK-ID: timestamp=…;nonce=…;username=…;signature=hex(HMAC-SHA256(secret, timestamp + nonce + username))
// so a valid signature proves the sender knows the secret and, with the timestamp's freshness, that the header is
// recent. Keep TLS on and, where you can, the source-IP allowlist (119.8.170.74, 114.119.180.30): the body itself
// is not signed.
import { toBase64Url, utf8 } from '../crypto.js';
import type { CallbackInput, DeliveryReport, DeliveryStatus } from './types.js';

export interface EngageLabCallbackOptions {
  /** The callback secret set in the EngageLab console. */
  secret: string;
  /** The username EngageLab signs with; when set, others are refused. */
  username?: string;
  /** How far the header's timestamp may be from now, either way. @defaultValue 300 */
  maxAgeSeconds?: number;
}

interface EngageLabCallbackConfig {
  secret: string;
  username: string | undefined;
  maxAgeMs: number;
}

/** EngageLab's status words -> ours. The docs' own example spells `sent_fail`, the list `sent_failed`: both are read.
 * Statuses not listed (plan, target_valid, verified…) say nothing about delivery and are ignored. */
const STATUS: Record<string, DeliveryStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  sent_failed: 'failed',
  sent_fail: 'failed',
  delivered_failed: 'failed',
  target_invalid: 'failed',
};

/** The fields of an `X-CALLBACK-ID` header, or null when it is not one. */
function parseCallbackId(
  header: string | null,
): Record<'timestamp' | 'nonce' | 'username' | 'signature', string> | null {
  if (!header || header.length > 1024) return null;
  const fields: Record<string, string> = {};
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  const { timestamp, nonce, username, signature } = fields;
  if (timestamp === undefined || nonce === undefined || username === undefined || signature === undefined) return null;
  return { timestamp, nonce, username, signature };
}

const hexBytes = (hex: string): Uint8Array<ArrayBuffer> | null => {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
};

const hmacKey = (secret: string) =>
  crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);

// One imported key per handler configuration, not one per callback (a burst is a thousand of them).
const configKeys = new WeakMap<EngageLabCallbackConfig, Promise<CryptoKey>>();
const keyOf = (config: EngageLabCallbackConfig) => {
  let key = configKeys.get(config);
  if (!key) {
    key = hmacKey(config.secret);
    configKeys.set(config, key);
  }
  return key;
};

/**
 * An `X-CALLBACK-ID` value as EngageLab signs it, for tests and tools (a simulator, a replay script).
 * `timestamp` in seconds. Exported for testing your own endpoint (and for simulators).
 */
export async function signEngageLabCallback(input: {
  secret: string;
  username: string;
  timestamp: number;
  nonce?: string;
}): Promise<string> {
  const nonce = input.nonce ?? toBase64Url(crypto.getRandomValues(new Uint8Array(12)));
  const timestamp = String(input.timestamp);
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', await hmacKey(input.secret), utf8(timestamp + nonce + input.username)),
  );
  const signature = Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
  return `timestamp=${timestamp};nonce=${nonce};username=${input.username};signature=${signature}`;
}

/**
 * Whether the header is genuine and fresh: the HMAC compared by crypto.subtle.verify (constant time), the username
 * (when configured) and the timestamp within `maxAgeMs` of now, either way (seconds, or ms if it is that large).
 */
async function checkCallbackId(header: string | null, config: EngageLabCallbackConfig, now: number) {
  const id = parseCallbackId(header);
  if (!id) return false;
  if (!/^\d{1,16}$/.test(id.timestamp)) return false;
  const stamp = Number(id.timestamp);
  const ms = stamp > 1e11 ? stamp : stamp * 1000;
  if (Math.abs(now - ms) > config.maxAgeMs) return false;
  const signature = hexBytes(id.signature);
  if (!signature) return false;
  const key = await keyOf(config);
  const genuine = await crypto.subtle.verify('HMAC', key, signature, utf8(id.timestamp + id.nonce + id.username));
  return genuine && (config.username === undefined || id.username === config.username);
}

/** The rows of a callback body that report a delivery; anything else (notifications, uplinks, other statuses) is
 * left out. */
function engageLabReports(body: unknown): DeliveryReport[] {
  const rows = (body as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) return [];
  const reports: DeliveryReport[] = [];
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) continue;
    const r = row as { message_id?: unknown; to?: unknown; channel?: unknown; status?: unknown };
    const status = r.status as
      | { message_status?: unknown; status_data?: { current_send_channel?: unknown } }
      | undefined;
    const providerStatus = status?.message_status;
    const messageId = typeof r.message_id === 'number' ? String(r.message_id) : r.message_id;
    if (typeof messageId !== 'string' || messageId === '' || typeof providerStatus !== 'string') continue;
    const mapped = STATUS[providerStatus];
    if (!mapped) continue;
    const channel = status?.status_data?.current_send_channel ?? r.channel;
    reports.push({
      provider: 'engagelab',
      messageId: messageId.slice(0, 128),
      providerStatus,
      status: mapped,
      to: typeof r.to === 'string' ? r.to : undefined,
      channel: typeof channel === 'string' ? channel.slice(0, 32) : undefined,
    });
  }
  return reports;
}

/** `engagelab({ callbacks })`'s `deliveryReports`: the signed header checked first, then the rows read. */
export function engagelabDeliveryReports(options: EngageLabCallbackOptions) {
  if (typeof options.secret !== 'string' || options.secret === '') {
    throw new TypeError(
      'engagelab(): `callbacks.secret` is required (the callback secret set in the EngageLab console).',
    );
  }
  const maxAgeSeconds = options.maxAgeSeconds ?? 300;
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds <= 0) {
    throw new TypeError('engagelab(): `callbacks.maxAgeSeconds` must be a positive integer.');
  }
  const config: EngageLabCallbackConfig = {
    secret: options.secret,
    username: options.username,
    maxAgeMs: maxAgeSeconds * 1000,
  };
  return async ({ headers, body, now }: CallbackInput): Promise<DeliveryReport[] | null> => {
    if (!(await checkCallbackId(headers.get('x-callback-id'), config, now))) return null;
    return engageLabReports(await body());
  };
}
