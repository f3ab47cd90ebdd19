import { describe, expect, it } from 'vitest';
import { mount } from '../http/handler.test-helpers.js';
import { createTwilioSimulator, type TwilioSimulatorOptions } from '../testing/index.js';
import { OtpError } from './kit.js';
import { type TwilioOptions, twilio, twilioLocale } from './twilio.js';

const TO = '+14155552345';
const signal = () => AbortSignal.timeout(1000);

function setup(opts: { sim?: TwilioSimulatorOptions; provider?: Partial<TwilioOptions> } = {}) {
  let time = Date.UTC(2026, 10, 1, 12);
  const sim = createTwilioSimulator({ now: () => time, ...opts.sim });
  const provider = twilio({ ...sim.providerOptions, ...opts.provider } as TwilioOptions);
  const t = mount(provider, { timeoutMs: 300, codeTtlSeconds: 600, now: () => time });
  return { ...t, sim, provider, advance: (s: number) => (time += s * 1000) };
}

/** A raw request to the simulator, as Twilio's API would get it. */
function raw(sim: ReturnType<typeof createTwilioSimulator>, path: string, form: Record<string, string>, auth?: string) {
  return sim.fetch(`https://verify.twilio.com/v2/Services/${sim.serviceSid}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: auth ?? `Basic ${btoa(`${sim.accountSid}:${sim.authToken}`)}`,
    },
    body: new URLSearchParams(form),
  });
}

describe('twilio()', () => {
  it('starts a verification form-encoded with Basic auth, To, Channel and the mapped Locale', async () => {
    const seen: { url: string; body: string; headers: Headers }[] = [];
    const sim = createTwilioSimulator();
    const provider = twilio({
      ...sim.providerOptions,
      channel: 'whatsapp',
      fetch: async (url, init) => {
        seen.push({ url, body: String(init.body), headers: new Headers(init.headers) });
        return sim.fetch(url, init);
      },
    });
    const sent = await provider.send({
      to: TO,
      locale: 'zh-Hant-TW',
      ttlSeconds: 600,
      codeLength: 6,
      signal: signal(),
    });
    expect(sent).toEqual({ messageId: expect.stringMatching(/^VE[0-9a-f]{32}$/), channel: 'whatsapp' });
    expect(seen[0]!.url).toBe(`https://verify.twilio.com/v2/Services/${sim.serviceSid}/Verifications`);
    expect(seen[0]!.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(seen[0]!.headers.get('authorization')).toBe(`Basic ${btoa(`${sim.accountSid}:${sim.authToken}`)}`);
    expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toEqual({
      To: TO,
      Channel: 'whatsapp',
      Locale: 'zh-HK',
    });
    expect(sim.messages).toMatchObject([{ to: TO, channel: 'whatsapp', locale: 'zh-HK', attempt: 1 }]);
  });

  it.each([
    ['en-US', 'en'],
    ['en-AU', 'en-GB'],
    ['pt-BR', 'pt-BR'],
    ['pt-PT', 'pt'],
    ['zh-CN', 'zh-CN'],
    ['zh', 'zh'],
    ['zh-Hant', 'zh-HK'],
    ['no', 'nb'],
    ['es-419', 'es'],
    ['ja-JP', 'ja'],
    ['th', 'th'],
    ['sw', undefined],
    [undefined, undefined],
  ])('maps BCP 47 %s to the Twilio locale %s', (locale, expected) => {
    expect(twilioLocale(locale)).toBe(expected);
  });

  it('authenticates with an API key and secret too; wrong credentials are a provider_error naming 20003', async () => {
    const sim = createTwilioSimulator();
    const byKey = twilio({
      accountSid: sim.accountSid,
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
      serviceSid: sim.serviceSid,
      fetch: sim.fetch,
    });
    await expect(byKey.send({ to: TO, ttlSeconds: 600, codeLength: 6, signal: signal() })).resolves.toMatchObject({
      channel: 'sms',
    });
    const wrong = twilio({ ...sim.providerOptions, authToken: 'not-the-token' });
    const error = await wrong.send({ to: TO, ttlSeconds: 600, codeLength: 6, signal: signal() }).catch((e) => e);
    expect(error).toBeInstanceOf(OtpError);
    expect(error).toMatchObject({ code: 'provider_error', message: expect.stringContaining('20003') });
    expect(error.message).not.toContain('not-the-token');
  });

  it('refuses bad options at start-up', () => {
    const sim = createTwilioSimulator();
    expect(() => twilio({ ...sim.providerOptions, accountSid: 'AC123' })).toThrow(/accountSid/);
    expect(() => twilio({ ...sim.providerOptions, serviceSid: `MG${'a'.repeat(32)}` })).toThrow(/serviceSid/);
    expect(() => twilio({ ...sim.providerOptions, authToken: '' })).toThrow(/authToken/);
    expect(() => twilio({ ...sim.providerOptions, codeLength: 11 })).toThrow(/codeLength/);
    // biome-ignore lint/suspicious/noExplicitAny: a JavaScript caller
    expect(() => twilio({ ...sim.providerOptions, channel: 'fax' as any })).toThrow(/channel/);
  });

  it('resends the same code under the same sid within its lifetime; the handler keeps the deadline', async () => {
    const t = setup();
    const first = await t.post('send', { to: TO });
    expect(first.status).toBe(200);
    const code = t.sim.lastCode(TO)!;
    t.advance(120);
    const again = await t.post('resend', { verificationId: first.body.verificationId });
    expect(again.status).toBe(200);
    expect(again.body.expiresAt).toBe(first.body.expiresAt);
    expect(t.sim.messages.map((m) => [m.sid, m.code, m.attempt])).toEqual([
      [t.sim.messages[0]!.sid, code, 1],
      [t.sim.messages[0]!.sid, code, 2],
    ]);
    // Not cancelled: cancelling would kill the code that was just re-sent.
    expect(t.sim.calls.updates).toBe(0);
    const ok = await t.post('verify', { verificationId: again.body.verificationId, code });
    expect(ok.body.verified).toBe(true);
  });

  it('cancel() ends the verification at Twilio (Status=canceled); a later check is 404 -> expired', async () => {
    const sim = createTwilioSimulator();
    const provider = twilio(sim.providerOptions);
    const { messageId } = await provider.send({ to: TO, ttlSeconds: 600, codeLength: 6, signal: signal() });
    await provider.cancel!({ messageId, to: TO, signal: signal() });
    expect(sim.status(messageId)).toBe('canceled');
    const check = provider.verify({ messageId, to: TO, code: sim.lastCode(TO)!, ttlSeconds: 600, signal: signal() });
    await expect(check).rejects.toMatchObject({ code: 'expired' });
    // Cancelling what is already gone is not an error.
    await expect(provider.cancel!({ messageId, to: TO, signal: signal() })).resolves.toBeUndefined();
  });

  it('max check attempts: the sixth check is 60202 -> too_many_attempts with a wait', async () => {
    const sim = createTwilioSimulator();
    const provider = twilio(sim.providerOptions);
    const { messageId } = await provider.send({ to: TO, ttlSeconds: 600, codeLength: 6, signal: signal() });
    const code = sim.lastCode(TO)!;
    const wrongCode = code === '000000' ? '111111' : '000000';
    const check = (c: string) => provider.verify({ messageId, to: TO, code: c, ttlSeconds: 600, signal: signal() });
    for (let i = 0; i < 5; i++) expect(await check(wrongCode)).toBe(false);
    await expect(check(code)).rejects.toMatchObject({ code: 'too_many_attempts', retryAfter: 600 });
    // A new verification for the number waits for this one to expire.
    await expect(provider.send({ to: TO, ttlSeconds: 600, codeLength: 6, signal: signal() })).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfter: 600,
    });
  });

  it('max send attempts: the sixth send of one verification is 60203 -> rate_limited', async () => {
    const sim = createTwilioSimulator();
    const provider = twilio(sim.providerOptions);
    const send = () => provider.send({ to: TO, ttlSeconds: 600, codeLength: 6, signal: signal() });
    const sids = new Set<string>();
    for (let i = 0; i < 5; i++) sids.add((await send()).messageId);
    expect(sids.size).toBe(1);
    await expect(send()).rejects.toMatchObject({ code: 'rate_limited', message: expect.stringContaining('60203') });
  });
});

