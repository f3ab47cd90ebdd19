// How the package's own adapters reach a handler made by createOtpHandler without a Web Request/Response round
// trip where their framework has already done the work: a body it parsed comes in as text (no stream to build and
// read back), and the answer comes out as status, headers and text (no Response to build and read back). Same
// routes, checks and bytes as `handle`. Not public API: a symbol key that the OtpHandler type does not list, so a
// handler that an app wraps in its own `{ handle }` simply takes the public path.
import type { RequestContext } from './types.js';

/** An answer before it becomes a Response. */
export interface Reply {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string | null;
}

/**
 * What the contract reads of a request: its URL, method and headers. A Web Request is one. The Node bridge hands
 * over a lighter one, because undici's Request costs a Headers copy and an AbortController per request (profiled:
 * about 5% of a verify's CPU, more than all of the flow's own code), and the handler reads three headers. The real
 * Request is made only when something needs it (`toRequest`): a body to stream, a provider callback, an app hook
 * that is given the request, a `trustProxy` function.
 */
export interface RequestHead {
  readonly url: string;
  readonly method: string;
  readonly headers: { get(name: string): string | null };
  /** The Request itself, made on the first call. */
  toRequest(): Request;
}

/** The Request behind a head (a Web Request is its own). */
export const asRequest = (request: Request | RequestHead): Request =>
  request instanceof Request ? request : request.toRequest();

/** `bodyText`: the body as JSON text, when the framework has read it already (then the request carries none). The
 * rare routes that need a real Response (the JWKS, provider callbacks) still answer one. */
export type BridgeEntry = (
  request: Request | RequestHead,
  context: Omit<RequestContext, 'request'>,
  bodyText?: string,
) => Promise<Reply | Response>;

/** Symbol.for, not Symbol(): an app that ends up with two copies of the package still finds the entry. */
export const BRIDGE = Symbol.for('otpkit.bridge');

/** The handler's bridge entry, when it has one. */
export function bridgeOf(otp: object): BridgeEntry | undefined {
  if (!(BRIDGE in otp)) return undefined;
  const entry = otp[BRIDGE];
  return typeof entry === 'function' ? (entry as BridgeEntry) : undefined;
}

export function toWebResponse(answer: Reply | Response): Response {
  return answer instanceof Response ? answer : new Response(answer.body, answer);
}
