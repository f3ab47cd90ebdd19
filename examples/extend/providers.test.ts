// The README's provider snippets, run: each provider through the real handler, on its simulator.
import { createOtpHandler, type OtpProvider } from '@otpkit/bff';
import {
  createEngageLabSimulator,
  createTwilioSimulator,
  createUnimtxSimulator,
  type FetchLike,
} from '@otpkit/bff/testing';
import { describe, expect, it } from 'vitest';
import {
  chatProvider,
  failoverProvider,
  type ProviderEnv,
  smtpProvider,
  twilioProvider,
  unimtxProvider,
} from './providers.js';

const engagelabSim = createEngageLabSimulator();
const unimtxSim = createUnimtxSimulator({ accessKeySecret: 'example-unimtx-secret-0123456789' });
const twilioSim = createTwilioSimulator();

const env: ProviderEnv = {
  ENGAGELAB_DEV_KEY: engagelabSim.devKey,
  ENGAGELAB_DEV_SECRET: engagelabSim.devSecret,
  ENGAGELAB_TEMPLATE_ID: engagelabSim.templateId,
  UNIMTX_ACCESS_KEY_ID: unimtxSim.accessKeyId,
  UNIMTX_ACCESS_KEY_SECRET: 'example-unimtx-secret-0123456789',
  TWILIO_ACCOUNT_SID: twilioSim.accountSid,
  TWILIO_AUTH_TOKEN: twilioSim.authToken,
  TWILIO_VERIFY_SERVICE_SID: twilioSim.serviceSid,
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: 1,
  SMTP_USER: 'mailer',
  SMTP_PASS: 'mailer-password',
};
const quiet = { info() {}, warn() {}, error() {} };

/** Sends and verifies the delivered code through a real handler. */
async function roundTrip(provider: OtpProvider, to: string, lastCode: () => string | undefined) {
  const otp = createOtpHandler({ provider, secret: 'example-providers-secret-0123456789abcdef', logger: quiet });
  const sent = await otp.api.send({ to, locale: 'en' }, { clientIp: '203.0.113.9' });
  const result = await otp.api.verify({ verificationId: sent.verificationId, code: lastCode() ?? '' });
  return { sent, result };
}

describe('the README provider snippets', () => {
  it('twilio', async () => {
    const { result } = await roundTrip(twilioProvider({ ...env, fetch: twilioSim.fetch }), '+14155552345', () =>
      twilioSim.lastCode('+14155552345'),
    );
    expect(result.verified).toBe(true);
  });

  it('unimtx in custom mode', async () => {
    const { result } = await roundTrip(unimtxProvider({ ...env, fetch: unimtxSim.fetch }), '+12068800123', () =>
      unimtxSim.lastCode('+12068800123'),
    );
    expect(result.verified).toBe(true);
    expect(unimtxSim.messages.at(-1)).toMatchObject({ custom: true, intent: 'signup', templateId: 'tpl-en' });
  });

  it('customCodes over a chat API', async () => {
    const texts: string[] = [];
    const provider = chatProvider(async (_to, text) => {
      texts.push(text);
      return { ok: true };
    });
    const { sent, result } = await roundTrip(provider, '+447400123456', () => texts.at(-1)?.match(/\d{6}/)?.[0]);
    expect(sent.channel).toBe('whatsapp');
    expect(result.verified).toBe(true);
    const blocked = chatProvider(async () => ({ ok: false, blocked: true }));
    await expect(roundTrip(blocked, '+447400123457', () => undefined)).rejects.toMatchObject({ code: 'undeliverable' });
  });

  it('smtpEmail is configured (the SMTP round trip is in packages/bff: smtp.test.ts)', () => {
    const provider = smtpProvider(env);
    expect([provider.name, provider.codeSource]).toEqual(['smtp', 'local']);
  });

  it('failover: EngageLab down, UniMTX delivers', async () => {
    const lines: string[] = [];
    const logger = { ...quiet, info: (m: string, f?: Record<string, unknown>) => lines.push(`${m} ${f?.provider}`) };
    // Both simulators behind one fetch, by host.
    const fetch: FetchLike = (input, init) =>
      String(input).includes('engagelab') ? engagelabSim.fetch(input, init) : unimtxSim.fetch(input, init);
    engagelabSim.inject({ code: 1000 });
    const { result } = await roundTrip(failoverProvider({ ...env, fetch }, logger), '+12068800999', () =>
      unimtxSim.lastCode('+12068800999'),
    );
    expect(result.verified).toBe(true);
    expect(lines).toEqual(['failover: sent unimtx-custom']);
  });
});
