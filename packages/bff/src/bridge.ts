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

/** `bodyText`: the body as JSON text, when the framework has read it already (then the Request carries none). The
 * rare routes that need a real Response (the JWKS, provider callbacks) still answer one. */
export type BridgeEntry = (
  request: Request,
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
