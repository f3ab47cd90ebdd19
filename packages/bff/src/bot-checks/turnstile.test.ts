import { describe, expect, it } from 'vitest';
import { createSiteverifySimulator } from '../testing/siteverify-simulator.js';
import { TURNSTILE_TEST_KEYS, turnstile } from './turnstile.js';
import type { BotCheckContext } from './types.js';

const context = (): BotCheckContext => ({
  clientIp: '203.0.113.7',
  action: 'send',
  purpose: 'default',
  signal: AbortSignal.timeout(5000),
});

describe('turnstile() against the siteverify simulator', () => {
  it('posts secret, response and remoteip form-encoded to the documented URL, and passes a solved token once', async () => {
    const sim = createSiteverifySimulator({ service: 'turnstile' });
    const urls: string[] = [];
    const check = turnstile({
      secret: sim.secret,
      fetch: (url, init) => {
        urls.push(url);
        return sim.fetch(url, init);
      },
    });
    const token = sim.issue({ hostname: 'app.example.com' });
    expect(await check(token, context())).toEqual({ ok: true });
    expect(urls).toEqual(['https://challenges.cloudflare.com/turnstile/v0/siteverify']);
    expect(sim.requests).toEqual([
      {
        secret: sim.secret,
        response: token,
        remoteip: '203.0.113.7',
        sitekey: undefined,
        contentType: 'application/x-www-form-urlencoded',
      },
    ]);
    // Single use: the same token a second time is `timeout-or-duplicate`.
    expect(await check(token, context())).toEqual({
      ok: false,
      reason: 'token_spent',
      errorCodes: ['timeout-or-duplicate'],
    });
  });

  it('refuses a forged token, an expired one, another hostname and another action', async () => {
    let now = 1_000_000;
    const sim = createSiteverifySimulator({ service: 'turnstile', now: () => now });
    const check = turnstile({ secret: sim.secret, fetch: sim.fetch, hostname: 'app.example.com', action: 'otp' });
    expect(await check('0.forged', context())).toMatchObject({ ok: false, reason: 'invalid_token' });
    const old = sim.issue({ hostname: 'app.example.com', action: 'otp' });
    now += 300_001;
    expect(await check(old, context())).toMatchObject({ ok: false, reason: 'token_spent' });
    expect(await check(sim.issue({ hostname: 'evil.example', action: 'otp' }), context())).toMatchObject({
      ok: false,
      reason: 'hostname_mismatch',
    });
    expect(await check(sim.issue({ hostname: 'app.example.com', action: 'login' }), context())).toMatchObject({
      ok: false,
      reason: 'action_mismatch',
    });
    expect(await check(sim.issue({ hostname: 'app.example.com', action: 'otp' }), context())).toEqual({ ok: true });
  });

  it("Cloudflare's test secrets: always passes, always fails, token already spent (dummy token only)", async () => {
    const sim = createSiteverifySimulator({ service: 'turnstile' });
    const { secret, dummyToken } = TURNSTILE_TEST_KEYS;
    const pass = turnstile({ secret: secret.alwaysPasses, fetch: sim.fetch });
    expect(await pass(dummyToken, context())).toEqual({ ok: true });
    expect(await pass(dummyToken, context())).toEqual({ ok: true });
    // Test secrets accept only the dummy token; the site's own secret never accepts it.
    expect(await pass(sim.issue(), context())).toMatchObject({ ok: false, reason: 'invalid_token' });
    expect(await turnstile({ secret: sim.secret, fetch: sim.fetch })(dummyToken, context())).toMatchObject({
      reason: 'invalid_token',
    });
    expect(await turnstile({ secret: secret.alwaysFails, fetch: sim.fetch })(dummyToken, context())).toEqual({
      ok: false,
      reason: 'invalid_token',
      errorCodes: ['invalid-input-response'],
    });
    expect(await turnstile({ secret: secret.tokenAlreadySpent, fetch: sim.fetch })(dummyToken, context())).toEqual({
      ok: false,
      reason: 'token_spent',
      errorCodes: ['timeout-or-duplicate'],
    });
  });

  it('a wrong secret is misconfigured and internal-error an outage; no secret at all fails at creation', async () => {
    const sim = createSiteverifySimulator({ service: 'turnstile' });
    const wrong = turnstile({ secret: 'not-the-secret', fetch: sim.fetch });
    expect(await wrong(sim.issue(), context())).toMatchObject({
      ok: false,
      reason: 'misconfigured',
      errorCodes: ['invalid-input-secret'],
    });
    sim.inject({ code: 'internal-error' });
    expect(await turnstile({ secret: sim.secret, fetch: sim.fetch })(sim.issue(), context())).toMatchObject({
      reason: 'unavailable',
    });
    expect(() => turnstile({ secret: '' })).toThrow(/secret/);
  });
});
