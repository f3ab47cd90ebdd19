import { OtpError } from './errors.js';
import { LOCALES, type Locale } from './types.js';

/** The contract's body cap, in bytes. */
export const MAX_BODY_BYTES = 2048;

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/**
 * CSRF guard for JSON endpoints. Browsers send `Origin` on every cross-origin POST, so an Origin that is neither
 * the request's own nor allow-listed is a foreign page. `Sec-Fetch-Site: cross-site` catches the same without an
 * Origin header.
 */
/**
 * Frameworks do not always rebuild `request.url` from the Host the browser used: Next.js route handlers see
 * `http://localhost:3000/...` while a browser on `http://127.0.0.1:3000` sends that as its Origin. The Host header is
 * set by the browser itself (a page cannot forge it), so an Origin naming the same host is the request's own.
 */
function sameHost(origin: string, request: Request): boolean {
  const host = request.headers.get('host');
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

export function checkOrigin(request: Request, allowedOrigins: ReadonlySet<string>): void {
  const origin = request.headers.get('origin');
  if (origin !== null) {
    if (origin === new URL(request.url).origin || allowedOrigins.has(origin) || sameHost(origin, request)) return;
    throw new OtpError('forbidden', 'Cross-origin requests from this origin are not allowed.');
  }
  if (request.headers.get('sec-fetch-site') === 'cross-site') {
    throw new OtpError('forbidden', 'Cross-site requests are not allowed.');
  }
}

/**
 * Reads a JSON body of at most MAX_BODY_BYTES. The bytes are counted as they stream in and reading stops (and the
 * stream is cancelled) as soon as the cap is passed: a Content-Length can be absent (chunked) or lie.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new OtpError('unsupported_media_type', 'Send the body as Content-Type: application/json.');
  }
  const tooLarge = () => new OtpError('payload_too_large', `The body must be at most ${MAX_BODY_BYTES} bytes.`);
  const declared = Number(request.headers.get('content-length'));
  if (declared > MAX_BODY_BYTES) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new OtpError('invalid_request', 'The body is not valid JSON.');
  }
}

/**
 * Strict field check: a plain object whose keys are all known, required ones present, every value a string.
 * Unknown keys are refused rather than ignored so that a client sending `templateId` or `code` to /send learns
 * at once that the server decides those.
 */
export function stringFields<R extends string, O extends string = never>(
  body: unknown,
  required: readonly R[],
  optional: readonly O[] = [],
): Record<R, string> & Partial<Record<O, string>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OtpError('invalid_request', 'The body must be a JSON object.');
  }
  const known: readonly string[] = [...required, ...optional];
  for (const [key, value] of Object.entries(body)) {
    if (!known.includes(key)) throw new OtpError('invalid_request', `Unknown field "${key.slice(0, 40)}".`);
    if (typeof value !== 'string') throw new OtpError('invalid_request', `"${key}" must be a string.`);
  }
  for (const key of required) {
    if (!(key in body) || (body as Record<string, string>)[key] === '') {
      throw new OtpError('invalid_request', `"${key}" is required.`);
    }
  }
  return body as Record<R, string> & Partial<Record<O, string>>;
}

export function checkRecipient(to: string, allowEmail: boolean): void {
  if (E164.test(to)) return;
  if (allowEmail && to.length <= 254 && EMAIL.test(to)) return;
  throw new OtpError(
    'invalid_phone',
    allowEmail
      ? '"to" must be an E.164 number like +14155550100 or an e-mail address.'
      : '"to" must be an E.164 number like +14155550100.',
  );
}

export function checkLocale(locale: string | undefined): Locale | undefined {
  if (locale === undefined || (LOCALES as readonly string[]).includes(locale)) return locale as Locale | undefined;
  throw new OtpError('invalid_request', `"locale" must be one of ${LOCALES.join(', ')}.`);
}

export function checkCode(code: string, length: number): void {
  if (code.length !== length || !/^\d+$/.test(code)) {
    throw new OtpError('invalid_request', `"code" must be ${length} digits.`);
  }
}
