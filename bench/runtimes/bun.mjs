// Bun: Bun.serve, the client IP from server.requestIP.
import { createApp } from './app.mjs';

const otp = createApp();
const served = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: (request, server) => otp.handle(request, { clientIp: server.requestIP(request)?.address }),
});
console.log(`listening on http://127.0.0.1:${served.port}`);
