import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '../contract.js';
import { mount } from '../http/handler.test-helpers.js';
import { createEngageLabSimulator, type EngageLabSimulatorOptions, type LoopbackServer } from '../testing/index.js';
import { type EngageLabOptions, engagelab } from './engagelab.js';
import { ENGAGELAB_SEND_ROWS } from './error-tables.test-helpers.js';

const TO = '+8618701235678';

/** The Verify OTP table (1000-4001), where 3003/3011/4001 mean the code is gone. */
const VERIFY_ROWS: [number, ErrorCode][] = [
  [1000, 'provider_unavailable'],
  [2001, 'provider_error'],
  [2002, 'provider_error'],
  [2004, 'provider_error'],
  [3001, 'provider_error'],
  [3002, 'provider_error'],
  [3003, 'expired'],
  [3011, 'expired'],
  [4001, 'expired'],
];

type Mode = 'platform' | 'custom';

/** A real handler over the real provider, whose network edge is the simulator. */
function setup(mode: Mode, opts: { sim?: EngageLabSimulatorOptions; provider?: Partial<EngageLabOptions> } = {}) {
  const sim = createEngageLabSimulator(opts.sim);
  const provider = engagelab({
    devKey: sim.devKey,
    devSecret: sim.devSecret,
    templateId: sim.templateId,
    mode,
    fetch: sim.fetch,
    ...opts.provider,
  });
  const t = mount(provider, { timeoutMs: 1000 });
  /** Nothing secret in any response or log line: dev secret, Authorization header, codes, message ids. */
  function assertNoLeaks() {
    const authorization = btoa(`${sim.devKey}:${sim.devSecret}`);
    for (const text of [...t.responses, t.logText()]) {
      expect(text).not.toContain(sim.devSecret);
      expect(text).not.toContain(authorization);
      for (const m of sim.messages) {
        expect(text).not.toContain(m.messageId);
        // A code could appear by chance inside a random base64url id or proof: drop long tokens, then look for it
        // as a whole word.
        expect(text.replace(/[\w-]{16,}/g, '')).not.toMatch(new RegExp(`\\b${m.code}\\b`));
      }
    }
  }
  return { ...t, sim, assertNoLeaks };
}

async function sendAndVerify(mode: Mode) {
  const t = setup(mode);
  const sent = await t.post('send', { to: TO, locale: 'ja' });
  expect(sent.status).toBe(200);
  return { ...t, verificationId: sent.body.verificationId as string };
}

