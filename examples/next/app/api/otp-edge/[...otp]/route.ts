// The same contract on Next's edge runtime (here at /api/otp-edge, beside the Node route). Edge code runs in many
// isolates, so the memory store refuses to start there: the store is Redis over HTTPS (@upstash/redis).
// docs:next-edge
// app/api/otp/[...otp]/route.ts
import { createOtpHandler, engagelab, type OtpHandler } from '@otpkit/bff';
import { toNextHandler } from '@otpkit/bff/next';
import { redisStore } from '@otpkit/bff/redis';
import { createEngageLabSimulator } from '@otpkit/bff/testing';
import { Redis } from '@upstash/redis';

// The EngageLab simulator stands in for the provider (in this route's own isolate): its "SMS" is logged.
const simulator = createEngageLabSimulator({
  onSend: ({ to, code }) => console.log(`[simulator] SMS to ${to}: your code is ${code}`),
});

export const runtime = 'edge';

// Made on the first request: the build evaluates this module without the runtime's variables.
let otp: OtpHandler | undefined;
function edgeOtp(): OtpHandler {
  const secret = process.env.OTP_SECRET;
  if (!secret) throw new Error('Set OTP_SECRET: every isolate must sign with the same key.');
  otp ??= createOtpHandler({
    provider: engagelab(simulator.providerOptions), // or engagelab({ devKey, devSecret, templateId })
    secret,
    store: redisStore({ client: Redis.fromEnv() }), // UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN
  });
  return otp;
}

export const { POST } = toNextHandler(
  { handle: (request, context) => edgeOtp().handle(request, context) },
  { clientIp: (request) => request.headers.get('x-real-ip') ?? undefined },
);
// docs:end
