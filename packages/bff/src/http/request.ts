// Reading a Request: the origin check, the body and the client's address. The flow never sees a Request.
import { asRequest, type RequestHead } from '../bridge.js';
import { utf8 } from '../crypto.js';
import { OtpError } from '../errors.js';

/** The contract's body cap, in bytes. */
const MAX_BODY_BYTES = 2048;
/** The cap of send and resend bodies where the server runs a bot check: a widget's token alone can be 2 KB or more. */
export const MAX_BOT_BODY_BYTES = 8192;

/**
 * Frameworks do not always rebuild `request.url` from the Host the browser used: Next.js route handlers see
 * `http://localhost:3000/...` while a browser on `http://127.0.0.1:3000` sends that as its Origin. The Host header is
 * set by the browser itself (a page cannot forge it), so an Origin naming the same host is the request's own.
 */
function sameHost(origin: string, request: Request | RequestHead): boolean {
  const host = request.headers.get('host');
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * CSRF guard for JSON endpoints. Browsers send `Origin` on every cross-origin POST, so an Origin that is neither
 * the request's own nor allow-listed is a foreign page. `Sec-Fetch-Site: cross-site` catches the same without an
 * Origin header.
 */
export function checkOrigin(request: Request | RequestHead, allowedOrigins: ReadonlySet<string>): void {
  const origin = request.headers.get('origin');
  if (origin !== null) {
    if (origin === new URL(request.url).origin || allowedOrigins.has(origin) || sameHost(origin, request)) return;
    throw new OtpError('forbidden', { message: 'Cross-origin requests from this origin are not allowed.' });
  }
  if (request.headers.get('sec-fetch-site') === 'cross-site') {
    throw new OtpError('forbidden', { message: 'Cross-site requests are not allowed.' });
  }
}

interface BodyOptions {
  /** @defaultValue the contract's cap, 2 KiB */
  maxBytes?: number;
  /** Take any Content-Type (provider callbacks); else only application/json. */
  anyContentType?: boolean;
}

/**
 * Reads a JSON body of at most `maxBytes` (the contract's cap unless said otherwise). The bytes are counted as they
 * stream in and reading stops (and the stream is cancelled) as soon as the cap is passed: a Content-Length can be
 * absent (chunked) or lie.
 */
export async function readJsonBody(request: Request, options: BodyOptions = {}): Promise<unknown> {
  const maxBytes = checkBodyHeaders(request, options);
  if (maxBytes === undefined) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(options);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(options);
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
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw notJson();
  }
  return parseJson(text);
}

/**
 * The same checks and answers as readJsonBody, for a body a framework has already read (the adapters' bridge hands
 * it over as text): Content-Type, the cap (on the text's UTF-8 bytes), JSON.
 */
export function parseJsonBodyText(request: Request | RequestHead, text: string, options: BodyOptions = {}): unknown {
  const maxBytes = checkBodyHeaders(request, options);
  // At least one byte per UTF-16 unit and at most three: the exact count only when the length alone cannot tell.
  if (
    maxBytes === undefined ||
    text.length > maxBytes ||
    (text.length * 3 > maxBytes && utf8(text).byteLength > maxBytes)
  ) {
    throw tooLarge(options);
  }
  return parseJson(text);
}

/** Content-Type, then a declared Content-Length: the cap in bytes, or undefined when the declared length passes it. */
function checkBodyHeaders(request: Request | RequestHead, options: BodyOptions): number | undefined {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !options.anyContentType) {
    throw new OtpError('unsupported_media_type', { message: 'Send the body as Content-Type: application/json.' });
  }
  return Number(request.headers.get('content-length')) > maxBytes ? undefined : maxBytes;
}

const tooLarge = (options: BodyOptions) =>
  new OtpError('payload_too_large', {
    message: `The body must be at most ${options.maxBytes ?? MAX_BODY_BYTES} bytes.`,
  });
const notJson = () => new OtpError('invalid_request', { message: 'The body is not valid JSON.' });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw notJson();
  }
}

/**
 * The client's address: the adapter's socket address, or with `trustProxy` what the proxy says. Of
 * X-Forwarded-For the LAST entry is the one our own proxy appended; everything left of it came from the client.
 */
export function clientIp(
  request: Request | RequestHead,
  socketIp: string | undefined,
  trustProxy: boolean | ((request: Request) => string | undefined),
): string | undefined {
  if (typeof trustProxy === 'function') return trustProxy(asRequest(request)) ?? socketIp;
  if (!trustProxy) return socketIp;
  const forwarded = request.headers
    .get('x-forwarded-for')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return forwarded?.at(-1) ?? socketIp;
}