describe.each(['platform', 'custom'] as const)('engagelab %s through the handler', (mode) => {
  it('sends with the template and locale, verifies the delivered code once', async () => {
    const t = setup(mode);
    const sent = await t.post('send', { to: TO, locale: 'ja' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ channel: 'sms', codeLength: 6, to: expect.stringMatching(/^\+86\*+5678$/) });
    expect(t.sim.messages).toMatchObject([{ to: TO, templateId: 'otpkit-demo', language: 'ja' }]);
    expect(t.sim.calls).toEqual(
      mode === 'platform' ? { messages: 1, codes: 0, verifications: 0 } : { messages: 0, codes: 1, verifications: 0 },
    );
    const code = t.sim.lastCode(TO)!;
    const wrong = code === '000000' ? '111111' : '000000';
    const miss = await t.post('verify', { verificationId: sent.body.verificationId, code: wrong });
    expect([miss.status, miss.body]).toEqual([200, { verified: false, attemptsLeft: 4 }]);
    const hit = await t.post('verify', { verificationId: sent.body.verificationId, code });
    expect(hit.status).toBe(200);
    expect(hit.body.verified).toBe(true);
    // 'custom' never calls /v1/verifications: the BFF checks its own code.
    expect(t.sim.calls.verifications).toBe(mode === 'platform' ? 2 : 0);
    t.assertNoLeaks();
  });

  it.each([
    ['ja', 'ja'],
    ['zh-CN', 'zh_CN'],
    ['zh_CN', 'zh_CN'],
    ['zh-Hant-TW', 'zh_HK'],
    ['zh-TW', 'zh_HK'],
    ['en-GB', 'en'],
    ['es-419', 'es'],
    ['fr', 'default'],
    ['default', 'default'],
  ])('maps the BCP 47 locale %s to the template language %s', async (locale, language) => {
    const t = setup(mode);
    expect((await t.post('send', { to: TO, locale })).status).toBe(200);
    expect(t.sim.messages).toMatchObject([{ language }]);
  });

  it.each(ENGAGELAB_SEND_ROWS)('send: EngageLab %i -> %s', async (providerCode, expected) => {
    const t = setup(mode);
    t.sim.inject({ code: providerCode }, { path: mode === 'platform' ? '/v1/messages' : '/v1/codes' });
    const { status, body } = await t.post('send', { to: TO });
    expect(status).toBe(ERROR_STATUS[expected]);
    expect(body.error.code).toBe(expected);
    if (expected === 'rate_limited') expect(body.error.retryAfter).toBeGreaterThan(0);
    // Operators see the provider code in the log; the browser gets no provider detail.
    if (expected === 'provider_error') {
      expect(t.logText()).toContain(`EngageLab error ${providerCode}`);
      expect(JSON.stringify(body)).not.toContain(String(providerCode));
    }
    t.assertNoLeaks();
  });

  it('send: a hang beyond timeoutMs is 503, garbage is 502, a bare HTTP 500 is 503', async () => {
    const t = setup(mode);
    t.sim.inject('hang');
    expect((await t.post('send', { to: TO })).body.error.code).toBe('provider_unavailable');
    t.sim.inject('garbage');
    expect(await t.post('send', { to: '+6591234567' })).toMatchObject({
      status: 502,
      body: { error: { code: 'provider_error' } },
    });
    t.sim.inject('http500');
    expect(await t.post('send', { to: '+6591234568' })).toMatchObject({
      status: 503,
      body: { error: { code: 'provider_unavailable' } },
    });
    t.assertNoLeaks();
  });

  it('wrong credentials (HTTP 401, 2001) are 502 and name neither key nor secret', async () => {
    const t = setup(mode, { provider: { devSecret: 'not-the-secret' } });
    const { status, body } = await t.post('send', { to: TO });
    expect(status).toBe(502);
    expect(body.error.code).toBe('provider_error');
    expect(t.logText()).not.toContain('not-the-secret');
    t.assertNoLeaks();
  });

  it('an undeliverable number (5012) is 422', async () => {
    const t = setup(mode, { sim: { undeliverable: { '+12065550000': 5012 } } });
    expect(await t.post('send', { to: '+12065550000' })).toMatchObject({
      status: 422,
      body: { error: { code: 'undeliverable' } },
    });
  });
});

describe('engagelab platform verify through the handler', () => {
  it.each(VERIFY_ROWS)('verify: EngageLab %i -> %s', async (providerCode, expected) => {
    const t = await sendAndVerify('platform');
    t.sim.inject({ code: providerCode }, { path: '/v1/verifications' });
    const { status, body } = await t.post('verify', { verificationId: t.verificationId, code: t.sim.lastCode(TO) });
    expect(status).toBe(ERROR_STATUS[expected]);
    expect(body.error.code).toBe(expected);
    t.assertNoLeaks();
  });

  it('3003 after a success the handler did not record (a lost response) reads as expired; a timeout is 503', async () => {
    const t = await sendAndVerify('platform');
    const code = t.sim.lastCode(TO)!;
    // The provider accepts the code but the answer is lost (hang until timeout) ...
    t.sim.inject('hang', { path: '/v1/verifications' });
    expect((await t.post('verify', { verificationId: t.verificationId, code })).body.error.code).toBe(
      'provider_unavailable',
    );
    // ... it really was a hang, not a verification: the next try succeeds at the provider.
    expect((await t.post('verify', { verificationId: t.verificationId, code })).body.verified).toBe(true);
    t.assertNoLeaks();
  });

  it('3003 for a verify whose twin succeeded meanwhile is 409 already_verified: our record tells', async () => {
    const sim = createEngageLabSimulator();
    let firstDone!: () => void;
    const done = new Promise<void>((resolve) => {
      firstDone = resolve;
    });
    const provider = engagelab({
      devKey: sim.devKey,
      devSecret: sim.devSecret,
      templateId: sim.templateId,
      // The loser's 3003 reaches the handler only after the winner's request has finished.
      fetch: async (input, init) => {
        const response = await sim.fetch(input, init);
        if (response.status === 400) await done;
        return response;
      },
    });
    const t = mount(provider);
    const sent = await t.post('send', { to: TO });
    const body = { verificationId: sent.body.verificationId, code: sim.lastCode(TO) };
    const settle = <R>(r: R) => {
      firstDone();
      return r;
    };
    const results = await Promise.all([t.post('verify', body).then(settle), t.post('verify', body).then(settle)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)?.body.error.code).toBe('already_verified');
    expect(sim.calls.verifications).toBe(2);
  });

  it('an expired code at the provider (simulator clock) is 410', async () => {
    let clock = Date.now();
    const t = setup('platform', { sim: { now: () => clock, templates: { 'otpkit-demo': { ttlSeconds: 60 } } } });
    const sent = await t.post('send', { to: TO });
    clock += 61_000;
    const late = await t.post('verify', { verificationId: sent.body.verificationId, code: t.sim.lastCode(TO) });
    expect(late).toMatchObject({ status: 410, body: { error: { code: 'expired' } } });
  });

  it('verify garbage is 502, not a crash', async () => {
    const t = await sendAndVerify('platform');
    t.sim.inject('garbage', { path: '/v1/verifications' });
    const { status } = await t.post('verify', { verificationId: t.verificationId, code: t.sim.lastCode(TO) });
    expect(status).toBe(502);
  });
});

