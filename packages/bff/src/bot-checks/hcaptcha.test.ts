import { describe, expect, it } from 'vitest';
import { createSiteverifySimulator } from '../testing/siteverify-simulator.js';
import { hcaptcha } from './hcaptcha.js';
import type { BotCheckContext } from './types.js';

const context = (clientIp = '2001:db8::1'): BotCheckContext => ({
  clientIp,
  action: 'resend',
  purpose: 'sign-in',
  signal: AbortSignal.timeout(5000),
});

describe('hcaptcha() against the siteverify simulator', () => {
  it('posts to api.hcaptcha.com with the sitekey, passes once, then invalid-or-already-seen-response', async () => {
    const sim = createSiteverifySimulator({ service: 'hcaptcha' });
    const urls: string[] = [];
    const check = hcaptcha({
      secret: sim.secret,
      sitekey: sim.sitekey,
      fetch: (url, init) => {
        urls.push(url);
        return sim.fetch(url, init);
      },
    });
    const token = sim.issue();
    expect(await check(token, context())).toEqual({ ok: true });
    expect(urls).toEqual(['https://api.hcaptcha.com/siteverify']);
    expect(sim.requests[0]).toMatchObject({ secret: sim.secret, response: token, remoteip: '2001:db8::1' });
    expect(sim.requests[0]?.sitekey).toBe(sim.sitekey);
    // The newer code of hCaptcha's docs for the same case reads the same.
    sim.inject({ code: 'already-seen-response' });
    expect(await check(sim.issue(), context())).toMatchObject({ ok: false, reason: 'token_spent' });
    expect(await check(token, context())).toEqual({
      ok: false,
      reason: 'token_spent',
      errorCodes: ['invalid-or-already-seen-response'],
    });
  });

  it('expired-input-response after two minutes; another site key is a configuration error; hostname checked', async () => {
    let now = 0;
    const sim = createSiteverifySimulator({ service: 'hcaptcha', now: () => now });
    const check = hcaptcha({ secret: sim.secret, fetch: sim.fetch, hostname: ['app.example.com', 'www.example.com'] });
    const token = sim.issue({ hostname: 'www.example.com' });
    now = 120_001;
    expect(await check(token, context())).toEqual({
      ok: false,
      reason: 'token_spent',
      errorCodes: ['expired-input-response'],
    });
    expect(await check(sim.issue({ hostname: 'localhost' }), context())).toMatchObject({ reason: 'hostname_mismatch' });
    expect(await check(sim.issue({ hostname: 'app.example.com' }), context())).toEqual({ ok: true });
    const other = hcaptcha({ secret: sim.secret, sitekey: 'another-site-key', fetch: sim.fetch });
    expect(await other(sim.issue(), context())).toMatchObject({
      reason: 'misconfigured',
      errorCodes: ['sitekey-secret-mismatch'],
    });
  });

  it('no remoteip field when the client address is unknown', async () => {
    const sim = createSiteverifySimulator({ service: 'hcaptcha' });
    await hcaptcha({ secret: sim.secret, fetch: sim.fetch })(sim.issue(), { ...context(), clientIp: undefined });
    expect(sim.requests[0]?.remoteip).toBeUndefined();
  });
});
