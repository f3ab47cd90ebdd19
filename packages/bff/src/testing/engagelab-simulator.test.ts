import { afterEach, describe, expect, it } from 'vitest';
import { createEngageLabSimulator, type EngageLabSimulator } from './engagelab-simulator.js';
import type { LoopbackServer } from './loopback.js';

const TO = '+8618701235678';

function auth(sim: EngageLabSimulator, secret = sim.devSecret) {
  return `Basic ${btoa(`${sim.devKey}:${secret}`)}`;
}

function call(sim: EngageLabSimulator, base: string, path: string, body: unknown, init: RequestInit = {}) {
  return sim.fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth(sim) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

async function expectError(response: Response, status: number, code: number) {
  expect(response.status).toBe(status);
  expect(await response.json()).toMatchObject({ code });
}

describe('EngageLab simulator (fetch form)', () => {
  const base = 'https://example.test/any/base';

  it('sends a platform code and verifies it once; a second verify answers 3003', async () => {
    let clock = 1_000_000;
    const sim = createEngageLabSimulator({ now: () => clock });
    const sent = await call(sim, base, '/v1/messages', { to: TO, template: { id: sim.templateId, language: 'en' } });
    expect(sent.status).toBe(200);
    const { message_id, send_channel } = (await sent.json()) as { message_id: string; send_channel: string };
    expect(message_id).toMatch(/^\d{19}$/);
    expect(send_channel).toBe('sms');
    const code = sim.lastCode(TO)!;
    expect(code).toMatch(/^\d{6}$/);
    expect(sim.messages).toEqual([
      { messageId: message_id, to: TO, code, templateId: 'otpkit-demo', language: 'en', channel: 'sms', at: 1_000_000 },
    ]);

    const wrong = code === '000000' ? '111111' : '000000';
    const miss = await call(sim, base, '/v1/verifications', { message_id, verify_code: wrong });
    expect(miss.status).toBe(200);
    expect(await miss.json()).toEqual({ message_id, verify_code: wrong, verified: false });

    clock += 1000;
    const hit = await call(sim, base, '/v1/verifications', { message_id, verify_code: code });
    expect(await hit.json()).toEqual({ message_id, verify_code: code, verified: true });
    const again = await call(sim, base, '/v1/verifications', { message_id, verify_code: code });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ code: 3003, message: 'verify code has expired' });
    expect(sim.calls).toEqual({ messages: 1, codes: 0, verifications: 3 });
  });

  it('expires codes after the template TTL (3003) and then lets the same recipient get a new one', async () => {
    let clock = 0;
    const sim = createEngageLabSimulator({ now: () => clock, templates: { t4: { codeLength: 4, ttlSeconds: 60 } } });
    const sent = await call(sim, base, '/v1/messages', { to: TO, template: { id: 't4' } });
    const { message_id } = (await sent.json()) as { message_id: string };
    expect(sim.lastCode(TO)).toMatch(/^\d{4}$/);
    expect(sim.messages[0]?.language).toBe('default');

    clock = 59_999;
    await expectError(await call(sim, base, '/v1/messages', { to: TO, template: { id: 't4' } }), 400, 3004);
    clock = 60_000;
    const late = await call(sim, base, '/v1/verifications', { message_id, verify_code: sim.lastCode(TO) });
    await expectError(late, 400, 3003);
    expect((await call(sim, base, '/v1/messages', { to: TO, template: { id: 't4' } })).status).toBe(200);
  });

  it('answers 3004 for the same template and recipient within the validity period, also via /v1/codes', async () => {
    const sim = createEngageLabSimulator();
    const template = { id: sim.templateId };
    expect((await call(sim, base, '/v1/codes', { to: TO, code: '398210', template })).status).toBe(200);
    expect(sim.lastCode(TO)).toBe('398210');
    await expectError(await call(sim, base, '/v1/codes', { to: TO, code: '123456', template }), 400, 3004);
    await expectError(await call(sim, base, '/v1/messages', { to: TO, template }), 400, 3004);
    // Another recipient is not limited.
    expect((await call(sim, base, '/v1/messages', { to: '+6591234567', template })).status).toBe(200);
  });

  it('checks Basic auth (2001, HTTP 401), JSON (3001), params (3002), template and message ids (4001)', async () => {
    const sim = createEngageLabSimulator();
    const template = { id: sim.templateId };
    const badAuth = await call(
      sim,
      base,
      '/v1/messages',
      { to: TO, template },
      {
        headers: { 'content-type': 'application/json', authorization: auth(sim, 'wrong') },
      },
    );
    await expectError(badAuth, 401, 2001);
    const noAuth = await call(sim, base, '/v1/messages', { to: TO, template }, { headers: {} });
    await expectError(noAuth, 401, 2001);
    await expectError(await call(sim, base, '/v1/messages', '{not json'), 400, 3001);
    await expectError(await call(sim, base, '/v1/messages', { to: TO }), 400, 3002);
    await expectError(
      await call(sim, base, '/v1/messages', { to: TO, template: { id: 'x', language: 'fr' } }),
      400,
      3002,
    );
    await expectError(await call(sim, base, '/v1/codes', { to: TO, template }), 400, 3002);
    await expectError(await call(sim, base, '/v1/messages', { to: TO, template: { id: 'nope' } }), 400, 4001);
    await expectError(await call(sim, base, '/v1/messages', { to: '12345', template }), 400, 5011);
    const unknown = await call(sim, base, '/v1/verifications', { message_id: '1725407449772531712', verify_code: '1' });
    await expectError(unknown, 400, 4001);
    expect(sim.messages).toHaveLength(0);
  });

  it('simulates undeliverable numbers and reports e-mail as the email channel', async () => {
    const sim = createEngageLabSimulator({ undeliverable: { '+12065550000': 5012 } });
    const template = { id: sim.templateId };
    await expectError(await call(sim, base, '/v1/messages', { to: '+12065550000', template }), 400, 5012);
    const mail = await call(sim, base, '/v1/messages', { to: 'bob@example.com', template });
    expect(await mail.json()).toMatchObject({ send_channel: 'email' });
  });

  it('injects error codes with their documented status, per path and a number of times', async () => {
    const sim = createEngageLabSimulator();
    const template = { id: sim.templateId };
    sim.inject({ code: 1000 }, { times: 2, path: '/v1/messages' });
    sim.inject({ code: 2004 });
    await expectError(await call(sim, base, '/v1/codes', { to: TO, code: '1234', template }), 403, 2004);
    await expectError(await call(sim, base, '/v1/messages', { to: TO, template }), 500, 1000);
    await expectError(await call(sim, base, '/v1/messages', { to: TO, template }), 500, 1000);
    expect((await call(sim, base, '/v1/messages', { to: TO, template })).status).toBe(200);
    sim.inject({ code: 5013, status: 418 });
    await expectError(await call(sim, base, '/v1/verifications', { message_id: '1', verify_code: '1' }), 418, 5013);
  });

  it('injects garbage, http500 and hang (settles only when the signal aborts)', async () => {
    const sim = createEngageLabSimulator();
    const template = { id: sim.templateId };
    sim.inject('garbage');
    const garbage = await call(sim, base, '/v1/messages', { to: TO, template });
    expect(garbage.status).toBe(200);
    await expect(garbage.json()).rejects.toThrow();
    sim.inject('http500');
    expect((await call(sim, base, '/v1/messages', { to: TO, template })).status).toBe(500);
    sim.inject('hang');
    const started = Date.now();
    const hung = call(sim, base, '/v1/messages', { to: TO, template }, { signal: AbortSignal.timeout(50) });
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });

  it('reset() forgets messages, counters and faults', async () => {
    const sim = createEngageLabSimulator();
    const template = { id: sim.templateId };
    await call(sim, base, '/v1/messages', { to: TO, template });
    sim.inject('http500');
    sim.reset();
    expect(sim.messages).toHaveLength(0);
    expect(sim.calls).toEqual({ messages: 0, codes: 0, verifications: 0 });
    expect((await call(sim, base, '/v1/messages', { to: TO, template })).status).toBe(200);
  });
});

