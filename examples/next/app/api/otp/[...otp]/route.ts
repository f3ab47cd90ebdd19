// docs:next-app-router
// app/api/otp/[...otp]/route.ts
import { toNextHandler } from '@otpkit/bff/next';
import { otp } from '@/lib/otp';

export const { GET, POST } = toNextHandler(otp, {
  // The client's address for the per-IP limit (a route handler has no socket): on Vercel, its own header.
  clientIp: (request) => request.headers.get('x-real-ip') ?? undefined,
});
// docs:end
