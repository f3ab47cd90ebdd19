import { randomBytes } from 'node:crypto';
import type { OtpHandler } from '@otpkit/bff';
// docs:create-handler-import
import { createOtpHandler, engagelab } from '@otpkit/bff';
// docs:end
import { createEngageLabSimulator } from '@otpkit/bff/testing';

export interface InboxMessage {
  to: string;
  code: string;
  sentAt: string;
}

interface ExampleOtp {
  otp: OtpHandler;
  /** Set when no EngageLab credentials are configured: codes land here instead of on a phone. */
  inbox: InboxMessage[] | null;
}

function createExampleOtp(): ExampleOtp {
  const codeTtlSeconds = Number(process.env.OTP_CODE_TTL_SECONDS ?? 300);

  const { ENGAGELAB_DEV_KEY, ENGAGELAB_DEV_SECRET, ENGAGELAB_TEMPLATE_ID, OTP_SECRET } = process.env;
  if (ENGAGELAB_DEV_KEY && ENGAGELAB_DEV_SECRET && ENGAGELAB_TEMPLATE_ID) {
    // Real credentials: a random per-process secret would break every open verification on each restart.
    if (!OTP_SECRET) throw new Error('Set OTP_SECRET (32+ bytes, e.g. `openssl rand -base64 32`).');
    // docs:create-handler
    const otp = createOtpHandler({
      provider: engagelab({
        devKey: ENGAGELAB_DEV_KEY,
        devSecret: ENGAGELAB_DEV_SECRET,
        templateId: ENGAGELAB_TEMPLATE_ID,
      }),
      secret: OTP_SECRET, // server key for ids, proofs and code hashes: 32+ bytes
      codeTtlSeconds: 300, // the template's code lifetime
    });
    // docs:end
    return { otp, inbox: null };
  }

  // Simulator mode (no credentials): the demo's "phone" is the inbox below.
  const secret = OTP_SECRET ?? randomBytes(32).toString('base64url');
  if (!OTP_SECRET) console.warn('OTP_SECRET is not set: using a random one for this process.');
  const inbox: InboxMessage[] = [];
  const simulator = createEngageLabSimulator({
    templates: { 'otpkit-demo': { ttlSeconds: codeTtlSeconds } },
    onSend: (message) => {
      console.log(`[simulator] SMS to ${message.to}: your code is ${message.code}`);
      inbox.push({ to: message.to, code: message.code, sentAt: new Date(message.at).toISOString() });
      if (inbox.length > 50) inbox.shift();
    },
  });
  const provider = engagelab(simulator.providerOptions);
  return { otp: createOtpHandler({ provider, secret, codeTtlSeconds }), inbox };
}

// Next bundles each route on its own, so a module-level singleton would give every route its own handler (and
// its own in-memory store and simulator). One instance per process, kept on globalThis, is shared by all routes.
const shared = globalThis as typeof globalThis & { __otpkitExample?: ExampleOtp };
shared.__otpkitExample ??= createExampleOtp();
export const { otp, inbox } = shared.__otpkitExample;
