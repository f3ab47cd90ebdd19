// The client against the REAL BFF handler, with the EngageLab simulator at the provider's network edge.
import { TURNSTILE_TEST_KEYS, turnstile } from '@otpkit/bff/bot-checks';
import { createSiteverifySimulator, createTestBff } from '@otpkit/bff/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BotTokenSource, createOtpClient, OtpClientError } from './client.js';

function setup() {
  const bff = createTestBff();
  const urls: string[] = [];
  const fetch = (input: string, init: RequestInit) => {
    urls.push(input);
    return bff.fetch(input, init);
  };
  return { bff, sim: bff.sim, clock: bff.clock, urls, client: createOtpClient({ fetch }) };
}

/** Runs `promise`, expecting an OtpClientError; returns it. */
async function rejection(promise: Promise<unknown>): Promise<OtpClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OtpClientError);
  return error as OtpClientError;
}

const TO = '+8618701235678';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createOtpClient against the real handler', () => {
  it('sends and resolves the contract body, with serverNow null when there is no Date header', async () => {
    const { client, urls } = setup();
    const sent = await client.send({ to: TO, locale: 'en' });
    expect(urls).toEqual(['/api/otp/send']);
    expect(sent).toMatchObject({ to: '+86*******5678', channel: 'sms', attemptsLeft: 5, codeLength: 6 });
    expect(sent.verificationId.length).toBeGreaterThanOrEqual(22);
    expect(Date.parse(sent.expiresAt) - Date.parse(sent.resendAt)).toBeLessThanOrEqual(0);
    expect(sent.serverNow).toBeNull();
  });

  it('verifies a wrong code (200 false with attemptsLeft) and then the right one (a proof the server accepts)', async () => {
    const { client, sim, bff } = setup();
    const { verificationId } = await client.send({ to: TO });
    const code = sim.lastCode(TO) as string;
    const wrong = code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
    expect(await client.verify({ verificationId, code: wrong })).toEqual({ verified: false, attemptsLeft: 4 });
    const ok = await client.verify({ verificationId, code });
    expect(ok.verified).toBe(true);
    const proof = ok.verified ? ok.proof : '';
    expect(await bff.handler.verifyProof(proof)).toMatchObject({ to: TO, verificationId });
  });

  it('throws the contract errors with their status, retryAfter and code', async () => {
    const { client, sim, clock } = setup();
    expect(await rejection(client.send({ to: '12345' }))).toMatchObject({ code: 'invalid_phone', status: 400 });
    expect(await rejection(client.verify({ verificationId: 'nope', code: '123456' }))).toMatchObject({
      code: 'not_found',
      status: 404,
    });

    const { verificationId } = await client.send({ to: TO });
    expect(await rejection(client.verify({ verificationId, code: '12' }))).toMatchObject({
      code: 'invalid_request',
      status: 400,
    });
    // EngageLab refuses a second send while the code is valid (3004), so the first resend waits for the expiry.
    const limited = await rejection(client.resend({ verificationId }));
    expect(limited).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(limited.retryAfter).toBe(300);

    clock.advance(301_000);
    expect(await rejection(client.verify({ verificationId, code: '123456' }))).toMatchObject({
      code: 'expired',
      status: 410,
    });

    const fresh = await client.resend({ verificationId });
    expect(fresh.verificationId).not.toBe(verificationId);
    // The resend cancelled the old verification.
    expect(await rejection(client.verify({ verificationId, code: '123456' }))).toMatchObject({ code: 'not_found' });
    await client.verify({ verificationId: fresh.verificationId, code: sim.lastCode(TO) as string });
    expect(await rejection(client.verify({ verificationId: fresh.verificationId, code: '123456' }))).toMatchObject({
      code: 'already_verified',
      status: 409,
    });
  });

  it('throws too_many_attempts once the attempt budget is spent, without calling the provider', async () => {
    const { client, sim } = setup();
    const { verificationId } = await client.send({ to: TO });
    const wrong = (sim.lastCode(TO) as string).replace(/\d$/, (d) => String((Number(d) + 1) % 10));
    for (let left = 4; left >= 0; left--) {
      expect(await client.verify({ verificationId, code: wrong })).toEqual({ verified: false, attemptsLeft: left });
    }
    const calls = sim.calls.verifications;
    expect(await rejection(client.verify({ verificationId, code: wrong }))).toMatchObject({
      code: 'too_many_attempts',
      status: 429,
    });
    expect(sim.calls.verifications).toBe(calls);
  });

  it('maps a provider outage to provider_unavailable and a refused delivery to undeliverable', async () => {
    const { client, sim } = setup();
    sim.inject('http500', { path: '/v1/messages' });
    expect(await rejection(client.send({ to: TO }))).toMatchObject({ code: 'provider_unavailable', status: 503 });
    sim.inject({ code: 5012 }, { path: '/v1/messages' });
    expect(await rejection(client.send({ to: '+12065550001' }))).toMatchObject({ code: 'undeliverable', status: 422 });
  });
});

