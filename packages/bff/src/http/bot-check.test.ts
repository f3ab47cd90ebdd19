// The bot check through the real handler: Turnstile's siteverify (simulated) in front of every send and resend,
// before any limit is counted or the provider is called.
import { describe, expect, it } from 'vitest';
import { hcaptcha } from '../bot-checks/hcaptcha.js';
import { recaptcha } from '../bot-checks/recaptcha.js';
import { TURNSTILE_TEST_KEYS, turnstile } from '../bot-checks/turnstile.js';
import type { OtpEvent } from '../flow/events.js';
import { createSiteverifySimulator } from '../testing/siteverify-simulator.js';
import type { OtpHandlerOptions } from '../types.js';
import { setup } from './handler.test-helpers.js';

const TO = '+447400123456';

function withTurnstile(options: Partial<OtpHandlerOptions> = {}, whenUnavailable?: 'refuse' | 'allow') {
  const captcha = createSiteverifySimulator({ service: 'turnstile' });
  const verify = turnstile({ secret: captcha.secret, fetch: captcha.fetch, hostname: 'app.test' });
  const events: OtpEvent[] = [];
  const t = setup('unimtx', {
    botCheck: whenUnavailable ? { verify, whenUnavailable } : verify,
    onEvent: (e) => {
      events.push(e);
    },
    ...options,
  });
  const token = () => captcha.issue({ hostname: 'app.test' });
  return { ...t, captcha, token, events };
}

