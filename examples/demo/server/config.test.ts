import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.js';

describe('readConfig', () => {
  it('runs on the simulator with the contract defaults when nothing is set', () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      provider: 'engagelab',
      simulator: true,
      secretGenerated: true,
      codeTtlSeconds: 300,
      maxAttempts: 5,
      resendCooldownSeconds: 60,
      port: 3000,
      redisUrl: undefined,
    });
    expect(Buffer.byteLength(config.secret)).toBeGreaterThanOrEqual(32);
    expect(readConfig({}).secret).not.toBe(config.secret);
  });

  it("OTP_BOT_CHECK=turnstile: Cloudflare's test keys on the simulator, or real keys (both needed)", () => {
    expect(readConfig({}).botCheck).toBeUndefined();
    expect(readConfig({ OTP_BOT_CHECK: 'turnstile' }).botCheck).toEqual({
      service: 'turnstile',
      sitekey: '1x00000000000000000000AA',
      secret: '1x0000000000000000000000000000000AA',
      simulated: true,
    });
    expect(() => readConfig({ OTP_BOT_CHECK: 'turnstile', TURNSTILE_SECRET_KEY: 'real' })).toThrow(
      new ConfigError('TURNSTILE_SITE_KEY is required when Turnstile credentials are set.'),
    );
    expect(
      readConfig({ OTP_BOT_CHECK: 'turnstile', TURNSTILE_SECRET_KEY: 'real', TURNSTILE_SITE_KEY: '0x4AAA' }).botCheck,
    ).toEqual({ service: 'turnstile', sitekey: '0x4AAA', secret: 'real', simulated: false });
    expect(() => readConfig({ OTP_BOT_CHECK: 'recaptcha' })).toThrow(/OTP_BOT_CHECK/);
  });

  it('talks to EngageLab when its credentials are set, and needs the template id then', () => {
    const creds = { ENGAGELAB_DEV_KEY: 'key', ENGAGELAB_DEV_SECRET: 'secret' };
    expect(() => readConfig(creds)).toThrow(
      new ConfigError('ENGAGELAB_TEMPLATE_ID is required when EngageLab credentials are set.'),
    );
    const config = readConfig({ ...creds, ENGAGELAB_TEMPLATE_ID: 'tpl', OTP_PROVIDER: 'engagelab-custom' });
    expect(config).toMatchObject({ provider: 'engagelab-custom', simulator: false, engagelab: { templateId: 'tpl' } });
  });

  it('picks UniMTX when only its credentials are set, and runs UniMTX on its simulator without them', () => {
    expect(readConfig({ UNIMTX_ACCESS_KEY_ID: 'id' })).toMatchObject({ provider: 'unimtx', simulator: false });
    expect(readConfig({ OTP_PROVIDER: 'unimtx' })).toMatchObject({ provider: 'unimtx', simulator: true });
    expect(readConfig({ OTP_PROVIDER: 'unimtx-custom' })).toMatchObject({ provider: 'unimtx-custom', simulator: true });
  });

  it('runs Twilio Verify and SMTP on their simulators until their settings are complete', () => {
    expect(readConfig({ OTP_PROVIDER: 'twilio' })).toMatchObject({ provider: 'twilio', simulator: true });
    expect(() => readConfig({ OTP_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC1' })).toThrow(
      new ConfigError('TWILIO_VERIFY_SERVICE_SID is required when Twilio credentials are set.'),
    );
    expect(() =>
      readConfig({ OTP_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC1', TWILIO_VERIFY_SERVICE_SID: 'VA1' }),
    ).toThrow(/TWILIO_API_KEY is required/);
    const twilio = readConfig({
      OTP_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_VERIFY_SERVICE_SID: 'VA1',
      TWILIO_AUTH_TOKEN: 'token',
    });
    expect(twilio).toMatchObject({
      simulator: false,
      twilio: { accountSid: 'AC1', serviceSid: 'VA1', authToken: 'token' },
    });
    expect(readConfig({ OTP_PROVIDER: 'smtp' })).toMatchObject({ provider: 'smtp', simulator: true });
    expect(() => readConfig({ OTP_PROVIDER: 'smtp', SMTP_HOST: 'mail.example.com' })).toThrow(/SMTP_FROM is required/);
    expect(
      readConfig({ OTP_PROVIDER: 'smtp', SMTP_HOST: 'mail.example.com', SMTP_FROM: 'a@example.com', SMTP_PORT: '465' }),
    ).toMatchObject({ simulator: false, smtp: { host: 'mail.example.com', port: 465, from: 'a@example.com' } });
  });

  it('rejects bad values with the variable named', () => {
    expect(() => readConfig({ OTP_PROVIDER: 'carrier-pigeon' })).toThrow(/OTP_PROVIDER must be one of/);
    expect(() => readConfig({ OTP_CODE_TTL_SECONDS: '4s' })).toThrow(/OTP_CODE_TTL_SECONDS must be an integer/);
    expect(() => readConfig({ OTP_RESEND_COOLDOWN_SECONDS: '0' })).toThrow(/OTP_RESEND_COOLDOWN_SECONDS/);
    expect(() => readConfig({ OTP_SECRET: 'short' })).toThrow(/at least 32 bytes/);
  });

  it('reads the numbers, the secret and REDIS_URL', () => {
    const secret = 'x'.repeat(32);
    const config = readConfig({
      OTP_SECRET: secret,
      OTP_CODE_TTL_SECONDS: '4',
      PORT: '0',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(config).toMatchObject({
      secret,
      secretGenerated: false,
      codeTtlSeconds: 4,
      port: 0,
      redisUrl: 'redis://127.0.0.1:1',
    });
  });
});
