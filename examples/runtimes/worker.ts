// Cloudflare Workers (run locally on workerd; deploy with wrangler). The store is Redis over HTTPS (@upstash/redis):
// a Worker runs in many isolates, so the memory store refuses to start here. Bindings: OTP_SECRET (32+ bytes),
// UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN.
import { createOtpHandler, engagelab, type OtpHandler } from '@otpkit/bff';
import { redisStore } from '@otpkit/bff/redis';
import { createEngageLabSimulator } from '@otpkit/bff/testing';
import { Redis } from '@upstash/redis/cloudflare';

interface Env {
  OTP_SECRET: string;
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
}

// The EngageLab simulator stands in for the provider (no credentials, no network): each "SMS" is logged here. It
// lives in one isolate, which is fine on workerd locally; with credentials, pass engagelab({ devKey, … }).
const simulator = createEngageLabSimulator({
  onSend: ({ to, code }) => console.log(`[simulator] SMS to ${to}: your code is ${code}`),
});

// docs:workers-handler
// Made on the first request, because the secret and the store's credentials are bindings.
let otp: OtpHandler | undefined;
function otpFor(env: Env): OtpHandler {
  otp ??= createOtpHandler({
    provider: engagelab(simulator.providerOptions), // or engagelab({ devKey: env.ENGAGELAB_DEV_KEY, … })
    secret: env.OTP_SECRET,
    store: redisStore({ client: Redis.fromEnv(env) }),
  });
  return otp;
}
// docs:end

// Your own route: "verified" is trusted only through the proof.
async function acceptProof(otp: OtpHandler, request: Request): Promise<Response> {
  const { proof } = (await request.json()) as { proof?: unknown };
  const claims = typeof proof === 'string' ? await otp.verifyProof(proof) : null;
  return Response.json(claims ? { accepted: true, to: claims.to } : { accepted: false });
}

// docs:workers
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    const otp = otpFor(env);
    // Cloudflare's edge sets CF-Connecting-IP to the client's address (a client cannot set it on a Worker's route).
    const clientIp = request.headers.get('cf-connecting-ip') ?? undefined;
    if (pathname.startsWith('/api/otp/')) return otp.handle(request, { clientIp });
    if (pathname === '/api/proof' && request.method === 'POST') return acceptProof(otp, request);
    return new Response('Not found', { status: 404 });
  },
};
// docs:end
