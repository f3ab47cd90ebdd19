// Web Crypto only (crypto.subtle, crypto.getRandomValues): the core also runs in the browser for Storybook.

const encoder = new TextEncoder();

export const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text);

/** Standard base64 with padding (Basic auth, HMAC signatures). A loop, not `String.fromCharCode(...bytes)`,
 * whose spread would overflow the call stack on large inputs. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url without padding; null for anything else (so forged input is a clean "no"). */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** An opaque, unguessable id: 128 random bits as 22 base64url characters. */
export function randomId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * A code of `length` uniform decimal digits. Bytes of 250 and above are thrown away (rejection sampling):
 * `byte % 10` over all 256 values would make 0-5 slightly likelier than 6-9.
 */
export function randomCode(length: number): string {
  let code = '';
  while (code.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 250 && code.length < length) code += String(byte % 10);
    }
  }
  return code;
}

export function secretBytes(secret: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return typeof secret === 'string' ? utf8(secret) : new Uint8Array(secret);
}

export interface HandlerKeys {
  /** Hashes locally generated codes. (Proofs are signed with their own asymmetric key: flow/proof.ts.) */
  code: CryptoKey;
}

export const importHmacKey = (raw: Uint8Array<ArrayBuffer> | ArrayBuffer) =>
  crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);

/**
 * One key per purpose, each HMAC(secret, label): a code hash can never be replayed as anything else, and the raw
 * secret itself signs nothing.
 */
export async function deriveKeys(secret: Uint8Array<ArrayBuffer>): Promise<HandlerKeys> {
  const master = await importHmacKey(secret);
  const derive = async (label: string) => importHmacKey(await crypto.subtle.sign('HMAC', master, utf8(label)));
  return { code: await derive('otpkit code') };
}

/** HMAC-SHA256 of `data`, base64url. */
export async function hmac(key: CryptoKey, data: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(data))));
}

/**
 * Checks `mac` (base64url) against HMAC(key, data). crypto.subtle.verify compares in constant time, so the
 * response time tells an attacker nothing about how many leading bytes of a guess were right.
 */
export async function hmacVerify(key: CryptoKey, mac: string, data: string): Promise<boolean> {
  const bytes = fromBase64Url(mac);
  return bytes !== null && crypto.subtle.verify('HMAC', key, bytes, utf8(data));
}