describe('botCheck through the handler', () => {
  it('a send without a token is 403 bot_check_failed: no siteverify call, no provider call', async () => {
    const t = withTurnstile();
    const res = await t.post('send', { to: TO });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('bot_check_failed');
    expect(res.body.error.message).toMatch(/botToken/);
    expect(t.captcha.requests).toHaveLength(0);
    expect(t.providerSends()).toBe(0);
    expect(t.events.at(-1)).toMatchObject({ type: 'send_refused', reason: 'bot_check' });
  });

  it('a solved token sends; siteverify got the secret, the token and the client IP; nothing leaks', async () => {
    const t = withTurnstile();
    const botToken = t.token();
    const res = await t.post('send', { to: TO, botToken }, { ip: '198.51.100.23' });
    expect(res.status).toBe(200);
    expect(t.providerSends()).toBe(1);
    expect(t.captcha.requests).toEqual([
      expect.objectContaining({ secret: t.captcha.secret, response: botToken, remoteip: '198.51.100.23' }),
    ]);
    expect(t.responses.join('\n')).not.toContain(t.captcha.secret);
    expect(t.logText()).not.toContain(t.captcha.secret);
    expect(t.logText()).not.toContain(botToken);
  });

  it('resend needs a fresh token: the send token again is spent (403), a new one resends', async () => {
    const t = withTurnstile();
    const botToken = t.token();
    const sent = await t.post('send', { to: TO, botToken });
    t.clock.advance(61);
    const again = await t.post('resend', { verificationId: sent.body.verificationId, botToken });
    expect(again.status).toBe(403);
    expect(again.body.error).toMatchObject({ code: 'bot_check_failed', message: expect.stringMatching(/fresh/) });
    const none = await t.post('resend', { verificationId: sent.body.verificationId });
    expect(none.body.error.code).toBe('bot_check_failed');
    expect(t.providerSends()).toBe(1);
    const resent = await t.post('resend', { verificationId: sent.body.verificationId, botToken: t.token() });
    expect(resent.status).toBe(200);
    expect(resent.body.verificationId).not.toBe(sent.body.verificationId);
    expect(t.providerSends()).toBe(2);
  });

  it('refused tokens spend none of the limits an attacker could use to lock out a victim', async () => {
    const t = withTurnstile();
    // 50 tries at the victim's number from one address: forged tokens and no tokens (ipLimit 20, numberLimit 5).
    for (let i = 0; i < 50; i++) {
      const body = i % 2 ? { to: TO, botToken: `0.forged-${i}` } : { to: TO };
      expect((await t.post('send', body, { ip: '192.0.2.66' })).status).toBe(403);
    }
    expect(t.providerSends()).toBe(0);
    // The victim (and even that address, once it solves a challenge) still gets a code at once.
    expect((await t.post('send', { to: TO, botToken: t.token() }, { ip: '192.0.2.66' })).status).toBe(200);
  });

  it('the bot check runs before beforeSend, and a wrong hostname is refused', async () => {
    const seen: string[] = [];
    const t = withTurnstile({ beforeSend: ({ to }) => void seen.push(to) });
    const res = await t.post('send', { to: TO, botToken: t.captcha.issue({ hostname: 'evil.example' }) });
    expect(res.body.error).toMatchObject({ code: 'bot_check_failed', message: expect.stringMatching(/another site/) });
    expect(seen).toEqual([]);
    expect((await t.post('send', { to: TO, botToken: t.token() })).status).toBe(200);
    expect(seen).toEqual([TO]);
  });

  it('siteverify timing out: 503 provider_unavailable by default (logged), allowed through with whenUnavailable', async () => {
    const refuse = withTurnstile({ timeoutMs: 150 });
    refuse.captcha.inject('hang');
    const res = await refuse.post('send', { to: TO, botToken: refuse.token() });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('provider_unavailable');
    expect(refuse.providerSends()).toBe(0);
    expect(refuse.logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: expect.stringMatching(/bot check unavailable/) }),
    );

    const allow = withTurnstile({}, 'allow');
    allow.captcha.inject('http500');
    expect((await allow.post('send', { to: TO, botToken: allow.token() })).status).toBe(200);
    expect(allow.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/unchecked/) }),
    );
  });

  it('a wrong secret is 502 provider_error with a loud log, whatever whenUnavailable says', async () => {
    const captcha = createSiteverifySimulator({ service: 'turnstile' });
    const t = setup('unimtx', {
      botCheck: { verify: turnstile({ secret: 'wrong', fetch: captcha.fetch }), whenUnavailable: 'allow' },
    });
    const res = await t.post('send', { to: TO, botToken: captcha.issue() });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('provider_error');
    expect(t.logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: expect.stringMatching(/bot check misconfigured/) }),
    );
    expect(t.logText()).toContain('invalid-input-secret');
    expect(t.providerSends()).toBe(0);
  });

  it('a long token fits (bodies up to 8 KiB with a bot check); more is 413', async () => {
    const t = withTurnstile();
    const long = await t.post('send', { to: TO, botToken: 'x'.repeat(3000) });
    expect(long.body.error.code).toBe('bot_check_failed');
    const huge = await t.post('send', { to: TO, botToken: 'x'.repeat(9000) });
    expect(huge.status).toBe(413);
  });

  it("Turnstile's test keys through the handler: always passes, always fails, token already spent", async () => {
    const captcha = createSiteverifySimulator({ service: 'turnstile' });
    const { secret, dummyToken } = TURNSTILE_TEST_KEYS;
    const status = async (key: string) => {
      const t = setup('unimtx', { botCheck: turnstile({ secret: key, fetch: captcha.fetch }) });
      return (await t.post('send', { to: TO, botToken: dummyToken })).status;
    };
    expect(await status(secret.alwaysPasses)).toBe(200);
    expect(await status(secret.alwaysFails)).toBe(403);
    expect(await status(secret.tokenAlreadySpent)).toBe(403);
  });

  it('hCaptcha and reCAPTCHA v3 behind the same option; otp.api takes botToken too', async () => {
    const h = createSiteverifySimulator({ service: 'hcaptcha' });
    const ht = setup('unimtx', { botCheck: hcaptcha({ secret: h.secret, sitekey: h.sitekey, fetch: h.fetch }) });
    expect((await ht.post('send', { to: TO, botToken: h.issue() })).status).toBe(200);

    const g = createSiteverifySimulator({ service: 'recaptcha' });
    const gt = setup('unimtx', {
      botCheck: recaptcha({ version: 3, secret: g.secret, action: 'otp', fetch: g.fetch }),
    });
    const low = await gt.post('send', { to: TO, botToken: g.issue({ score: 0.1, action: 'otp' }) });
    expect(low.body.error).toMatchObject({ code: 'bot_check_failed', message: expect.stringMatching(/automated/) });
    const body = await gt.otp.api.send(
      { to: TO, botToken: g.issue({ score: 0.9, action: 'otp' }) },
      { clientIp: '203.0.113.9' },
    );
    expect(body.verificationId).toEqual(expect.any(String));
    expect(g.requests.at(-1)?.remoteip).toBe('203.0.113.9');
  });

  it('a server without a bot check ignores botToken (clients can ship the widget first)', async () => {
    const t = setup('unimtx');
    expect((await t.post('send', { to: TO, botToken: 'anything' })).status).toBe(200);
    expect((await t.post('send', { to: TO, botToken: 7 })).body.error.code).toBe('invalid_request');
  });

  it('refuses a botCheck that is not a function at creation', () => {
    expect(() => setup('unimtx', { botCheck: {} as never })).toThrow(/botCheck/);
    expect(() =>
      setup('unimtx', { botCheck: { verify: async () => ({ ok: true }), whenUnavailable: 'maybe' as 'allow' } }),
    ).toThrow(/whenUnavailable/);
  });
});
