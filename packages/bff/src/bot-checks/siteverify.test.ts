// What every verifier does when the service does not give a verdict, over a real loopback HTTP server: each is a
// clear `unavailable` (or `misconfigured`), never a pass and never a hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopbackServer } from '../testing/loopback.js';
import { createSiteverifySimulator } from '../testing/siteverify-simulator.js';
import { hcaptcha } from './hcaptcha.js';
import { recaptcha } from './recaptcha.js';
import { turnstile } from './turnstile.js';
import type { BotCheck } from './types.js';

const services = [
  ['turnstile', (o: { secret: string; siteverifyUrl: string }) => turnstile(o)],
  ['hcaptcha', (o: { secret: string; siteverifyUrl: string }) => hcaptcha(o)],
  ['recaptcha', (o: { secret: string; siteverifyUrl: string }) => recaptcha({ version: 2, ...o })],
] as const;

describe.each(services)('%s over HTTP when siteverify gives no verdict', (service, make) => {
  const sim = createSiteverifySimulator({ service });
  let server: LoopbackServer;
  let check: BotCheck;
  beforeAll(async () => {
    server = await sim.listen();
    check = make({ secret: sim.secret, siteverifyUrl: server.url + new URL(sim.url).pathname });
  });
  afterAll(() => server.close());
  const run = (timeoutMs = 5000) =>
    check(sim.issue(), { action: 'send', purpose: 'default', signal: AbortSignal.timeout(timeoutMs) });

  it('passes a real token over the wire', async () => {
    expect(await run()).toMatchObject({ ok: true });
  });

  it('a timeout is unavailable', async () => {
    sim.inject('hang');
    expect(await run(200)).toMatchObject({ ok: false, reason: 'unavailable' });
  });

  it('a 5xx (even with JSON) and a non-JSON 200 are unavailable', async () => {
    sim.inject('http500');
    expect(await run()).toMatchObject({ ok: false, reason: 'unavailable' });
    sim.inject({ code: 'internal-error', status: 503 });
    expect(await run()).toMatchObject({ ok: false, reason: 'unavailable' });
    sim.inject('garbage');
    expect(await run()).toMatchObject({ ok: false, reason: 'unavailable' });
  });

  it('a wrong URL (404 page) is misconfigured; a closed port is unavailable', async () => {
    const wrongPath = make({ secret: sim.secret, siteverifyUrl: `${server.url}/wrong` });
    expect(
      await wrongPath(sim.issue(), { action: 'send', purpose: 'default', signal: AbortSignal.timeout(5000) }),
    ).toMatchObject({ reason: 'misconfigured' });
    const closed = make({ secret: sim.secret, siteverifyUrl: 'http://127.0.0.1:9/siteverify' });
    expect(
      await closed(sim.issue(), { action: 'send', purpose: 'default', signal: AbortSignal.timeout(5000) }),
    ).toMatchObject({ reason: 'unavailable' });
  });

  it('never puts the secret in a verdict', async () => {
    sim.inject('garbage');
    expect(JSON.stringify(await run())).not.toContain(sim.secret);
  });
});
