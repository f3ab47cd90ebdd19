import { describe, expect, it, vi } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '../contract.js';
import { OtpError } from '../errors.js';
import { engagelab } from '../providers/engagelab.js';
import { memoryStore } from '../stores/memory.js';
import { redisStore } from '../stores/redis/index.js';
import type { OtpStore } from '../stores/types.js';
import { createEngageLabSimulator } from '../testing/index.js';
import type { OtpHandlerOptions } from '../types.js';
import { createOtpHandler } from './handler.js';
import { BASE, MODES, mount, SECRET, setup, wrong } from './handler.test-helpers.js';

const TO = '+8618701235678';

describe.each(MODES)('%s', (mode) => {
  it('send answers the contract body', async () => {
    const t = setup(mode);
    const res = await t.post('send', { to: TO, locale: 'en' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(
      ['attemptsLeft', 'channel', 'codeLength', 'expiresAt', 'resendAt', 'to', 'verificationId'].sort(),
    );
    expect(res.body.verificationId).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(res.body.to).toBe('+86*******5678');
    expect(res.body.channel).toBe('sms');
    expect(res.body.attemptsLeft).toBe(5);
    expect(res.body.codeLength).toBe(6);
    expect(Date.parse(res.body.expiresAt)).toBe(t.clock.now() + 300_000);
    // EngageLab refuses a second send while the code is valid (3004), so resendAt is never before expiry there.
    const wait = t.provider.resend === 'blocked-while-valid' ? 300_000 : 60_000;
    expect(Date.parse(res.body.resendAt)).toBe(t.clock.now() + wait);
    expect(t.providerSends()).toBe(1);
  });

  it('verify with the right code answers a proof the server can check, after onVerified ran', async () => {
    const onVerified = vi.fn();
    const t = setup(mode, { onVerified });
    const { id, code } = await t.sendCode(TO);
    const res = await t.post('verify', { verificationId: id, code });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ verified: true, proof: expect.any(String) });
    expect(onVerified).toHaveBeenCalledOnce();
    expect(onVerified.mock.calls[0]?.[0].to).toBe(TO);
    expect(onVerified.mock.calls[0]?.[0].request).toBeInstanceOf(Request);
    expect(await t.otp.verifyProof(res.body.proof)).toEqual({
      to: TO,
      verificationId: id,
      purpose: 'default',
      verifiedAt: t.clock.now(),
      expiresAt: t.clock.now() + 600_000,
    });
    t.clock.advance(601);
    expect(await t.otp.verifyProof(res.body.proof)).toBeNull();
  });

  it('verify with a wrong code answers verified:false with the attempts left, then the right code still works', async () => {
    const t = setup(mode);
    const { id, code } = await t.sendCode(TO);
    const res = await t.post('verify', { verificationId: id, code: wrong(code) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ verified: false, attemptsLeft: 4 });
    const again = await t.post('verify', { verificationId: id, code: wrong(code) });
    expect(again.body).toEqual({ verified: false, attemptsLeft: 3 });
    expect((await t.post('verify', { verificationId: id, code })).body.verified).toBe(true);
  });

  it('a second verify after success is 409 already_verified', async () => {
    const t = setup(mode);
    const { id, code } = await t.sendCode(TO);
    await t.post('verify', { verificationId: id, code });
    const res = await t.post('verify', { verificationId: id, code });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_verified');
  });

  it('two concurrent right answers give exactly one proof', async () => {
    const t = setup(mode);
    const { id, code } = await t.sendCode(TO);
    const results = await Promise.all([
      t.post('verify', { verificationId: id, code }),
      t.post('verify', { verificationId: id, code }),
    ]);
    expect(results.filter((r) => r.body.verified === true)).toHaveLength(1);
    // The loser hears 409 from our store, or (UniMTX consumes a code on success) a plain "wrong", or (EngageLab's
    // 3003, "expired or already verified", read before the winner's record is marked) 410: the documented wrong
    // word of a race one browser never runs (flow/verify.ts expiredOrVerified). Never a second proof.
    const loser = results.find((r) => r.body.verified !== true);
    // (Its attemptsLeft depends on which of the two reserved its attempt first: 4 or 3 of 5.)
    if (loser?.status === 200) {
      expect(loser.body.verified).toBe(false);
      expect([3, 4]).toContainEqual(loser.body.attemptsLeft);
    } else
      expect([
        ['already_verified', 409],
        ['expired', 410],
      ]).toContainEqual([loser?.body.error.code, loser?.status]);
  });

  it('a verify after the code lifetime is 410 expired, without asking the provider', async () => {
    const t = setup(mode);
    const { id, code } = await t.sendCode(TO);
    t.clock.advance(300);
    const res = await t.post('verify', { verificationId: id, code });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('expired');
    expect(t.providerVerifies()).toBe(0);
  });

  it('after maxAttempts wrong codes: 429 too_many_attempts and the provider is not called', async () => {
    const t = setup(mode);
    const { id, code } = await t.sendCode(TO);
    for (let i = 0; i < 5; i++) await t.post('verify', { verificationId: id, code: wrong(code) });
    const before = t.providerVerifies();
    const res = await t.post('verify', { verificationId: id, code });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('too_many_attempts');
    expect(t.providerVerifies()).toBe(before);
  });

  it('an unknown verification id is 404 not_found', async () => {
    const t = setup(mode);
    const res = await t.post('verify', { verificationId: 'AAAAAAAAAAAAAAAAAAAAAA', code: '123456' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('a code that is not digits of the right length is 400 before the store or provider is touched', async () => {
    const t = setup(mode);
    const { id, code } = await t.sendCode(TO);
    for (const bad of [code.slice(1), `${code}1`, 'abcdef', ' 12345', '１２３４５６']) {
      const res = await t.post('verify', { verificationId: id, code: bad });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect(t.providerVerifies()).toBe(0);
    // No attempt was spent.
    expect((await t.post('verify', { verificationId: id, code: wrong(code) })).body.attemptsLeft).toBe(4);
  });

  it('resend: 429 with the real wait before resendAt, then a new id; the old one is cancelled', async () => {
    const t = setup(mode);
    const first = await t.sendCode(TO);
    const wait = (Date.parse(first.body.resendAt) - t.clock.now()) / 1000;
    t.clock.advance(10);
    const early = await t.post('resend', { verificationId: first.id });
    expect(early.status).toBe(429);
    expect(early.body.error).toMatchObject({ code: 'rate_limited', retryAfter: wait - 10 });
    expect(early.headers.get('retry-after')).toBe(String(wait - 10));

    t.clock.advance(wait - 10);
    const res = await t.post('resend', { verificationId: first.id });
    expect(res.status).toBe(200);
    expect(res.body.verificationId).not.toBe(first.id);
    expect(res.body.to).toBe('+86*******5678');
    const code = t.sim.lastCode(TO) as string;
    expect((await t.post('verify', { verificationId: first.id, code: first.code })).status).toBe(404);
    expect((await t.post('verify', { verificationId: res.body.verificationId, code })).body.verified).toBe(true);
  });

  it('the resend cooldown doubles with each resend (at least)', async () => {
    const t = setup(mode, { codeTtlSeconds: 30, resendCooldownSeconds: 60 });
    let { id } = await t.sendCode(TO);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      t.clock.advance(600);
      const res = await t.post('resend', { verificationId: id });
      expect(res.status).toBe(200);
      waits.push((Date.parse(res.body.resendAt) - t.clock.now()) / 1000);
      id = res.body.verificationId;
    }
    expect(waits).toEqual([120, 240, 480]);
  });

  it('resend of an unknown id is 404', async () => {
    const t = setup(mode);
    const res = await t.post('resend', { verificationId: 'nope' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('request checks', () => {
  it('other methods are 405 with Allow: POST', async () => {
    const t = setup('unimtx');
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      const res = await t.call('send', { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(res.body.error.code).toBe('method_not_allowed');
    }
  });

  it('routes on the last path segment wherever it is mounted; unknown segments are 404', async () => {
    const t = setup('unimtx');
    for (const url of ['https://app.test/send', 'https://app.test/a/b/c/send/', 'https://app.test/send?x=1']) {
      const res = await t.otp.handle(
        new Request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ to: `+1415555010${url.length % 10}` }),
        }),
      );
      expect(res.status).toBe(200);
    }
    const res = await t.post('sendd', { to: TO });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await t.post('__proto__', { to: TO })).status).toBe(404);
  });

  it('content types other than application/json are 415; parameters are fine', async () => {
    const t = setup('unimtx');
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'application/jsonx',
      'text/json',
      'application/json-patch+json',
    ]) {
      const res = await t.post('send', { to: TO }, { headers: { 'content-type': type } });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
    }
    const missing = await t.call('send', { body: JSON.stringify({ to: TO }) });
    expect(missing.status).toBe(415);
    const ok = await t.post('send', { to: TO }, { headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(ok.status).toBe(200);
    const cased = await t.post('send', { to: '+14155550100' }, { headers: { 'content-type': 'Application/JSON' } });
    expect(cased.status).toBe(200);
  });

  it('a Content-Length over 2048 is 413', async () => {
    const t = setup('unimtx');
    const res = await t.call('send', {
      headers: { 'content-type': 'application/json', 'content-length': '4096' },
      body: JSON.stringify({ to: TO }),
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('a Content-Length that lies (small header, big body) is still 413: the bytes are counted', async () => {
    const t = setup('unimtx');
    const res = await t.call('send', {
      headers: { 'content-type': 'application/json', 'content-length': '20' },
      body: `{"to":"${TO}"${' '.repeat(3000)}}`,
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(t.providerSends()).toBe(0);
  });

  it('a body of exactly 2048 bytes is read; 2049 bytes is 413', async () => {
    const t = setup('unimtx');
    const body = (n: number) => `{"to":"${TO}"${' '.repeat(n - 23)}}`;
    expect(new TextEncoder().encode(body(2048)).byteLength).toBe(2048);
    const ok = await t.call('send', { headers: { 'content-type': 'application/json' }, body: body(2048) });
    expect(ok.status).toBe(200);
    const big = await t.call('send', { headers: { 'content-type': 'application/json' }, body: body(2049) });
    expect(big.status).toBe(413);
  });

  it('malformed JSON and strict field violations are 400 invalid_request', async () => {
    const t = setup('unimtx');
    const raw = (body: string) => t.call('send', { headers: { 'content-type': 'application/json' }, body });
    for (const res of [
      await raw('{"to":'),
      await raw(''),
      await raw('null'),
      await raw('[]'),
      await raw('"+8618701235678"'),
      await raw('42'),
      await raw('true'),
      await raw(`{"to":{"number":"${TO}"}}`),
      await raw(`{"to":["${TO}"]}`),
      await raw(`{"to":"${TO}","to2":{}}`),
      await t.post('send', {}),
      await t.post('send', { to: 8618701235678 }),
      await t.post('send', { to: TO, templateId: 'x' }),
      await t.post('send', { to: TO, locale: 'not a language tag' }),
      await t.post('send', { to: TO, locale: `en-${'x'.repeat(40)}` }),
      await t.post('send', { to: TO, locale: null }),
      await t.post('verify', { verificationId: 'x' }),
      await t.post('verify', { verificationId: 'x', code: 123456 }),
      await t.post('resend', { verificationId: ['x'] }),
      await t.post('resend', { verificationId: '' }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    // Invalid UTF-8 is not quietly repaired into something else.
    const bad = await t.call('send', {
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array([0x7b, 0x22, 0x74, 0x6f, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
    });
    expect(bad.body.error.code).toBe('invalid_request');
    expect(t.providerSends()).toBe(0);
  });

  it('a number that is not E.164 is 400 invalid_phone; e-mail only when enabled', async () => {
    const t = setup('engagelab platform');
    for (const to of [
      '8618701235678',
      '+0123456789',
      '+123456',
      '+1234567890123456',
      '+86 187 0123 5678',
      'jane@example.com',
    ]) {
      const res = await t.post('send', { to });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_phone');
    }
    const e = setup('engagelab platform', { allowEmail: true });
    const res = await e.post('send', { to: 'jane@example.com' });
    expect(res.status).toBe(200);
    expect(res.body.to).toBe('j***@example.com');
    expect(res.body.channel).toBe('email');
  });

  it('numbers outside allowedCountries are 403 forbidden and nothing is sent', async () => {
    const t = setup('unimtx', { allowedCountries: ['US', 'GB'] });
    const res = await t.post('send', { to: TO });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(t.providerSends()).toBe(0);
    expect((await t.post('send', { to: '+447400123456' })).status).toBe(200);
    // +1 876 is Jamaica: a +1 prefix is not the US.
    expect((await t.post('send', { to: '+18765550123' })).status).toBe(403);
    expect(t.providerSends()).toBe(1);
  });

  it('a 403 for a foreign Origin logs once what arrived and what was allowed (a dev proxy rewrites Host only)', async () => {
    const t = setup('unimtx', { allowedOrigins: ['https://admin.example.com'] });
    // Vite's proxy with changeOrigin: true: the page is on localhost:5173, the request arrives for the API's host.
    const proxied = { origin: 'http://localhost:5173', host: 'app.test' };
    expect((await t.post('send', { to: '+14155550100' }, { headers: proxied })).status).toBe(403);
    expect((await t.post('send', { to: '+14155550200' }, { headers: proxied })).status).toBe(403);
    const warnings = t.logs.filter((l) => l.level === 'warn' && /cross-origin request refused/.test(l.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toEqual({
      origin: 'http://localhost:5173',
      requestOrigin: 'https://app.test',
      host: 'app.test',
      allowedOrigins: ['https://admin.example.com'],
    });
    // Listed, the same request passes.
    const listed = setup('unimtx', { allowedOrigins: ['http://localhost:5173'] });
    expect((await listed.post('send', { to: '+14155550100' }, { headers: proxied })).status).toBe(200);
  });

  it('Origin: own and allow-listed origins pass, others are 403; Sec-Fetch-Site cross-site needs an allowed Origin', async () => {
    const t = setup('unimtx', { allowedOrigins: ['https://admin.example.com/'] });
    const send = (headers: Record<string, string>, to: string) => t.post('send', { to }, { headers });
    expect((await send({ origin: 'https://app.test' }, '+14155550101')).status).toBe(200);
    expect((await send({ origin: 'https://admin.example.com' }, '+14155550102')).status).toBe(200);
    expect(
      (await send({ origin: 'https://admin.example.com', 'sec-fetch-site': 'cross-site' }, '+14155550103')).status,
    ).toBe(200);
    expect((await send({ 'sec-fetch-site': 'same-origin' }, '+14155550104')).status).toBe(200);
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: 'http://app.test' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' },
    ] as Record<string, string>[]) {
      const res = await send(headers, '+14155550105');
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('an Origin naming the Host header is the request own, even when the framework rewrote request.url', async () => {
    // Next.js route handlers see http://localhost:PORT/... while the browser on 127.0.0.1:PORT sends that Origin.
    const t = setup('unimtx');
    const send = (origin: string, to: string) =>
      t.post('send', { to }, { headers: { origin, host: '127.0.0.1:3000' } });
    expect((await send('http://127.0.0.1:3000', '+14155550106')).status).toBe(200);
    expect((await send('http://127.0.0.1:4000', '+14155550107')).status).toBe(403);
    expect((await send('https://evil.example', '+14155550108')).status).toBe(403);
  });

  it('checks run in order: method, route, origin, content type, size, JSON', async () => {
    const t = setup('unimtx');
    const h = (init: RequestInit, path = 'send') =>
      t.otp.handle(new Request(`${BASE}/${path}`, init)).then((r) => r.status);
    expect(await h({ method: 'GET', headers: { origin: 'https://evil.example' } }, 'nope')).toBe(405);
    expect(await h({ method: 'POST', headers: { origin: 'https://evil.example' } }, 'nope')).toBe(404);
    expect(await h({ method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' } })).toBe(
      403,
    );
    expect(await h({ method: 'POST', headers: { 'content-type': 'text/plain', 'content-length': '9999' } })).toBe(415);
    expect(
      await h({ method: 'POST', headers: { 'content-type': 'application/json' }, body: `{${' '.repeat(3000)}` }),
    ).toBe(413);
  });
});

describe('limits', () => {
  it('a fresh send to the same number does not reset the doubling cooldown', async () => {
    const t = setup('unimtx', { codeTtlSeconds: 30, resendCooldownSeconds: 60 });
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.post('send', { to: TO });
      expect(res.status).toBe(200);
      const wait = (Date.parse(res.body.resendAt) - t.clock.now()) / 1000;
      waits.push(wait);
      t.clock.advance(wait);
    }
    expect(waits).toEqual([60, 120, 240]);
  });

  it('per number: 5 sends per 10 minutes, then 429 with the wait', async () => {
    const t = setup('unimtx', { resendCooldownSeconds: 1 });
    // Each send waits out the (doubling) resend gate: 1 + 2 + 4 + 8 + 16 s.
    for (let i = 0; i < 5; i++) {
      expect((await t.post('send', { to: TO })).status).toBe(200);
      t.clock.advance(2 ** i);
    }
    const res = await t.post('send', { to: TO });
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ code: 'rate_limited', retryAfter: 600 - 31 });
    expect(res.headers.get('retry-after')).toBe('569');
    expect(t.providerSends()).toBe(5);
    t.clock.advance(569);
    expect((await t.post('send', { to: TO })).status).toBe(200);
  });

  it('a second send to the same number waits for the gate (EngageLab: until the code expires)', async () => {
    const t = setup('engagelab platform');
    await t.sendCode(TO);
    t.clock.advance(100);
    const res = await t.post('send', { to: TO });
    expect(res.status).toBe(429);
    expect(res.body.error.retryAfter).toBe(200);
    expect(t.providerSends()).toBe(1);
    t.clock.advance(200);
    expect((await t.post('send', { to: TO })).status).toBe(200);
  });

  it('per IP by default: 20 sends per hour, then 429 until the hour is over', async () => {
    const t = setup('unimtx');
    for (let i = 0; i < 20; i++) {
      // Numbers from different blocks of 100: neighbours would trip the prefix velocity limit first.
      expect((await t.post('send', { to: `+1415555${String(i * 100).padStart(4, '0')}` })).status).toBe(200);
    }
    t.clock.advance(60);
    const res = await t.post('send', { to: '+14155559999' });
    expect(res.status).toBe(429);
    expect(res.body.error.retryAfter).toBe(3600 - 60);
    expect((await t.post('send', { to: '+14155559999' }, { ip: '203.0.113.8' })).status).toBe(200);
  });

  it('per IP: the socket address by default; X-Forwarded-For is ignored unless trusted', async () => {
    const t = setup('unimtx', { ipLimit: { limit: 2, windowSeconds: 3600 } });
    const spoof = (n: number) => ({ headers: { 'x-forwarded-for': `198.51.100.${n}` } });
    expect((await t.post('send', { to: '+14155550101' }, spoof(1))).status).toBe(200);
    expect((await t.post('send', { to: '+14155550102' }, spoof(2))).status).toBe(200);
    expect((await t.post('send', { to: '+14155550103' }, spoof(3))).status).toBe(429);
    expect((await t.post('send', { to: '+14155550103' }, { ip: '203.0.113.8' })).status).toBe(200);
  });

  it('trustProxy: the LAST X-Forwarded-For entry (the one our proxy appended) is the client', async () => {
    const t = setup('unimtx', { ipLimit: { limit: 1, windowSeconds: 3600 }, trustProxy: true });
    const xff = (v: string) => ({ headers: { 'x-forwarded-for': v }, ip: '10.0.0.1' });
    expect((await t.post('send', { to: '+14155550101' }, xff('1.1.1.1, 192.0.2.9'))).status).toBe(200);
    expect((await t.post('send', { to: '+14155550102' }, xff('2.2.2.2, 192.0.2.9'))).status).toBe(429);
    expect((await t.post('send', { to: '+14155550103' }, xff('192.0.2.9, 192.0.2.10'))).status).toBe(200);
  });

  it('trustProxy as a function decides the client IP', async () => {
    const t = setup('unimtx', {
      ipLimit: { limit: 1, windowSeconds: 3600 },
      trustProxy: (request) => request.headers.get('cf-connecting-ip') ?? undefined,
    });
    const cf = (v: string) => ({ headers: { 'cf-connecting-ip': v } });
    expect((await t.post('send', { to: '+14155550101' }, cf('192.0.2.1'))).status).toBe(200);
    expect((await t.post('send', { to: '+14155550102' }, cf('192.0.2.1'))).status).toBe(429);
    expect((await t.post('send', { to: '+14155550103' }, cf('192.0.2.2'))).status).toBe(200);
  });

  it('without any client IP the IP limit is skipped with a single warning', async () => {
    const t = setup('unimtx', { ipLimit: { limit: 1, windowSeconds: 3600 } });
    const send = (to: string) =>
      t.otp.handle(
        new Request(`${BASE}/send`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ to }),
        }),
      );
    expect((await send('+14155550101')).status).toBe(200);
    expect((await send('+14155550102')).status).toBe(200);
    expect(t.logs.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('a number locked out by failures cannot get a new code', async () => {
    const t = setup('unimtx', { maxFailuresPerNumber: 3, maxAttempts: 5 });
    const { id, code } = await t.sendCode(TO);
    const results = [];
    for (let i = 0; i < 3; i++) results.push((await t.post('verify', { verificationId: id, code: wrong(code) })).body);
    expect(results.map((r) => r.attemptsLeft)).toEqual([2, 1, 0]);
    expect((await t.post('verify', { verificationId: id, code })).body.error.code).toBe('too_many_attempts');
    t.clock.advance(120);
    const res = await t.post('send', { to: TO });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(res.body.error.retryAfter).toBeGreaterThan(0);
  });
});

describe('upstream and store failures', () => {
  it('an undeliverable number is 422 and reopens the resend gate (nothing went out)', async () => {
    const t = setup('engagelab platform');
    t.inject({ code: 5012 });
    const res = await t.post('send', { to: TO });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('undeliverable');
    expect((await t.post('send', { to: TO })).status).toBe(200);
  });

  it('a timeout or a 5xx is 503 and reopens the gate: the user told to try again can (the number limit counts it)', async () => {
    // The timeout must leave room for a loaded CI machine to reach the simulator: with 50 ms a slow event loop
    // timed out calls that were meant to meet a 5xx, and the injected fault stayed queued for the next call.
    const t = setup('engagelab platform', { timeoutMs: 1000, numberLimit: { limit: 3, windowSeconds: 3600 } });
    t.sim.inject('hang');
    const res = await t.post('send', { to: TO });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('provider_unavailable');
    t.sim.inject('http500');
    expect((await t.post('send', { to: TO })).status).toBe(503);
    expect((await t.post('send', { to: TO })).status).toBe(200);
    // Every failed send counts: a number whose sends keep failing meets the per-number limit, not an open door.
    const other = '+447400123499';
    for (let i = 0; i < 3; i++) {
      t.sim.inject('http500');
      expect((await t.post('send', { to: other })).status).toBe(503);
    }
    expect((await t.post('send', { to: other })).body.error.code).toBe('rate_limited');
  });

  it.each(MODES)(
    '%s: no automatic retry: one provider call per failed send or verify, and a log line',
    async (mode) => {
      const t = setup(mode, { timeoutMs: 1000 });
      const { id, code } = await t.sendCode(TO);
      for (const fault of ['http500', 'hang'] as const) {
        t.sim.inject(fault);
        const sends = t.providerSends();
        expect((await t.post('send', { to: `+4474001234${fault.length}0` })).status).toBe(503);
        expect(t.providerSends()).toBe(sends + 1);
      }
      if (mode !== 'engagelab custom') {
        t.sim.inject('http500');
        expect((await t.post('verify', { verificationId: id, code })).status).toBe(503);
        expect(t.providerVerifies()).toBe(1);
      }
      expect(t.logs.filter((l) => l.level === 'warn' && l.message === 'provider unavailable').length).toBe(
        mode === 'engagelab custom' ? 2 : 3,
      );
    },
  );

  it('EngageLab 3004 on send is 429 with our own retryAfter', async () => {
    const t = setup('engagelab platform');
    t.inject({ code: 3004 });
    const res = await t.post('send', { to: TO });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(res.body.error.retryAfter).toBe(300);
    expect(res.headers.get('retry-after')).toBe('300');
  });

  it('bad credentials are 502 provider_error: logged loudly, no detail to the browser', async () => {
    const t = setup('engagelab platform');
    t.inject({ code: 2001 });
    const res = await t.post('send', { to: TO });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({
      error: { code: 'provider_error', message: 'The verification provider rejected the request.' },
    });
    expect(t.logs.some((l) => l.level === 'error')).toBe(true);
  });

  it('EngageLab 3003 on verify is 410 expired when our record is not verified; the attempt stays spent', async () => {
    const t = setup('engagelab platform');
    const { id, code } = await t.sendCode(TO);
    t.inject({ code: 3003 }, { path: '/v1/verifications' });
    const res = await t.post('verify', { verificationId: id, code });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('expired');
    // Our record was still valid: the operator hears that the template's TTL and codeTtlSeconds disagree.
    expect(t.logs.some((l) => l.level === 'warn' && l.message.includes('codeTtlSeconds'))).toBe(true);
    expect((await t.post('verify', { verificationId: id, code: wrong(code) })).body.attemptsLeft).toBe(3);
  });

  it('a provider timeout on verify is 503 and the attempt stays spent', async () => {
    const t = setup('unimtx', { timeoutMs: 1000 });
    const { id, code } = await t.sendCode(TO);
    t.sim.inject('hang');
    expect((await t.post('verify', { verificationId: id, code })).status).toBe(503);
    expect((await t.post('verify', { verificationId: id, code: wrong(code) })).body.attemptsLeft).toBe(3);
  });

  it('a store that is down is 503 provider_unavailable, and the log says why', async () => {
    // A real Redis store pointed at a port nothing listens on: the error the operator needs is its cause.
    const down = redisStore({ url: 'redis://127.0.0.1:1', timeoutMs: 300 });
    try {
      const t = setup('unimtx', { store: down });
      const send = await t.post('send', { to: TO });
      expect(send.status).toBe(503);
      expect(send.body.error.code).toBe('provider_unavailable');
      const verify = await t.post('verify', { verificationId: 'A'.repeat(26), code: '123456' });
      expect(verify.status).toBe(503);
      expect(JSON.stringify([send.body, verify.body])).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connected/);
      const errors = t.logs.filter((l) => l.level === 'error' && l.message === 'store unavailable');
      expect(errors.length).toBeGreaterThanOrEqual(2);
      // Wrapped once, cause kept: "store unavailable <- caused by Error: Redis not connected" (or ECONNREFUSED).
      for (const line of errors) expect(String(line.fields?.error)).toMatch(/caused by .*(not connected|ECONNREFUSED)/);
      expect(String(errors[0]?.fields?.error).match(/OtpError/g)).toHaveLength(1);
    } finally {
      await down.close();
    }
  });

  it('a bug is 500 internal_error with a generic message and no stack; an OtpError from onVerified passes through', async () => {
    const boom = setup('unimtx', {
      onVerified: () => {
        throw new TypeError('cannot read properties of undefined (at /srv/app.js:12)');
      },
    });
    const first = await boom.sendCode(TO);
    const res = await boom.post('verify', { verificationId: first.id, code: first.code });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal_error', message: 'Something went wrong.' } });
    expect(boom.logs.some((l) => l.level === 'error')).toBe(true);

    const refuse = setup('unimtx', {
      onVerified: () => {
        throw new OtpError('forbidden', { message: 'This number belongs to a blocked account.' });
      },
    });
    const second = await refuse.sendCode(TO);
    const res2 = await refuse.post('verify', { verificationId: second.id, code: second.code });
    expect(res2.status).toBe(403);
  });
});

describe('createOtpHandler options', () => {
  const { provider } = setup('unimtx');
  it('refuses a secret under 32 bytes and bad numbers at creation', () => {
    expect(() => createOtpHandler({ provider, secret: 'short' })).toThrow(/32 bytes/);
    expect(() => createOtpHandler({ provider, secret: new Uint8Array(31) })).toThrow(/32 bytes/);
    expect(() => createOtpHandler({ provider, secret: SECRET, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => createOtpHandler({ provider, secret: SECRET, codeTtlSeconds: 1.5 })).toThrow(/codeTtlSeconds/);
    expect(() => createOtpHandler({ provider, secret: SECRET, numberLimit: { limit: -1, windowSeconds: 1 } })).toThrow(
      /numberLimit/,
    );
    expect(() => createOtpHandler({ provider, secret: SECRET, allowedOrigins: ['app.example.com'] })).toThrow(
      /allowedOrigins/,
    );
    expect(() => createOtpHandler({ provider, secret: SECRET, allowedCountries: ['+44'] })).toThrow(/ISO 3166-1/);
    expect(() => createOtpHandler({ provider, secret: SECRET, deniedCountries: ['uk'] })).toThrow(/ISO 3166-1/);
    expect(() => createOtpHandler({ provider: undefined as never, secret: SECRET })).toThrow(/provider/);
    expect(() => createOtpHandler({ provider, secret: new Uint8Array(32) })).not.toThrow();
  });

  it('verifyProof refuses proofs of another secret', async () => {
    const a = setup('unimtx');
    const { id, code } = await a.sendCode(TO);
    const { proof } = (await a.post('verify', { verificationId: id, code })).body;
    const b = createOtpHandler({ provider, secret: `${SECRET}-other`, now: a.clock.now });
    expect(await b.verifyProof(proof)).toBeNull();
    expect(await a.otp.verifyProof(proof)).not.toBeNull();
  });
});

describe.each(MODES)('every error code of the contract (%s)', (mode) => {
  type T = ReturnType<typeof setup>;
  type Res = Awaited<ReturnType<T['post']>>;
  const json = { 'content-type': 'application/json' };
  const wrongFiveTimes = async (t: T) => {
    const { id, code } = await t.sendCode(TO);
    for (let i = 0; i < 5; i++) await t.post('verify', { verificationId: id, code: wrong(code) });
    return t.post('verify', { verificationId: id, code });
  };
  const authFault = mode === 'unimtx' ? { code: '104111' } : { code: 2001 };
  const cases: Record<ErrorCode, { options?: Partial<OtpHandlerOptions>; run: (t: T) => Promise<Res> } | null> = {
    invalid_request: { run: (t) => t.post('send', {}) },
    invalid_phone: { run: (t) => t.post('send', { to: '12345' }) },
    forbidden: { run: (t) => t.post('send', { to: TO }, { headers: { origin: 'https://evil.example' } }) },
    bot_check_failed: {
      options: { botCheck: async () => ({ ok: false, reason: 'invalid_token' }) },
      run: (t) => t.post('send', { to: TO, botToken: 'not-a-solved-challenge' }),
    },
    not_found: { run: (t) => t.post('verify', { verificationId: 'A'.repeat(26), code: '123456' }) },
    method_not_allowed: { run: (t) => t.call('send', { method: 'GET' }) },
    already_verified: {
      run: async (t) => {
        const { id, code } = await t.sendCode(TO);
        await t.post('verify', { verificationId: id, code });
        return t.post('verify', { verificationId: id, code });
      },
    },
    expired: {
      run: async (t) => {
        const { id, code } = await t.sendCode(TO);
        t.clock.advance(300);
        return t.post('verify', { verificationId: id, code });
      },
    },
    payload_too_large: { run: (t) => t.call('send', { headers: json, body: `{"to":"${'9'.repeat(3000)}"}` }) },
    unsupported_media_type: { run: (t) => t.call('send', { headers: { 'content-type': 'text/plain' }, body: '{}' }) },
    // UniMTX documents no delivery-failure code: its errors are configuration, limits and number format.
    undeliverable:
      mode === 'unimtx'
        ? null
        : {
            run: (t) => {
              t.inject({ code: 5012 });
              return t.post('send', { to: TO });
            },
          },
    // EngageLab's channels are its template's: none can be asked for per request. UniMTX has WhatsApp, but e-mail is
    // no channel for a number.
    channel_unavailable: { run: (t) => t.post('send', { to: TO, channel: mode === 'unimtx' ? 'email' : 'whatsapp' }) },
    too_many_attempts: { run: wrongFiveTimes },
    rate_limited: {
      run: async (t) => {
        await t.sendCode(TO);
        return t.post('send', { to: TO });
      },
    },
    internal_error: {
      options: {
        onVerified: () => {
          throw new TypeError('a bug in the app');
        },
      },
      run: async (t) => {
        const { id, code } = await t.sendCode(TO);
        return t.post('verify', { verificationId: id, code });
      },
    },
    provider_error: {
      run: (t) => {
        t.inject(authFault);
        return t.post('send', { to: TO });
      },
    },
    provider_unavailable: {
      run: (t) => {
        t.sim.inject('http500');
        return t.post('send', { to: TO });
      },
    },
  };

  // Every code of ERROR_STATUS must have a case: a code added to the contract without a test fails here.
  it.each(Object.keys(ERROR_STATUS).filter((code) => cases[code as ErrorCode] !== null))(
    '%s: its status, the error shape, no-store (and Retry-After / Allow where due)',
    async (code) => {
      const c = cases[code as ErrorCode] as NonNullable<(typeof cases)[ErrorCode]>;
      const t = setup(mode, c.options);
      const res = await c.run(t);
      expect(res.body.error.code).toBe(code);
      expect(res.status).toBe(ERROR_STATUS[code as ErrorCode]);
    },
  );

  it('too_many_attempts says when a new code can be requested: at once, unless the provider blocks it while valid', async () => {
    const t = setup(mode);
    const res = await wrongFiveTimes(t);
    expect(res.status).toBe(429);
    const blocked = t.provider.resend === 'blocked-while-valid';
    expect(res.body.error.retryAfter).toBe(blocked ? 300 : 1);
    // The locked code's resend gate is open: "Send a new code" works now (where the provider allows it).
    const again = await t.post('send', { to: TO });
    expect(again.status).toBe(blocked ? 429 : 200);
  });

  it('a used code opens the gate: a new code for the same number needs no cooldown', async () => {
    const t = setup(mode);
    const { id, code } = await t.sendCode(TO);
    expect((await t.post('verify', { verificationId: id, code })).body.verified).toBe(true);
    expect((await t.post('send', { to: TO })).status).toBe(t.provider.resend === 'blocked-while-valid' ? 429 : 200);
  });
});

describe('verification ids', () => {
  it('unknown, forged, cancelled, malformed and foreign ids all get the same 404 body on verify and resend', async () => {
    const t = setup('engagelab custom');
    const cancelled = await t.sendCode(TO);
    t.clock.advance(300);
    const live = (await t.post('resend', { verificationId: cancelled.id })).body.verificationId as string;
    const other = setup('engagelab custom');
    const foreign = (await other.sendCode(TO)).id;
    const flip = (id: string) => (id[0] === 'A' ? 'B' : 'A') + id.slice(1);
    const bodies = new Set<string>();
    for (const verificationId of [
      cancelled.id,
      flip(live),
      foreign,
      'A'.repeat(22),
      'x',
      `${live}A`,
      live.slice(1),
      'a'.repeat(1000),
    ]) {
      for (const [route, body] of [
        ['verify', { verificationId, code: '123456' }],
        ['resend', { verificationId }],
      ] as const) {
        const res = await t.post(route, body);
        expect(res.status).toBe(404);
        bodies.add(JSON.stringify(res.body));
      }
    }
    expect([...bodies]).toEqual([JSON.stringify({ error: { code: 'not_found', message: 'No such verification.' } })]);
    // The live one still works: none of the above spent one of its attempts.
    const code = t.sim.lastCode(TO) as string;
    expect((await t.post('verify', { verificationId: live, code })).body.verified).toBe(true);
  });

  it('are 128 random bits (22 base64url characters), never repeated', async () => {
    const t = setup('unimtx', { ipLimit: { limit: 100, windowSeconds: 3600 } });
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const res = await t.post('send', { to: `+1415555${String(i * 100).padStart(4, '0')}` });
      expect(res.body.verificationId).toMatch(/^[A-Za-z0-9_-]{26}$/);
      ids.add(res.body.verificationId);
    }
    expect(ids.size).toBe(50);
  });
});

describe('engagelab custom mode: the code stays out of the store', () => {
  it('the store holds a keyed hash of the code, never the code or a message id', async () => {
    const created: unknown[] = [];
    const inner = memoryStore();
    // A local code's record is saved by the take that counts the send (one store call): caught at either door.
    const store: OtpStore = {
      ...inner,
      create: (input) => {
        created.push(structuredClone(input.record));
        return inner.create(input);
      },
      take: (input) => {
        if (input.create) created.push(structuredClone(input.create.record));
        return inner.take(input);
      },
    };
    const t = setup('engagelab custom', { store });
    const { id, code } = await t.sendCode(TO);
    expect(created).toHaveLength(1);
    const record = created[0] as Record<string, unknown>;
    expect(record.messageId).toBeUndefined();
    expect(record.codeHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [message] = t.sim.messages as { messageId: string }[];
    const messageId = message?.messageId as string;
    const stored = JSON.stringify(record);
    expect(stored).not.toContain(messageId);
    // Whole-word search: a 6-digit run may appear by chance inside the random id or hash.
    expect(stored.replace(/[\w-]{16,}/g, '')).not.toMatch(new RegExp(`\\b${code}\\b`));
    expect((await t.post('verify', { verificationId: id, code })).body.verified).toBe(true);
  });

  it('codeLength is configurable: an 8-digit code is generated, delivered and checked', async () => {
    const sim = createEngageLabSimulator();
    const { devKey, devSecret, templateId } = sim;
    const provider = engagelab({ devKey, devSecret, templateId, mode: 'custom', codeLength: 8, fetch: sim.fetch });
    const h = mount(provider);
    const sent = await h.post('send', { to: TO });
    expect(sent.body.codeLength).toBe(8);
    const code = sim.lastCode(TO) as string;
    expect(code).toMatch(/^\d{8}$/);
    expect((await h.post('verify', { verificationId: sent.body.verificationId, code: code.slice(2) })).status).toBe(
      400,
    );
    expect((await h.post('verify', { verificationId: sent.body.verificationId, code })).body.verified).toBe(true);
  });
});
