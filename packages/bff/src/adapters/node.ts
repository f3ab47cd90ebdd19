import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { bridgeOf, type Reply, type RequestHead } from '../bridge.js';
import { errorReply, OtpError } from '../errors.js';
import type { OtpHandler } from '../types.js';

/** What Express (`originalUrl`, `body`) and Next.js Pages Router API routes (`body`) add to Node's request. */
type NodeRequest = IncomingMessage & { originalUrl?: string; body?: unknown };

/**
 * Bridges Node's `http` (and Express 4/5, Connect, Next.js Pages Router API routes) to the fetch-style handler.
 *
 * ```ts
 * app.use('/api/otp', toNodeHandler(otp)); // Express: mount anywhere, the handler routes on the last segment
 * ```
 *
 * Express: mount `toExpress(otp)` instead (this bridge plus an error middleware for body parsers). Mounting
 * `express.json()` first is fine: the parsed body is re-serialised so the 2 KiB limit still applies, and a body it
 * cannot parse is answered in the contract's JSON by `toExpress`'s error middleware.
 *
 * Next.js Pages Router (`pages/api/otp/[...otp].ts`): `export default toNodeHandler(otp)`. Next's default body
 * parser hands over an object (JSON) or a string (other types); both work.
 *
 * The client IP given to the handler is the socket's address. Behind a proxy, every request comes from the
 * proxy: set the handler's `trustProxy`. The Request URL's scheme also comes from the socket, so behind a
 * TLS-terminating proxy it is `http:` while browsers send `Origin: https://...`: list the public origin in the
 * handler's `allowedOrigins`.
 */
export function toNodeHandler(otp: Pick<OtpHandler, 'handle'>) {
  // A handler made by createOtpHandler: the entry that takes a body Express has parsed as text and answers plain
  // status, headers and text (bridge.ts). Any other `{ handle }` (an app's own wrapper) takes the public path.
  const bridged = bridgeOf(otp);
  // `_next` lets Express type-check this as middleware; the handler answers every request itself.
  return async (req: NodeRequest, res: ServerResponse, _next?: (error?: unknown) => void): Promise<void> => {
    let small: Buffer | undefined;
    if (bridged && isSmallBody(req)) {
      try {
        small = await readAll(req);
      } catch {
        // The client went away mid-body: nobody reads this answer, and there is nothing to log.
        return writeReply(
          res,
          errorReply(new OtpError('invalid_request', { message: 'The body was not received whole.' })),
        );
      }
    }
    let request: NodeRequestHead;
    let bodyText: string | undefined;
    try {
      ({ request, bodyText } = toRequest(req, bridged !== undefined, small));
    } catch {
      // A Host header no URL can be built from (Node's parser has checked the rest), or a pre-parsed body that
      // JSON cannot serialise.
      return writeReply(
        res,
        errorReply(new OtpError('invalid_request', { message: 'The Host header or the parsed body is malformed.' })),
      );
    }
    // A client that goes away aborts the Request's signal, so a handler that reads it can stop waiting.
    res.once('close', () => {
      if (!res.writableFinished) request.clientGone();
    });

    try {
      const clientIp = req.socket.remoteAddress;
      const answer = bridged
        ? await bridged(request, { clientIp }, bodyText)
        : await otp.handle(request.toRequest(), { clientIp });
      if (!(answer instanceof Response)) return writeReply(res, answer);
      // Contract bodies are small JSON: buffering costs nothing, gives Content-Length (no chunked framing), and a
      // body that fails to read still becomes a clean 500 below instead of a half-written answer.
      const body = await answer.arrayBuffer();
      writeResponse(res, answer, body);
    } catch (error) {
      // The handler turns every error it knows into a contract response; reaching this is a bug. Log it on the
      // server, and give the browser the contract's shape, never a stack trace. Never rethrow: on plain
      // node:http a rejected promise here would be an unhandled rejection, which ends the process.
      console.error('[otpkit] the OTP handler failed; answered 500 internal_error', error);
      writeReply(res, errorReply(new OtpError('internal_error', { message: 'Internal error.' })));
    }
  };
}

/** What Express hands a 4-argument middleware: body-parser's errors carry a `type` and an HTTP `status`. */
type ParserError = { type?: unknown; status?: unknown; statusCode?: unknown };

/**
 * body-parser's refusals (express.json(), express.text(), …) as the contract's errors. Without this, a body that
 * express.json() mounted in front cannot parse gets Express's own HTML error page (with a stack trace and server
 * paths when NODE_ENV is unset), and Express logs the error, whose message quotes the body: a code, a full number.
 */
function parserErrorReply(error: ParserError): Reply | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
    case 'entity.verify.failed':
      return errorReply(new OtpError('invalid_request', { message: 'The body is not valid JSON.' }));
    case 'entity.too.large':
      return errorReply(new OtpError('payload_too_large', { message: 'The body is too large.' }));
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return errorReply(new OtpError('unsupported_media_type', { message: 'Send the body as UTF-8 JSON.' }));
    case 'request.aborted':
    case 'request.size.invalid':
      return errorReply(new OtpError('invalid_request', { message: 'The body was not received whole.' }));
  }
  return undefined;
}

/**
 * Express 4 and 5: the bridge, and an error middleware that answers a body parser's refusal under this mount in
 * the contract's JSON (any other error goes on to the app's own error handling).
 *
 * ```ts
 * app.use(express.json());
 * app.use('/api/otp', toExpress(otp));
 * ```
 *
 * In an `express.Router()`, mount it on the app or put the body parser inside the same router: Express never
 * passes an error into a router it arose outside of.
 */
