import { describe, expect, it } from 'vitest';
import { createSiteverifySimulator } from '../testing/siteverify-simulator.js';
import { recaptcha } from './recaptcha.js';
import type { BotCheckContext } from './types.js';

const context = (): BotCheckContext => ({
  clientIp: '198.51.100.4',
  action: 'send',
  purpose: 'default',
  signal: AbortSignal.timeout(5000),
});

describe('recaptcha() against the siteverify simulator', () => {
  it('v2: posts to google.com/recaptcha/api/siteverify, passes once, then timeout-or-duplicate', async () => {
    const sim = createSiteverifySimulator({ service: 'recaptcha' });
    const urls: string[] = [];
    const check = recaptcha({
      version: 2,
      secret: sim.secret,
      fetch: (url, init) => {
        urls.push(url);
        return sim.fetch(url, init);
      },
    });
    const token = sim.issue();
    expect(await check(token, context())).toEqual({ ok: true });
    expect(urls).toEqual(['https://www.google.com/recaptcha/api/siteverify']);
    expect(sim.requests[0]).toMatchObject({ secret: sim.secret, response: token, remoteip: '198.51.100.4' });
    expect(await check(token, context())).toEqual({
      ok: false,
      reason: 'token_spent',
      errorCodes: ['timeout-or-duplicate'],
    });
  });

  it('v3: the score against minScore (0.5 by default), the expected action, a v2 token is a configuration error', async () => {
    const sim = createSiteverifySimulator({ service: 'recaptcha' });
    const check = recaptcha({ version: 3, secret: sim.secret, fetch: sim.fetch, action: 'otp_send' });
    expect(await check(sim.issue({ score: 0.9, action: 'otp_send' }), context())).toEqual({ ok: true, score: 0.9 });
    expect(await check(sim.issue({ score: 0.5, action: 'otp_send' }), context())).toEqual({ ok: true, score: 0.5 });
    expect(await check(sim.issue({ score: 0.3, action: 'otp_send' }), context())).toMatchObject({
      ok: false,
      reason: 'low_score',
    });
    expect(await check(sim.issue({ score: 0.9, action: 'login' }), context())).toMatchObject({
      reason: 'action_mismatch',
    });
    expect(await check(sim.issue(), context())).toMatchObject({ reason: 'misconfigured' });
    const strict = recaptcha({ version: 3, secret: sim.secret, fetch: sim.fetch, minScore: 0.7 });
    expect(await strict(sim.issue({ score: 0.6, action: 'any' }), context())).toMatchObject({ reason: 'low_score' });
  });

  it('refuses impossible options at creation', () => {
    expect(() => recaptcha({ version: 3, secret: 's', minScore: 2 })).toThrow(/minScore/);
    expect(() => recaptcha({ version: 1 as 2, secret: 's' })).toThrow(/version/);
  });
});
