import { engagelab } from '@otpkit/bff';
import { createEngageLabSimulator } from '@otpkit/bff/testing';
import { describe, expect, it } from 'vitest';
import { changePhone, createTrustedOtp } from './trust.js';

const TO = '+447400123456';
const SECRET = 'example-secret-that-is-at-least-32-bytes-long';

describe('purposes, single use and the funnel', () => {
  it('a change-phone proof is accepted once; a sign-in proof never; the funnel counts every step', async () => {
    const sim = createEngageLabSimulator();
    const { otp, funnel } = createTrustedOtp(engagelab(sim.providerOptions), SECRET);
    const proofFor = async (to: string, purpose: string) => {
      const sent = await otp.api.send({ to, purpose }, { clientIp: '203.0.113.5' });
      const result = await otp.api.verify({ verificationId: sent.verificationId, code: sim.lastCode(to)! });
      if (!result.verified) throw new Error('not verified');
      return result.proof;
    };
    const change = await proofFor(TO, 'change-phone');
    expect(await changePhone(otp, change)).toMatchObject({ ok: true, phone: TO });
    expect(await changePhone(otp, change)).toEqual({ ok: false });
    const signIn = await proofFor('+447400123457', 'sign-in');
    expect(await changePhone(otp, signIn)).toEqual({ ok: false });
    await expect(otp.api.send({ to: TO, purpose: 'sign-up' })).rejects.toMatchObject({ code: 'invalid_request' });
    await otp.api.send({ to: TO, purpose: 'sign-in' }, { clientIp: '203.0.113.5' }).catch(() => {});

    expect(funnel.counts).toEqual({ requested: 3, sent: 2, delivered: 0, verified: 2, consumed: 1 });
    // The used code reopened our resend gate; EngageLab itself still refuses a second code while the first is valid.
    expect(funnel.refused).toEqual({ provider_rate_limited: 1 });
    // The published keys check the proof's signature: what another service would fetch from GET …/jwks.
    expect((await otp.jwks()).keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
  });
});
