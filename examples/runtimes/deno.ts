// Deno.serve. Install the package with npm (`npm install @otpkit/bff`) and set `"nodeModulesDir": "manual"` in
// deno.json, then: `deno run --allow-net --allow-env --allow-read=. deno.ts`.
import { createOtpHandler, engagelab } from '@otpkit/bff';
import { createEngageLabSimulator } from '@otpkit/bff/testing';

// The EngageLab simulator stands in for the provider (no credentials, no network): each "SMS" is printed here.
const simulator = createEngageLabSimulator({
  onSend: ({ to, code }) => console.log(`[simulator] SMS to ${to}: your code is ${code}`),
});
const otp = createOtpHandler({
  provider: engagelab(simulator.providerOptions),
  secret: Deno.env.get('OTP_SECRET') ?? '',
});

// Your own route: "verified" is trusted only through the proof.
async function acceptProof(request: Request): Promise<Response> {
  const { proof } = (await request.json()) as { proof?: unknown };
  const claims = typeof proof === 'string' ? await otp.verifyProof(proof) : null;
  return Response.json(claims ? { accepted: true, to: claims.to } : { accepted: false });
}

const port = Number(Deno.env.get('PORT') ?? 3000);
const onListen = ({ port }: { port: number }) => console.log(`listening on http://127.0.0.1:${port}`);
// docs:deno
Deno.serve({ hostname: '127.0.0.1', port, onListen }, (request, info) => {
  const { pathname } = new URL(request.url);
  if (pathname.startsWith('/api/otp/')) return otp.handle(request, { clientIp: info.remoteAddr.hostname });
  if (pathname === '/api/proof' && request.method === 'POST') return acceptProof(request);
  return new Response('Not found', { status: 404 });
});
// docs:end