export function toExpress(otp: Pick<OtpHandler, 'handle'>) {
  const handler = toNodeHandler(otp);
  const parserErrors = async (
    error: unknown,
    _req: NodeRequest,
    res: ServerResponse,
    next: (error?: unknown) => void,
  ): Promise<void> => {
    const reply = typeof error === 'object' && error !== null ? parserErrorReply(error) : undefined;
    if (!reply) return next(error);
    writeReply(res, reply);
  };
  // A plain array: Express takes one as a list of middleware (a readonly tuple does not match its types).
  return [handler, parserErrors];
}

/**
 * What the bridge hands over (see RequestHead): the URL, method and Node's own parsed headers, read in place. The
 * Request is built only if something asks for it, with a signal that aborts when the client goes away.
 */
class NodeRequestHead implements RequestHead {
  #controller: AbortController | undefined;
  #gone = false;
  #request: Request | undefined;

  constructor(
    readonly url: string,
    readonly method: string,
    readonly headers: { get(name: string): string | null },
    readonly init: RequestInit & { duplex?: 'half' },
    readonly rawHeaders: readonly string[],
  ) {}

  toRequest(): Request {
    if (!this.#request) {
      const headers = new Headers();
      const raw = this.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const name = raw[i]!;
        if (!name.startsWith(':')) headers.append(name, raw[i + 1]!); // HTTP/2 pseudo-headers are not headers
      }
      this.#controller = new AbortController();
      if (this.#gone) this.#controller.abort();
      this.#request = new Request(this.url, { ...this.init, headers, signal: this.#controller.signal });
    }
    return this.#request;
  }

  clientGone(): void {
    this.#gone = true;
    this.#controller?.abort();
  }
}

/** Node's parsed headers (names lower-cased; repeated ones joined, as Headers.get joins them) read as Headers. */
function nodeHeaders(req: NodeRequest): { get(name: string): string | null } {
  return {
    get(name: string) {
      const value = req.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** The contract's body cap (http/request.ts): a body declared within it is read here whole. */
const SMALL_BODY_BYTES = 2048;

/**
 * A body no parser has read, with a Content-Length within the contract's cap: read with Node's own stream events
 * instead of through Readable.toWeb and a Web stream reader (Node's parser delivers exactly the declared bytes, so
 * reading it all bounds nothing new). Larger or chunked bodies stay streamed: the handler stops reading them at its
 * cap.
 */
function isSmallBody(req: NodeRequest): boolean {
  if (req.body !== undefined || req.readableEnded || req.method === 'GET' || req.method === 'HEAD') return false;
  const declared = req.headers['content-length'];
  return (
    declared !== undefined && req.headers['transfer-encoding'] === undefined && Number(declared) <= SMALL_BODY_BYTES
  );
}

function readAll(req: NodeRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    // After 'end' this settles nothing; before it, the client went away.
    req.once('close', () => reject(new Error('the request closed before its end')));
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `textBody`: hand a body over as JSON text beside the Request instead of in it (bridge.ts): the result of a body
 * parser that has run already, or `small`, read whole above. Bytes that are not UTF-8 go into the Request, where
 * the handler refuses them as it refuses any.
 */
function toRequest(
  req: NodeRequest,
  textBody: boolean,
  small?: Buffer,
): { request: NodeRequestHead; bodyText?: string } {
  // Only the socket decides the scheme: X-Forwarded-Proto is the client's word unless a proxy is trusted, and
  // that decision belongs to the handler's `trustProxy`.
  const scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  const host = req.headers.host ?? req.headers[':authority'] ?? 'localhost';
  // Express rewrites `req.url` inside a mounted router (`app.use('/auth/otp', ...)` sees `/send`); `originalUrl`
  // keeps the full path. Either works because the handler routes on the last segment.
  const url = new URL(req.originalUrl ?? req.url ?? '/', `${scheme}://${host}`);

  const method = req.method ?? 'GET';
  const init: RequestInit & { duplex?: 'half' } = { method };
  let bodyText: string | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const { body } = req;
    if (body !== undefined) {
      // A body parser already drained the stream (express.json(), Next's bodyParser). Hand the handler the bytes
      // again so its own checks (JSON, 2 KiB limit) still run on them. A string or Buffer (express.text(),
      // express.raw(), Next for non-JSON types) is kept as is.
      if (typeof body === 'string' || body instanceof Uint8Array) init.body = body as Uint8Array<ArrayBuffer>;
      else if (textBody) bodyText = JSON.stringify(body);
      else init.body = JSON.stringify(body);
    } else if (small !== undefined) {
      try {
        bodyText = utf8.decode(small);
      } catch {
        init.body = small as Uint8Array<ArrayBuffer>;
      }
    } else if (!req.readableEnded) {
      // Streamed, not buffered: the handler counts the bytes and stops reading past its limit.
      init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
      init.duplex = 'half';
    }
  }
  return { request: new NodeRequestHead(url.href, method, nodeHeaders(req), init, req.rawHeaders), bodyText };
}

function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const body = reply.body ?? '';
  res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function writeResponse(res: ServerResponse, response: Response, body: ArrayBuffer): void {
  if (res.destroyed || res.headersSent) return;
  res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== 'set-cookie') res.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.setHeader('content-length', body.byteLength);
  res.end(Buffer.from(body));
}
