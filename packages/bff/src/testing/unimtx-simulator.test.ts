import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoopbackServer } from './loopback.js';
import { createUnimtxSimulator, type UnimtxSimulator } from './unimtx-simulator.js';

const TO = '+12068800123';

/** Signs like the official Node SDK, computed here with node:crypto (independent of the simulator's WebCrypto). */
function signedUrl(base: string, action: string, keyId: string, secret: string, timestamp: number) {
  const query: Record<string, string> = {
    action,
    accessKeyId: keyId,
    algorithm: 'hmac-sha256',
    timestamp: String(timestamp),
    nonce: 'a1b2c3d4e5',
  };
  const toSign = Object.keys(query)
    .sort()
    .map((k) => `${k}=${encodeURIComponent(query[k]!)}`)
    .join('&');
  const signature = createHmac('sha256', secret).update(toSign).digest('base64');
  return `${base}/?${new URLSearchParams({ ...query, signature })}`;
}

function call(sim: UnimtxSimulator, action: string, body: unknown, url?: string, init: RequestInit = {}) {
  return sim.fetch(url ?? `https://api.example.test/?action=${action}&accessKeyId=${sim.accessKeyId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

async function envelope(response: Response) {
  return (await response.json()) as { code: string; message: string; data?: Record<string, unknown> };
}

describe('UniMTX simulator (fetch form)', () => {
  it('sends a code of `digits` digits and accepts it once; a wrong code is valid: false', async () => {
    const sim = createUnimtxSimulator();
    const sent = await envelope(await call(sim, 'otp.send', { to: TO, digits: 8, intent: 'login' }));
    expect(sent).toMatchObject({ code: '0', message: 'Success', data: { to: TO, iso: 'US', cc: '1' } });
    expect(sent.data?.id).toEqual(expect.any(String));
    const code = sim.lastCode(TO)!;
    expect(code).toMatch(/^\d{8}$/);
    const wrong = code === '00000000' ? '11111111' : '00000000';
    expect(await envelope(await call(sim, 'otp.verify', { to: TO, code: wrong, intent: 'login' }))).toEqual({
      code: '0',
      message: 'Success',
      data: { to: TO, valid: false },
    });
    // The intent is part of the key: the same code without it does not match.
    expect((await envelope(await call(sim, 'otp.verify', { to: TO, code }))).data?.valid).toBe(false);
    expect((await envelope(await call(sim, 'otp.verify', { to: TO, code, intent: 'login' }))).data?.valid).toBe(true);
    expect((await envelope(await call(sim, 'otp.verify', { to: TO, code, intent: 'login' }))).data?.valid).toBe(false);
    expect(sim.calls).toEqual({ send: 1, verify: 4 });
  });

  it('expires generated codes after the ttl passed to otp.verify', async () => {
    let clock = 0;
    const sim = createUnimtxSimulator({ now: () => clock });
    await call(sim, 'otp.send', { to: TO });
    const code = sim.lastCode(TO)!;
    expect(code).toMatch(/^\d{6}$/);
    clock = 120_000;
    expect((await envelope(await call(sim, 'otp.verify', { to: TO, code, ttl: 120 }))).data?.valid).toBe(false);
    expect((await envelope(await call(sim, 'otp.verify', { to: TO, code, ttl: 121 }))).data?.valid).toBe(true);
  });

  it('answers 104001 (HTTP 400) for missing params, 104002 for bad ones, 107111 for bad numbers', async () => {
    const sim = createUnimtxSimulator();
    const missing = await call(sim, 'otp.verify', { to: TO });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ code: '104001', message: 'MissingParams' });
    expect((await envelope(await call(sim, 'otp.send', { to: TO, digits: 9 }))).code).toBe('104002');
    expect((await envelope(await call(sim, 'otp.send', { to: TO, ttl: 1801 }))).code).toBe('104002');
    expect((await envelope(await call(sim, 'otp.send', '{oops'))).code).toBe('104002');
    expect((await envelope(await call(sim, 'otp.send', { to: '2068800123' }))).code).toBe('107111');
    expect(sim.messages).toHaveLength(0);
  });

  it('checks the access key id: 104110 missing, 104111 unknown', async () => {
    const sim = createUnimtxSimulator();
    const none = await call(sim, 'otp.send', { to: TO }, 'https://x.test/?action=otp.send');
    expect((await envelope(none)).code).toBe('104110');
    const wrong = await call(sim, 'otp.send', { to: TO }, 'https://x.test/?action=otp.send&accessKeyId=nope');
    expect((await envelope(wrong)).code).toBe('104111');
  });

  it('with a secret, requires a valid HMAC-SHA256 signature (104201) and a fresh timestamp (104202)', async () => {
    const clock = 1_700_000_000_000;
    const sim = createUnimtxSimulator({ accessKeySecret: 'sim-secret', now: () => clock });
    const base = 'https://x.test';
    const good = signedUrl(base, 'otp.send', sim.accessKeyId, 'sim-secret', clock - 9 * 60_000);
    expect((await envelope(await call(sim, 'otp.send', { to: TO }, good))).code).toBe('0');
    const stale = signedUrl(base, 'otp.send', sim.accessKeyId, 'sim-secret', clock - 11 * 60_000);
    expect((await envelope(await call(sim, 'otp.send', { to: TO }, stale))).code).toBe('104202');
    const forged = signedUrl(base, 'otp.send', sim.accessKeyId, 'other-secret', clock);
    expect((await envelope(await call(sim, 'otp.send', { to: TO }, forged))).code).toBe('104201');
    const tampered = good.replace('action=otp.send', 'action=otp.verify');
    expect((await envelope(await call(sim, 'otp.verify', { to: TO, code: '123456' }, tampered))).code).toBe('104201');
    const unsigned = await call(sim, 'otp.send', { to: TO });
    expect((await envelope(unsigned)).code).toBe('104201');
  });

  it('injects codes (strings), garbage, http500 and hang, per action', async () => {
    const sim = createUnimtxSimulator();
    sim.inject({ code: '105300' }, { path: 'otp.send' });
    sim.inject({ code: '101000' }, { times: 1 });
    expect((await envelope(await call(sim, 'otp.verify', { to: TO, code: '1234' }))).code).toBe('101000');
    const limited = await call(sim, 'otp.send', { to: TO });
    expect(await limited.json()).toEqual({ code: '105300', message: 'LimitExceed' });
    sim.inject('garbage');
    await expect((await call(sim, 'otp.send', { to: TO })).json()).rejects.toThrow();
    sim.inject('http500');
    expect((await call(sim, 'otp.send', { to: TO })).status).toBe(500);
    sim.inject('hang');
    const hung = call(sim, 'otp.send', { to: TO }, undefined, { signal: AbortSignal.timeout(50) });
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    sim.reset();
    expect(sim.calls).toEqual({ send: 0, verify: 0 });
    expect((await envelope(await call(sim, 'otp.send', { to: TO }))).code).toBe('0');
  });
});

describe('UniMTX simulator (loopback server)', () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves otp.send and otp.verify over real HTTP', async () => {
    const sim = createUnimtxSimulator();
    server = await sim.listen();
    const url = (action: string) => `${server!.url}/?action=${action}&accessKeyId=${sim.accessKeyId}`;
    const init = (body: unknown) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect((await envelope(await fetch(url('otp.send'), init({ to: TO })))).code).toBe('0');
    const verified = await fetch(url('otp.verify'), init({ to: TO, code: sim.lastCode(TO) }));
    expect((await envelope(verified)).data).toEqual({ to: TO, valid: true });
  });
});
