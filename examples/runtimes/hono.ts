// Hono on Node (@hono/node-server). Run: `node hono.js` after compiling (the e2e test compiles it with esbuild),
// with OTP_SECRET (32+ bytes) and PORT set.
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createOtpHandler, engagelab } from '@otpkit/bff';
import { createEngageLabSimulator } from '@otpkit/bff/testing';
import { Hono } from 'hono';

// The EngageLab simulator stands in for the provider (no credentials, no network): each "SMS" is printed here.
const simulator = createEngageLabSimulator({
  onSend: ({ to, code }) => console.log(`[simulator] SMS to ${to}: your code is ${code}`),
});
const otp = createOtpHandler({ provider: engagelab(simulator.providerOptions), secret: process.env.OTP_SECRET ?? '' });

const app = new Hono();
// docs:hono
// Hono hands over the untouched Web Request. getConnInfo: from '@hono/node-server/conninfo' ('hono/bun' on Bun).
app.all('/api/otp/*', (c) => otp.handle(c.req.raw, { clientIp: getConnInfo(c).remote.address }));
// docs:end

// Your own route: "verified" is trusted only through the proof.
app.post('/api/proof', async (c) => {
  const { proof } = await c.req.json<{ proof?: unknown }>();
  const claims = typeof proof === 'string' ? await otp.verifyProof(proof) : null;
  return c.json(claims ? { accepted: true, to: claims.to } : { accepted: false });
});

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 3000) }, ({ port }) =>
  console.log(`listening on http://127.0.0.1:${port}`),
);
