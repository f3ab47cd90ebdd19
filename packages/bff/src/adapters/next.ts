import type { OtpHandler } from '../types.js';

/**
 * Next.js App Router route handlers. In `app/api/otp/[...otp]/route.ts`:
 *
 * ```ts
 * export const { POST } = toNextHandler(otp);
 * ```
 *
 * App Router handlers receive a Web Request and no socket, so the handler gets no client IP and cannot apply its
 * per-IP send limit on its own. Behind a proxy that sets the header (Vercel, a load balancer you run), create the
 * handler with `trustProxy: true` (X-Forwarded-For) or `trustProxy: (request) => request.headers.get('x-real-ip')
 * ?? undefined` so the limit keys on the real client. Pages Router API routes use `toNodeHandler` instead.
 */
export function toNextHandler(otp: Pick<OtpHandler, 'handle'>) {
  // Next passes a second argument ({ params }); the handler routes on the URL's last segment and ignores it.
  return { POST: (request: Request): Promise<Response> => otp.handle(request) };
}
