import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OtpError } from '../errors.js';
import type { OtpHandler } from '../types.js';

/** The contract's body cap (docs/http-contract.md), and the larger one of the provider callback route. */
const BODY_LIMIT = 2048;
const CALLBACK_BODY_LIMIT = 256 * 1024;

/**
 * Fastify 5: a plugin that serves the contract under the prefix it is registered with.
 *
 * ```ts
 * await app.register(toFastify(otp), { prefix: '/api/otp' }); // import { toFastify } from '@otpkit/bff/fastify'
 * ```
 *
 * Fastify reads and parses a body before the route runs. Inside this plugin's scope (and only there: the plugin is
 * encapsulated, the app's own parsers and routes are untouched) every body is kept as its raw bytes, at most the
 * contract's 2 KiB, so the handler's own checks (content type, size, JSON) run on exactly what the client sent.
 * Fastify's own refusals in this scope (body too large, a Content-Length that lies, an aborted upload) are answered
 * in the contract's JSON; any other error goes on to the app's error handler.
 *
 * The client IP given to the handler is Fastify's `request.ip`: the socket's address, or, when the app set
 * Fastify's `trustProxy`, the address the trusted proxy reports (as are `request.protocol` and `request.host`, which
 * build the URL the Origin check compares against).
 */
export function toFastify(otp: Pick<OtpHandler, 'handle'>) {
  return async function otpkit(scope: FastifyInstance): Promise<void> {
    scope.removeAllContentTypeParsers();
    // '*' also takes a body sent without a Content-Type: the handler answers that 415 itself.
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.setErrorHandler(async (error: unknown, _request, reply) => {
      const refusal = fastifyErrorResponse(error);
      // Not ours (an app hook's 401, a bug): thrown on to the app's error handler, as if this scope had none.
      if (!refusal) throw error;
      return send(reply, refusal);
    });
    const handler = (request: FastifyRequest, reply: FastifyReply) => serve(otp, request, reply);
    // Delivery reports from the provider are larger than a browser's contract body.
    scope.all('/callbacks/*', { bodyLimit: CALLBACK_BODY_LIMIT }, handler);
    scope.all('/*', { bodyLimit: BODY_LIMIT }, handler);
  };
}

async function serve(otp: Pick<OtpHandler, 'handle'>, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // A client that goes away aborts the Request's signal, so the handler can stop waiting for the provider.
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });

  let webRequest: Request;
  try {
    webRequest = toRequest(request, controller.signal);
  } catch {
    return send(
      reply,
      new OtpError('invalid_request', { message: 'The Host header or the parsed body is malformed.' }).toResponse(),
    );
  }

  let response: Response;
  try {
    response = await otp.handle(webRequest, { clientIp: request.ip });
  } catch (error) {
    // The handler turns every error it knows into a contract response; reaching this is a bug.
    request.log.error({ err: error }, '[otpkit] the OTP handler failed; answered 500 internal_error');
    response = new OtpError('internal_error', { message: 'Internal error.' }).toResponse();
  }
  return send(reply, response);
}

function toRequest(request: FastifyRequest, signal: AbortSignal): Request {
  const url = new URL(request.url, `${request.protocol}://${request.host || 'localhost'}`);
  const headers = new Headers();
  const raw = request.raw.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (!name.startsWith(':')) headers.append(name, raw[i + 1]!); // HTTP/2 pseudo-headers are not headers
  }
  const init: RequestInit = { method: request.method, headers, signal };
  const { body } = request;
  if (request.method !== 'GET' && request.method !== 'HEAD' && body !== undefined && body !== null) {
    // Our parser hands over a Buffer. A string or an object can only come from an app hook that replaced the body:
    // an object is serialised again, so the handler's JSON and size checks still apply.
    init.body =
      typeof body === 'string' || body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body);
  }
  return new Request(url, init);
}

/** What Fastify puts on the errors it raises itself. */
type FastifyErrorLike = { code?: unknown; statusCode?: unknown };

/** Fastify's own refusals of a request's body, as the contract's errors; undefined for any other error. */
function fastifyErrorResponse(error: unknown): Response | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as FastifyErrorLike;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new OtpError('payload_too_large', { message: 'The body is too large.' }).toResponse();
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new OtpError('unsupported_media_type', {
      message: 'Send the body as Content-Type: application/json.',
    }).toResponse();
  }
  if (typeof code === 'string' && code.startsWith('FST_ERR_CTP_')) {
    return new OtpError('invalid_request', { message: 'The body was not received whole.' }).toResponse();
  }
  // The body stream failed (the client aborted, a malformed chunked encoding): Node's errors, status 400 from Fastify.
  if (
    statusCode === 400 &&
    (code === 'ECONNRESET' || code === 'ECONNABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE')
  ) {
    return new OtpError('invalid_request', { message: 'The body was not received whole.' }).toResponse();
  }
  return undefined;
}

async function send(reply: FastifyReply, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  reply.code(response.status);
  for (const [name, value] of response.headers) if (name !== 'set-cookie') reply.header(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header('set-cookie', cookies);
  // Not awaited: the handler resolves with nothing once the reply is sent, which Fastify takes as answered.
  reply.send(body);
}
