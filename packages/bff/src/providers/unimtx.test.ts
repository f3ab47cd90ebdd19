import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../contract.js';
import { importHmacKey, utf8 } from '../crypto.js';
import { mount } from '../http/handler.test-helpers.js';
import { createUnimtxSimulator, type LoopbackServer, type UnimtxSimulatorOptions } from '../testing/index.js';
import { UNIMTX_ROWS } from './error-tables.test-helpers.js';
import { signUnimtxQuery, type UnimtxOptions, unimtx } from './unimtx.js';

const TO = '+12068800123';
const SECRET = 'unimtx-test-secret-9f8e7d6c5b4a';

function setup(opts: { sim?: UnimtxSimulatorOptions; provider?: Partial<UnimtxOptions> } = {}) {
  const sim = createUnimtxSimulator({ accessKeySecret: SECRET, ...opts.sim });
  const provider = unimtx({
    accessKeyId: sim.accessKeyId,
    accessKeySecret: SECRET,
    fetch: sim.fetch,
    ...opts.provider,
  });
  const t = mount(provider, { timeoutMs: 1000 });
  function assertNoLeaks() {
    for (const text of [...t.responses, t.logText()]) {
      expect(text).not.toContain(SECRET);
      for (const m of sim.messages) {
        expect(text).not.toContain(m.id);
        expect(text.replace(/[\w-]{16,}/g, '')).not.toMatch(new RegExp(`\\b${m.code}\\b`));
      }
    }
  }
  return { ...t, sim, assertNoLeaks };
}

describe('unimtx through the handler', () => {
  it('sends a signed otp.send and verifies by number + code, once', async () => {
    const t = setup({ provider: { intent: 'login', codeLength: 8 } });
    const sent = await t.post('send', { to: TO });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ channel: 'sms', codeLength: 8 });
    expect(t.sim.messages).toMatchObject([{ to: TO, intent: 'login' }]);
    const code = t.sim.lastCode(TO)!;
    expect(code).toMatch(/^\d{8}$/);
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const miss = await t.post('verify', { verificationId: sent.body.verificationId, code: wrong });
    expect([miss.status, miss.body]).toEqual([200, { verified: false, attemptsLeft: 4 }]);
    const hit = await t.post('verify', { verificationId: sent.body.verificationId, code });
    expect(hit.body.verified).toBe(true);
    expect(t.sim.calls).toEqual({ send: 1, verify: 2 });
    t.assertNoLeaks();
  });

  it.each(UNIMTX_ROWS)('send: UniMTX %s -> %s (HTTP status %s)', async (providerCode, expected, status) => {
    const t = setup();
    t.sim.inject({ code: providerCode, ...(status ? { status } : {}) }, { path: 'otp.send' });
    const { status: got, body } = await t.post('send', { to: TO });
    expect(got).toBe(ERROR_STATUS[expected]);
    expect(body.error.code).toBe(expected);
    if (expected === 'rate_limited') expect(body.error.retryAfter).toBeGreaterThan(0);
    if (expected === 'provider_error') {
      expect(t.logText()).toContain(`UniMTX error ${providerCode}`);
      expect(JSON.stringify(body)).not.toContain(providerCode);
    }
    t.assertNoLeaks();
  });

  it.each(UNIMTX_ROWS)('verify: UniMTX %s -> %s (HTTP status %s)', async (providerCode, expected, status) => {
    const t = setup();
    const sent = await t.post('send', { to: TO });
    t.sim.inject({ code: providerCode, ...(status ? { status } : {}) }, { path: 'otp.verify' });
    const { status: got, body } = await t.post('verify', {
      verificationId: sent.body.verificationId,
      code: t.sim.lastCode(TO),
    });
    expect(got).toBe(ERROR_STATUS[expected]);
    expect(body.error.code).toBe(expected);
    // The contract promises a wait on every rate_limited, even where UniMTX gives none.
    if (expected === 'rate_limited') expect(body.error.retryAfter).toBeGreaterThan(0);
    t.assertNoLeaks();
  });

  it('a hang beyond timeoutMs is 503, garbage is 502, a bare HTTP 500 is 503, on send and verify', async () => {
    const t = setup();
    // A new number per send: the handler's resend gate would answer 429 before the provider is asked.
    let n = 0;
    const run = async (path: 'otp.send' | 'otp.verify') => {
      const to = `+1206880${String(1000 + n++)}`;
      if (path === 'otp.send') return t.post('send', { to });
      const sent = await t.post('send', { to });
      return t.post('verify', { verificationId: sent.body.verificationId, code: '000000' });
    };
    for (const path of ['otp.send', 'otp.verify'] as const) {
      t.sim.inject('hang', { path });
      expect(await run(path)).toMatchObject({ status: 503, body: { error: { code: 'provider_unavailable' } } });
      t.sim.inject('garbage', { path });
      expect(await run(path)).toMatchObject({ status: 502, body: { error: { code: 'provider_error' } } });
      t.sim.inject('http500', { path });
      expect(await run(path)).toMatchObject({ status: 503, body: { error: { code: 'provider_unavailable' } } });
    }
    t.assertNoLeaks();
  });

  it('a wrong secret (104201) or an unknown key id (104111) is 502 and the log names the code, not the secret', async () => {
    const wrongSecret = setup({ provider: { accessKeySecret: 'not-the-secret-at-all' } });
    expect((await wrongSecret.post('send', { to: TO })).status).toBe(502);
    expect(wrongSecret.logText()).toContain('UniMTX error 104201');
    expect(wrongSecret.logText()).not.toContain('not-the-secret-at-all');
    const unsigned = setup({ provider: { accessKeySecret: undefined } });
    expect((await unsigned.post('send', { to: TO })).status).toBe(502);
    const wrongId = setup({ provider: { accessKeyId: 'someone-else' } });
    expect((await wrongId.post('send', { to: TO })).status).toBe(502);
    expect(wrongId.logText()).toContain('UniMTX error 104111');
  });
});

