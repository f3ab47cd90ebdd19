// Fastify 5 on Node, with the `@otpkit/bff/fastify` plugin. Run: `node fastify.js` after compiling (the e2e test
// compiles it with esbuild), with OTP_SECRET (32+ bytes) and PORT set.
import { createOtpHandler, engagelab } from '@otpkit/bff';
// docs:fastify-import
import { toFastify } from '@otpkit/bff/fastify';
// docs:end
import { createEngageLabSimulator } from '@otpkit/bff/testing';
import Fastify from 'fastify';

// The EngageLab simulator stands in for the provider (no credentials, no network): each "SMS" is printed here.
// With credentials, pass engagelab({ devKey, devSecret, templateId }) as in "Create the handler".
const simulator = createEngageLabSimulator({
  onSend: ({ to, code }) => console.log(`[simulator] SMS to ${to}: your code is ${code}`),
});
const otp = createOtpHandler({ provider: engagelab(simulator.providerOptions), secret: process.env.OTP_SECRET ?? '' });

const app = Fastify();
// docs:fastify
await app.register(toFastify(otp), { prefix: '/api/otp' }); // the client IP is Fastify's request.ip
// docs:end

// Your own route, with Fastify's JSON parser as usual: "verified" is trusted only through the proof.
app.post('/api/proof', async (request) => {
  const { proof } = request.body as { proof?: unknown };
  const claims = typeof proof === 'string' ? await otp.verifyProof(proof) : null;
  return claims ? { accepted: true, to: claims.to } : { accepted: false };
});

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) });
console.log(`listening on ${address}`);