describe('createOtpClient at the edges', () => {
  it('reads the server clock from the Date header', async () => {
    const date = 'Tue, 03 Nov 2026 10:00:00 GMT';
    const client = createOtpClient({
      fetch: async () =>
        Response.json(
          {
            verificationId: 'v1',
            to: '+1******0000',
            channel: 'sms',
            expiresAt: '2026-11-03T10:05:00.000Z',
            resendAt: '2026-11-03T10:01:00.000Z',
            attemptsLeft: 5,
            codeLength: 6,
          },
          { headers: { date } },
        ),
    });
    expect((await client.send({ to: TO })).serverNow).toBe(Date.parse(date));
  });

  it('posts JSON to the endpoint without a trailing slash, omitting an absent locale', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const client = createOtpClient({
      endpoint: '/auth/otp/',
      fetch: async (url, init) => {
        seen.push({ url, init });
        return Response.json({ verified: false, attemptsLeft: 2 });
      },
    });
    await client.verify({ verificationId: 'v1', code: '123456' });
    await rejection(client.send({ to: TO })); // a verify body is not a send body
    expect(seen.map((s) => s.url)).toEqual(['/auth/otp/verify', '/auth/otp/send']);
    expect(seen[0]?.init).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(seen[1]?.init.body).toBe(JSON.stringify({ to: TO }));
  });

  it('uses globalThis.fetch at call time, never as a method of another object ("Illegal invocation")', async () => {
    const client = createOtpClient();
    const fetch = vi.fn(function (this: unknown) {
      expect(this === undefined || this === globalThis).toBe(true);
      return Promise.resolve(Response.json({ verified: false, attemptsLeft: 1 }));
    });
    vi.stubGlobal('fetch', fetch);
    expect(await client.verify({ verificationId: 'v1', code: '123456' })).toEqual({ verified: false, attemptsLeft: 1 });
    expect(fetch).toHaveBeenCalledOnce();
  });

  it('turns a fetch rejection (offline, abort) into network_error', async () => {
    const offline = createOtpClient({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    expect(await rejection(offline.send({ to: TO }))).toMatchObject({ code: 'network_error', status: 0 });

    const controller = new AbortController();
    controller.abort();
    const hanging = createOtpClient({
      fetch: (_url, init) => (init.signal?.aborted ? Promise.reject(init.signal.reason) : new Promise(() => {})),
    });
    expect(
      await rejection(hanging.verify({ verificationId: 'v1', code: '123456', signal: controller.signal })),
    ).toMatchObject({
      code: 'network_error',
    });
  });

  it('turns a non-JSON or unexpected answer into internal_error that names the endpoint', async () => {
    const html = createOtpClient({
      fetch: async () =>
        new Response('<!doctype html><title>app</title>', { headers: { 'content-type': 'text/html' } }),
    });
    const error = await rejection(html.send({ to: TO }));
    expect(error).toMatchObject({ code: 'internal_error', status: 200 });
    expect(error.message).toContain('/api/otp/send');
    expect(error.message).toContain('text/html');

    const proxy = createOtpClient({ fetch: async () => new Response('Bad Gateway', { status: 502 }) });
    expect(await rejection(proxy.verify({ verificationId: 'v1', code: '123456' }))).toMatchObject({
      code: 'internal_error',
      status: 502,
    });

    // An error body that is not JSON-with-a-code (here a proxy's JSON without one) is not ours either.
    const foreign = createOtpClient({ fetch: async () => Response.json({ message: 'Forbidden' }, { status: 403 }) });
    expect(await rejection(foreign.resend({ verificationId: 'v1' }))).toMatchObject({
      code: 'internal_error',
      status: 403,
    });

    const halfBody = createOtpClient({ fetch: async () => Response.json({ verified: true }) });
    expect(await rejection(halfBody.verify({ verificationId: 'v1', code: '123456' }))).toMatchObject({
      code: 'internal_error',
    });
    const noProof = createOtpClient({ fetch: async () => Response.json({ verified: true, attemptsLeft: 3 }) });
    expect(await rejection(noProof.verify({ verificationId: 'v1', code: '123456' }))).toMatchObject({
      code: 'internal_error',
    });
    // A send answer without a readable deadline: no countdown could run on it.
    const noDeadline = createOtpClient({
      fetch: async () => Response.json({ verificationId: 'v1', expiresAt: 'soon' }),
    });
    expect(await rejection(noDeadline.send({ to: TO }))).toMatchObject({ code: 'internal_error' });
  });

  it('passes an error code it does not know through as it is (a newer server), with its message', async () => {
    const client = createOtpClient({
      fetch: async () =>
        Response.json({ error: { code: 'number_blocked', message: 'blocked by policy' } }, { status: 403 }),
    });
    expect(await rejection(client.send({ to: TO }))).toMatchObject({
      code: 'number_blocked',
      status: 403,
      message: 'blocked by policy',
    });
  });
});

describe('createOtpClient with a bot check on the server', () => {
  function botSetup(botToken?: BotTokenSource) {
    const captcha = createSiteverifySimulator({ service: 'turnstile' });
    const bff = createTestBff({ handler: { botCheck: turnstile({ secret: captcha.secret, fetch: captcha.fetch }) } });
    return { bff, captcha, client: createOtpClient({ fetch: bff.fetch, botToken }) };
  }

  it('without a token the server refuses with bot_check_failed (403)', async () => {
    const { client } = botSetup();
    const error = await rejection(client.send({ to: TO }));
    expect(error).toMatchObject({ code: 'bot_check_failed', status: 403 });
  });

  it('calls botToken() for every send and resend (never for verify), so each carries a fresh token', async () => {
    let calls = 0;
    const { bff, captcha, client } = botSetup(() => {
      calls += 1;
      return captcha.issue();
    });
    const { verificationId, resendAt } = await client.send({ to: TO });
    await client.verify({ verificationId, code: '000000' }).catch(() => {});
    bff.clock.advance(Date.parse(resendAt) - bff.clock.now() + 1000);
    const resent = await client.resend({ verificationId });
    expect(resent.verificationId).not.toBe(verificationId);
    expect(calls).toBe(2);
    const bodies = bff.requests.map((r) => r.body as Record<string, unknown>);
    expect(bodies.map((b) => typeof b.botToken)).toEqual(['string', 'undefined', 'string']);
    expect(bodies[0]?.botToken).not.toBe(bodies[2]?.botToken);
    expect(captcha.requests.map((r) => r.response)).toEqual([bodies[0]?.botToken, bodies[2]?.botToken]);
  });

  it('awaits a Promise of a token; a token given to the call wins; a fixed token cannot resend (single use)', async () => {
    const { bff, captcha, client } = botSetup(async () => captcha.issue());
    const own = captcha.issue();
    const { verificationId, resendAt } = await client.send({ to: TO, botToken: own });
    expect(bff.requests[0]?.body).toMatchObject({ botToken: own });
    bff.clock.advance(Date.parse(resendAt) - bff.clock.now() + 1000);
    const fixed = createOtpClient({ fetch: bff.fetch, botToken: own });
    expect(await rejection(fixed.resend({ verificationId }))).toMatchObject({ code: 'bot_check_failed' });
    expect((await client.resend({ verificationId })).verificationId).toEqual(expect.any(String));
  });

  it('a botToken() that throws fails the request as bot_check_failed (status 0) without sending it', async () => {
    const { bff, client } = botSetup(() => {
      throw new Error('the widget did not load');
    });
    const error = await rejection(client.send({ to: TO }));
    expect(error).toMatchObject({ code: 'bot_check_failed', status: 0 });
    expect(error.cause).toBeInstanceOf(Error);
    expect(bff.requests).toEqual([]);
  });

  it("Turnstile's documented test keys: the dummy token passes with the always-passes secret", async () => {
    const captcha = createSiteverifySimulator({ service: 'turnstile' });
    const { secret, dummyToken } = TURNSTILE_TEST_KEYS;
    const bff = createTestBff({
      handler: { botCheck: turnstile({ secret: secret.alwaysPasses, fetch: captcha.fetch }) },
    });
    const client = createOtpClient({ fetch: bff.fetch, botToken: () => dummyToken });
    expect((await client.send({ to: TO })).to).toBe('+86*******5678');
  });
});
