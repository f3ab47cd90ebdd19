// Cloudflare Workers (workerd): the handler made on the first request (no crypto at module scope), the client IP
// from CF-Connecting-IP (absent on loopback: the per-IP limit, raised here anyway, is skipped).
import { createApp } from './app.mjs';

let otp;
export default {
  fetch(request) {
    otp ??= createApp();
    return otp.handle(request, { clientIp: request.headers.get('cf-connecting-ip') ?? undefined });
  },
};