describe('engagelab provider', () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('talks to the simulator over real HTTP with the platform fetch', async () => {
    const sim = createEngageLabSimulator();
    server = await sim.listen();
    const provider = engagelab({
      devKey: sim.devKey,
      devSecret: sim.devSecret,
      templateId: sim.templateId,
      baseUrl: `${server.url}/`,
    });
    const sent = await provider.send({ to: TO, ttlSeconds: 300, codeLength: 6, signal: AbortSignal.timeout(5000) });
    expect(sent).toEqual({ messageId: sim.messages[0]?.messageId, channel: 'sms' });
    const input = { messageId: sent.messageId, to: TO, ttlSeconds: 300, signal: AbortSignal.timeout(5000) };
    expect(await provider.verify!({ ...input, code: sim.lastCode(TO)! })).toBe(true);
    await expect(provider.verify!({ ...input, code: sim.lastCode(TO)! })).rejects.toMatchObject({ code: 'expired' });
  });

  it('a connection failure is provider_unavailable', async () => {
    const sim = createEngageLabSimulator();
    server = await sim.listen();
    const baseUrl = server.url;
    await server.close();
    server = undefined;
    const provider = engagelab({ devKey: 'k', devSecret: 's', templateId: 't', baseUrl });
    await expect(
      provider.send({ to: TO, ttlSeconds: 300, codeLength: 6, signal: AbortSignal.timeout(5000) }),
    ).rejects.toMatchObject({
      code: 'provider_unavailable',
    });
  });

  it('encodes non-ASCII credentials as UTF-8 Basic auth', async () => {
    const sim = createEngageLabSimulator({ devKey: 'clé', devSecret: 'sécret-密钥' });
    const provider = engagelab({
      devKey: 'clé',
      devSecret: 'sécret-密钥',
      templateId: sim.templateId,
      fetch: sim.fetch,
    });
    await expect(
      provider.send({ to: TO, ttlSeconds: 300, codeLength: 6, signal: AbortSignal.timeout(5000) }),
    ).resolves.toMatchObject({ channel: 'sms' });
  });

  it('rejects a missing secret or a bad codeLength at creation', () => {
    expect(() => engagelab({ devKey: 'k', devSecret: '', templateId: 't' })).toThrow(/devSecret/);
    expect(() => engagelab({ devKey: 'k', devSecret: 's', templateId: 't', codeLength: 11 })).toThrow(/codeLength/);
    const custom = engagelab({ devKey: 'k', devSecret: 's', templateId: 't', mode: 'custom' });
    expect(custom).toMatchObject({ codeSource: 'local', resend: 'blocked-while-valid' });
    expect('verify' in custom).toBe(false);
  });
});