describe('the Twilio Verify simulator refuses what Twilio refuses', () => {
  it('bad auth, unknown Service, bad To, bad Channel, unsupported Locale, JSON bodies', async () => {
    const sim = createTwilioSimulator({ channels: ['sms'] });
    const code = async (r: Promise<Response>) => {
      const res = await r;
      const body = (await res.json()) as { code: number; status: number; more_info: string };
      expect(body.status).toBe(res.status);
      expect(body.more_info).toBe(`https://www.twilio.com/docs/errors/${body.code}`);
      return [res.status, body.code];
    };
    expect(await code(raw(sim, '/Verifications', { To: TO, Channel: 'sms' }, 'Basic eDp5'))).toEqual([401, 20003]);
    expect(await code(raw(sim, '/Verifications', { To: '4155552345', Channel: 'sms' }))).toEqual([400, 60200]);
    expect(await code(raw(sim, '/Verifications', { To: TO, Channel: 'pigeon' }))).toEqual([400, 60200]);
    expect(await code(raw(sim, '/Verifications', { To: TO, Channel: 'call' }))).toEqual([400, 60223]);
    expect(await code(raw(sim, '/Verifications', { To: TO, Channel: 'email' }))).toEqual([400, 60200]);
    expect(await code(raw(sim, '/Verifications', { To: TO, Channel: 'sms', Locale: 'xx' }))).toEqual([404, 20404]);
    const unknownService = sim.fetch(`https://verify.twilio.com/v2/Services/VA${'0'.repeat(32)}/Verifications`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${sim.accountSid}:${sim.authToken}`)}` },
      body: new URLSearchParams({ To: TO, Channel: 'sms' }),
    });
    expect(await code(unknownService)).toEqual([404, 20404]);
    const json = sim.fetch(`https://verify.twilio.com/v2/Services/${sim.serviceSid}/Verifications`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${btoa(`${sim.accountSid}:${sim.authToken}`)}`,
      },
      body: JSON.stringify({ To: TO, Channel: 'sms' }),
    });
    expect(await code(json)).toEqual([400, 60200]);
    expect(sim.messages).toEqual([]);
  });

  it('checks: wrong code is 200 pending, right code approved, then 404; expiry is 404', async () => {
    let time = 0;
    const sim = createTwilioSimulator({ now: () => time, ttlSeconds: 60 });
    const start = (await (await raw(sim, '/Verifications', { To: TO, Channel: 'sms' })).json()) as { sid: string };
    const code = sim.lastCode(TO)!;
    const check = async (form: Record<string, string>) => {
      const res = await raw(sim, '/VerificationCheck', form);
      return [res.status, ((await res.json()) as { status?: string; code?: number }).status ?? '', res.status];
    };
    const wrongCode = code === '000000' ? '111111' : '000000';
    expect((await check({ VerificationSid: start.sid, Code: wrongCode }))[1]).toBe('pending');
    expect((await check({ To: TO, Code: code }))[1]).toBe('approved');
    expect((await check({ VerificationSid: start.sid, Code: code }))[0]).toBe(404);
    expect((await check({ Code: code }))[0]).toBe(400);
    // A new verification after approval is a new sid; past its lifetime checks find nothing.
    const next = (await (await raw(sim, '/Verifications', { To: TO, Channel: 'sms' })).json()) as { sid: string };
    expect(next.sid).not.toBe(start.sid);
    time += 60_000;
    expect((await check({ VerificationSid: next.sid, Code: sim.lastCode(TO)! }))[0]).toBe(404);
  });
});
