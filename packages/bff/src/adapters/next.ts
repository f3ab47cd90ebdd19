import type { OtpHandler } from '../types.js';

export interface NextHandlerOptions {
  /**
   * The client's address, for the per-IP send limit: a route handler gets no socket. Read it from the header your
   * platform sets and the client cannot forge: on Vercel `(request) => request.headers.get('x-real-ip') ??
   * undefined`; behind your own proxy, the header it writes (or the handler's `trustProxy`). Unset: no per-IP limit,
   * and the handler warns once.
   */
  clientIp?: (request: Request) => string | undefined;
}

/**
 * Next.js App Router route handlers (Node and edge runtime). In `app/api/otp/[...otp]/route.ts`:
 *
 * ```ts
 * export const { GET, POST } = toNextHandler(otp, { clientIp: (request) => request.headers.get('x-real-ip') ?? undefined });
 * ```
 *
 * Pages Router API routes use `toNodeHandler` from `@otpkit/bff/node` instead.
 */
export function toNextHandler(otp: Pick<OtpHandler, 'handle'>, options: NextHandlerOptions = {}) {
  const { clientIp } = options;
  // Next passes a second argument ({ params }); the handler routes on the URL's last segment and ignores it.
  const handle = (request: Request): Promise<Response> =>
    otp.handle(request, clientIp ? { clientIp: clientIp(request) } : {});
  // GET serves `…/jwks` (the proofs' public keys); every other route answers GET with 405.
  return { GET: handle, POST: handle };
}
