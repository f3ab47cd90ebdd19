// Deno: Deno.serve, the client IP from info.remoteAddr.
import { createApp } from './app.mjs';

const otp = createApp();
Deno.serve(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
  },
  (request, info) => otp.handle(request, { clientIp: info.remoteAddr.hostname }),
);