describe('UniMTX HMAC-SHA256 signing', () => {
  it('matches the documented algorithm for a known input (computed here with node:crypto)', async () => {
    const query = await signUnimtxQuery(
      { action: 'otp.send', accessKeyId: 'key id/1' },
      await importHmacKey(utf8('s3cr3t')),
      1_700_000_000_123,
      'n0nce+value',
    );
    // Sorted by key, values through encodeURIComponent, joined by &; the signature itself is left out.
    const stringToSign =
      'accessKeyId=key%20id%2F1&action=otp.send&algorithm=hmac-sha256&nonce=n0nce%2Bvalue&timestamp=1700000000123';
    const expected = createHmac('sha256', 's3cr3t').update(stringToSign).digest('base64');
    expect(query.get('signature')).toBe(expected);
    expect(Object.fromEntries(query)).toEqual({
      action: 'otp.send',
      accessKeyId: 'key id/1',
      algorithm: 'hmac-sha256',
      timestamp: '1700000000123',
      nonce: 'n0nce+value',
      signature: expected,
    });
    // URL-encoded on the wire: base64's + / = must not be read back as a space or a separator.
    expect(new URLSearchParams(query.toString()).get('signature')).toBe(expected);
  });

  it('is accepted by the simulator, and a tampered signature is rejected (104201)', async () => {
    const sim = createUnimtxSimulator({ accessKeySecret: SECRET });
    const key = await importHmacKey(utf8(SECRET));
    const query = await signUnimtxQuery(
      { action: 'otp.send', accessKeyId: sim.accessKeyId },
      key,
      Date.now(),
      'abcdefgh12',
    );
    const post = (q: URLSearchParams) =>
      sim
        .fetch(`https://api.unimtx.com/?${q}`, { method: 'POST', body: JSON.stringify({ to: TO }) })
        .then((r) => r.json());
    expect(await post(query)).toMatchObject({ code: '0' });
    const signature = query.get('signature')!;
    const tampered = new URLSearchParams(query);
    tampered.set('signature', (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1));
    expect(await post(tampered)).toMatchObject({ code: '104201' });
    const replayedElsewhere = new URLSearchParams(query);
    replayedElsewhere.set('action', 'otp.verify');
    expect(await post(replayedElsewhere)).toMatchObject({ code: '104201' });
  });

  it('uses a fresh nonce and timestamp per request', async () => {
    const urls: string[] = [];
    const sim = createUnimtxSimulator({ accessKeySecret: SECRET });
    const provider = unimtx({
      accessKeyId: sim.accessKeyId,
      accessKeySecret: SECRET,
      fetch: (input, init) => {
        urls.push(input);
        return sim.fetch(input, init);
      },
    });
    for (const to of [TO, '+12068800124'])
      await provider.send({ to, ttlSeconds: 300, codeLength: 6, signal: AbortSignal.timeout(5000) });
    const nonces = urls.map((u) => new URL(u).searchParams.get('nonce'));
    expect(nonces[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(nonces[0]).not.toBe(nonces[1]);
  });
});

describe('unimtx provider', () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('talks to the simulator over real HTTP with the platform fetch (unsigned key)', async () => {
    const sim = createUnimtxSimulator();
    server = await sim.listen();
    const provider = unimtx({ accessKeyId: sim.accessKeyId, baseUrl: server.url });
    const signal = AbortSignal.timeout(5000);
    const sent = await provider.send({ to: TO, ttlSeconds: 300, codeLength: 6, signal });
    expect(sent).toEqual({ messageId: sim.messages[0]?.id, channel: 'sms' });
    const input = { messageId: sent.messageId, to: TO, ttlSeconds: 300, signal };
    expect(await provider.verify!({ ...input, code: sim.lastCode(TO)! })).toBe(true);
    // Consumed after one success.
    expect(await provider.verify!({ ...input, code: sim.lastCode(TO)! })).toBe(false);
  });

  it('treats only the string "0" as success', async () => {
    const provider = unimtx({
      accessKeyId: 'k',
      fetch: async () => new Response(JSON.stringify({ code: 0, message: 'Success', data: { id: 'x', to: TO } })),
    });
    await expect(
      provider.send({ to: TO, ttlSeconds: 300, codeLength: 6, signal: AbortSignal.timeout(5000) }),
    ).rejects.toMatchObject({
      code: 'provider_error',
    });
  });

  it('rejects bad options at creation', () => {
    expect(() => unimtx({ accessKeyId: '' })).toThrow(/accessKeyId/);
    expect(() => unimtx({ accessKeyId: 'k', codeLength: 9 })).toThrow(/codeLength/);
    expect(() => unimtx({ accessKeyId: 'k', intent: 'x'.repeat(37) })).toThrow(/intent/);
  });
});

describe('unimtx channel, templates and custom codes', () => {
  const signal = () => AbortSignal.timeout(2000);

  it.each([
    ['sms', 'sms'],
    ['call', 'voice'],
    ['whatsapp', 'whatsapp'],
    ['auto', 'sms'],
  ] as const)('sends otp.send channel %s and reports %s', async (channel, reported) => {
    const sim = createUnimtxSimulator();
    const provider = unimtx({ ...sim.providerOptions, channel });
    const sent = await provider.send({ to: TO, ttlSeconds: 300, codeLength: 6, signal: signal() });
    expect(sent.channel).toBe(reported);
    expect(sim.messages).toMatchObject([{ requestedChannel: channel, custom: false }]);
  });

  it('the browser asks for a channel on send and resend ("Call me", "Send by WhatsApp"): mapped to otp.send\'s', async () => {
    let time = Date.UTC(2026, 10, 1, 12);
    const sim = createUnimtxSimulator();
    const t = { ...mount(unimtx(sim.providerOptions), { now: () => time }), sim };
    const sent = await t.post('send', { to: TO, channel: 'voice' });
    expect(sent.body.channel).toBe('voice');
    time += 60_000;
    const again = await t.post('resend', { verificationId: sent.body.verificationId, channel: 'whatsapp' });
    expect(again.body.channel).toBe('whatsapp');
    expect(t.sim.messages.map((m) => m.requestedChannel)).toEqual(['call', 'whatsapp']);
    // E-mail is no channel for a number: refused before anything is sent or counted.
    const email = await t.post('send', { to: '+12068800124', channel: 'email' });
    expect(email.status).toBe(422);
    expect(email.body.error.code).toBe('channel_unavailable');
    expect((await t.post('send', { to: '+12068800124', channel: 'pigeon' })).body.error.code).toBe('invalid_request');
    expect(t.sim.messages).toHaveLength(2);
    expect((await t.post('send', { to: '+12068800124' })).status).toBe(200);
  });

  it.each([
    ['ja-JP', 'tpl-ja'],
    ['zh-Hant-HK', 'tpl-zh-hk'],
    ['zh-CN', 'tpl-zh'],
    ['fr', 'tpl-default'],
    [undefined, 'tpl-default'],
  ])('picks the template of locale %s: %s', async (locale, templateId) => {
    const sim = createUnimtxSimulator({ templates: ['tpl-ja', 'tpl-zh', 'tpl-zh-hk', 'tpl-default'] });
    const provider = unimtx({
      ...sim.providerOptions,
      signature: 'Acme',
      templates: { ja: 'tpl-ja', zh: 'tpl-zh', 'zh-HK': 'tpl-zh-hk', 'zh-Hant': 'tpl-zh-hk', default: 'tpl-default' },
    });
    await provider.send({ to: TO, locale, ttlSeconds: 300, codeLength: 6, signal: signal() });
    expect(sim.messages).toMatchObject([{ templateId, signature: 'Acme' }]);
  });

  it('an unknown template is 107141 -> provider_error', async () => {
    const sim = createUnimtxSimulator({ templates: ['tpl-en'] });
    const provider = unimtx({ ...sim.providerOptions, templates: { en: 'tpl-gone' } });
    await expect(
      provider.send({ to: TO, locale: 'en', ttlSeconds: 300, codeLength: 6, signal: signal() }),
    ).rejects.toMatchObject({ code: 'provider_error', message: expect.stringContaining('107141') });
  });

  it("'custom' mode: otp.send delivers the BFF's code with its ttl, and otp.verify is never called", async () => {
    const t = setup({ provider: { mode: 'custom', intent: 'signup' } });
    expect(t.sim.accessKeySecret).toBe(SECRET);
    const sent = await t.post('send', { to: TO, locale: 'en' });
    expect(sent.status).toBe(200);
    expect(t.sim.messages).toMatchObject([{ to: TO, custom: true, intent: 'signup' }]);
    const code = t.sim.lastCode(TO)!;
    const hit = await t.post('verify', { verificationId: sent.body.verificationId, code });
    expect(hit.body.verified).toBe(true);
    expect(t.sim.calls).toEqual({ send: 1, verify: 0 });
    t.assertNoLeaks();
  });

  it('rejects a bad channel or mode at creation', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a JavaScript caller
    expect(() => unimtx({ accessKeyId: 'k', channel: 'fax' as any })).toThrow(/channel/);
    // biome-ignore lint/suspicious/noExplicitAny: a JavaScript caller
    expect(() => unimtx({ accessKeyId: 'k', mode: 'platform' as any })).toThrow(/mode/);
  });
});

describe('unimtx intent per purpose', () => {
  it('sends and verifies each purpose under its own intent (a purpose without one uses the default)', async () => {
    const sim = createUnimtxSimulator({ accessKeySecret: SECRET });
    const provider = unimtx({ ...sim.providerOptions, intent: { 'sign-in': 'login', default: 'otp' } });
    const { post } = mount(provider, { purposes: { 'sign-in': {}, 'change-phone': {} } });
    const to = '+447400123456';
    const signIn = await post('send', { to, purpose: 'sign-in' });
    expect(sim.messages.at(-1)).toMatchObject({ to, intent: 'login' });
    // The code is kept per number AND intent, so a right verify proves the verify carried the same intent.
    const right = await post('verify', { verificationId: signIn.body.verificationId, code: sim.lastCode(to) });
    expect(right.body.verified).toBe(true);
    await post('send', { to: '+447400123457', purpose: 'change-phone' });
    expect(sim.messages.at(-1)).toMatchObject({ intent: 'otp' });
    expect(() => unimtx({ ...sim.providerOptions, intent: { 'sign-in': 'x'.repeat(37) } })).toThrow(/intent/);
  });
});