describe('EngageLab simulator (loopback server)', () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves the same API over real HTTP on 127.0.0.1', async () => {
    const sent: string[] = [];
    const sim = createEngageLabSimulator({ onSend: (m) => sent.push(m.code) });
    server = await sim.listen();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const headers = { 'content-type': 'application/json', authorization: auth(sim) };
    const send = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ to: TO, template: { id: sim.templateId } }),
    });
    const { message_id } = (await send.json()) as { message_id: string };
    expect(sent).toEqual([sim.lastCode(TO)]);
    const verify = await fetch(`${server.url}/v1/verifications`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ message_id, verify_code: sim.lastCode(TO) }),
    });
    expect(await verify.json()).toMatchObject({ verified: true });
    const bad = await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { authorization: 'Basic eDp5' } });
    expect(bad.status).toBe(401);
  });

  it('a hanging request ends with the client timeout, and close() does not wait for it', async () => {
    const sim = createEngageLabSimulator();
    server = await sim.listen();
    sim.inject('hang');
    const request = fetch(`${server.url}/v1/messages`, { method: 'POST', signal: AbortSignal.timeout(100) });
    await expect(request).rejects.toMatchObject({ name: 'TimeoutError' });
    const started = Date.now();
    await server.close();
    server = undefined;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
