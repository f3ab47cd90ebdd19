// Bun.serve. Run: `bun bun.ts`, with OTP_SECRET (32+ bytes) and PORT set.
import { createOtpHandler, engagelab } from '@otpkit/bff';
import { createEngageLabSimulator } from '@otpkit/bff/testing';

// The EngageLab simulator stands in for the provider (no credentials, no network): each "SMS" is printed here.
const simulator = createEngageLabSimulator({
  onSend: ({ to, code }) => console.log(`[simulator] SMS to ${to}: your code is ${code}`),
});
const otp = createOtpHandler({ provider: engagelab(simulator.providerOptions), secret: process.env.OTP_SECRET ?? '' });

// Your own route: "verified" is trusted only through the proof.
async function acceptProof(request: Request): Promise<Response> {
  const { proof } = (await request.json()) as { proof?: unknown };
  const claims = typeof proof === 'string' ? await otp.verifyProof(proof) : null;
  return Response.json(claims ? { accepted: true, to: claims.to } : { accepted: false });
}

// docs:bun
const served = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.env.PORT ?? 3000),
  fetch(request, server) {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/api/otp/')) return otp.handle(request, { clientIp: server.requestIP(request)?.address });
    if (pathname === '/api/proof' && request.method === 'POST') return acceptProof(request);
    return new Response('Not found', { status: 404 });
  },
});
// docs:end
console.log(`listening on http://127.0.0.1:${served.port}`);
