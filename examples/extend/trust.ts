// Proofs, purposes, single use and events as an app wires them: the bff README's "Purposes and proofs other
// services trust" and "Events" sections are cut from here.
import type { OtpEvent, OtpHandler, OtpProvider } from '@otpkit/bff';
// docs:purposes-import
import { createOtpHandler } from '@otpkit/bff';
// docs:end

// docs:funnel
/** Conversion and refusals, fed by `onEvent`: what the demo's funnel panel shows. */
export function createFunnel() {
  const counts = { requested: 0, sent: 0, delivered: 0, verified: 0, consumed: 0 };
  const refused: Record<string, number> = {};
  return {
    counts,
    refused,
    record(event: OtpEvent) {
      switch (event.type) {
        case 'send_requested':
          counts.requested++;
          break;
        case 'sent':
        case 'resent':
          counts.sent++;
          break;
        case 'delivery':
          if (event.status === 'delivered') counts.delivered++;
          break;
        case 'verified':
          counts.verified++;
          break;
        case 'proof_consumed':
          counts.consumed++;
          break;
        case 'send_refused':
          refused[event.reason] = (refused[event.reason] ?? 0) + 1;
          break;
      }
    },
  };
}
// docs:end

export function createTrustedOtp(provider: OtpProvider, secret: string, funnel = createFunnel()) {
  // docs:purposes
  const otp = createOtpHandler({
    provider,
    secret,
    // The browser names one on send: `{ to, purpose: 'change-phone' }`. Unknown purposes are a 400.
    purposes: {
      'sign-in': {},
      'change-phone': { maxAttempts: 3, proofTtlSeconds: 120 },
    },
    proofIssuer: 'https://app.example.com',
    // Every step as a typed event, recipients masked; a throwing listener never breaks a request.
    onEvent: (event) => funnel.record(event),
  });
  // docs:end
  return { otp, funnel };
}

// docs:consume-proof
/** The app's "change my phone number" endpoint: a proof of that purpose, accepted once. */
export async function changePhone(otp: OtpHandler, proof: string) {
  // null for a forged or expired proof, one of another purpose (a sign-in proof), or one already used, on any
  // instance sharing the store.
  const claims = await otp.consumeProof(proof, { purpose: 'change-phone' });
  if (claims === null) return { ok: false as const };
  // claims.to is the verified number, in full: save it as the user's phone here.
  return { ok: true as const, phone: claims.to, verifiedAt: new Date(claims.verifiedAt) };
}
// docs:end
