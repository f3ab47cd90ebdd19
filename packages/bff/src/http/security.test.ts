import { describe, expect, it } from 'vitest';
import { BASE, MODES, SECRET, setup, wrong } from './handler.test-helpers.js';

const TO = '+8618701235678';

describe.each(MODES)('%s', (mode) => {
  it('200 concurrent wrong guesses on one verification: at most maxAttempts reach the provider', async () => {
    const t = setup(mode);
    const { id, code } = await t.sendCode(TO);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => t.post('verify', { verificationId: id, code: wrong(code) })),
    );
    const wrongAnswers = results.filter((r) => r.status === 200 && r.body.verified === false);
    const refused = results.filter((r) => r.status === 429 && r.body.error.code === 'too_many_attempts');
    expect(wrongAnswers).toHaveLength(5);
    expect(refused).toHaveLength(195);
    expect(t.providerVerifies()).toBeLessThanOrEqual(5);
    // The right code is refused too now: the budget is spent.
    expect((await t.post('verify', { verificationId: id, code })).status).toBe(429);
  });

  it('the per-number failure count survives resends', async () => {
    const t = setup(mode, { maxAttempts: 5, maxFailuresPerNumber: 7, codeTtlSeconds: 60 });
    const first = await t.sendCode(TO);
    for (let i = 0; i < 5; i++) await t.post('verify', { verificationId: first.id, code: wrong(first.code) });
    t.clock.advance(600);
    const resent = await t.post('resend', { verificationId: first.id });
    expect(resent.status).toBe(200);
    // Only two wrong codes are left for this number, whatever the new verification's own budget.
    expect(resent.body.attemptsLeft).toBe(2);
    const id = resent.body.verificationId;
    const code = t.sim.lastCode(TO) as string;
    const answers = [];
    for (let i = 0; i < 2; i++) answers.push((await t.post('verify', { verificationId: id, code: wrong(code) })).body);
    expect(answers).toEqual([
      { verified: false, attemptsLeft: 1 },
      { verified: false, attemptsLeft: 0 },
    ]);
    const locked = await t.post('verify', { verificationId: id, code });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_attempts');
  });
});

describe('request hardening', () => {
  it('a body over 2 KiB is refused with 413 without reading it all', async () => {
    const t = setup('unimtx');
    let pulled = 0;
    const chunk = new Uint8Array(1024).fill(0x20);
    const megabytes = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 8 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await t.otp.handle(
      new Request(`${BASE}/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: megabytes,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('payload_too_large');
    // 2048 bytes plus at most a few chunks the stream queued ahead: never the megabytes on offer.
    expect(pulled).toBeLessThanOrEqual(8 * 1024);
    expect(t.providerSends()).toBe(0);
  });

  it('non-JSON content types are 415 (a form post from another site cannot reach the handler)', async () => {
    const t = setup('unimtx');
    const res = await t.call('send', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `to=${encodeURIComponent(TO)}`,
    });
    expect(res.status).toBe(415);
    expect(t.providerSends()).toBe(0);
  });

  it('a foreign Origin or Sec-Fetch-Site: cross-site is 403 and sends nothing', async () => {
    const t = setup('unimtx');
    const foreign = await t.post('send', { to: TO }, { headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const crossSite = await t.post('send', { to: TO }, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect(t.providerSends()).toBe(0);
  });
});

describe.each(MODES)('no leaks (%s)', (mode) => {
  it('no response body or log line carries a secret, a code, a message id; logs carry no ids, proofs or full numbers', async () => {
    const t = setup(mode, { timeoutMs: 1000, allowEmail: true });
    // A full flow: send, wrong code, right code, second verify, resend, and failures on the way.
    const a = await t.sendCode(TO);
    await t.post('verify', { verificationId: a.id, code: wrong(a.code) });
    const verified = await t.post('verify', { verificationId: a.id, code: a.code });
    const proof = verified.body.proof as string;
    await t.post('verify', { verificationId: a.id, code: a.code });
    const b = await t.sendCode('+14155550100');
    t.clock.advance(900);
    const resent = await t.post('resend', { verificationId: b.id });
    await t.post('verify', {
      verificationId: resent.body.verificationId,
      code: wrong(t.sim.lastCode('+14155550100') ?? '000000'),
    });
    t.inject('garbage');
    await t.post('send', { to: '+447400123456' });
    t.inject('hang');
    await t.post('send', { to: '+447400123457' });
    t.inject('http500');
    await t.post('send', { to: '+447400123458' });
    await t.post('send', { to: 'jane.doe@example.com' });
    // A wrong credential (EngageLab 2001 / UniMTX 104111) on the next send.
    t.inject(mode === 'unimtx' ? { code: '104111' } : { code: 2001 });
    await t.post('send', { to: '+447400123459' });

    const codes = t.sim.messages.map((m) => m.code);
    expect(codes.length).toBeGreaterThanOrEqual(3);
    expect(t.upstreamIds.length).toBeGreaterThanOrEqual(3);
    expect(t.logs.length).toBeGreaterThan(0);
    const logLines = t.logs.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.fields ?? {})}`);
    const neverAnywhere = [SECRET, ...t.secrets, ...codes, ...t.upstreamIds];
    const neverInLogs = [
      ...neverAnywhere,
      a.id,
      b.id,
      resent.body.verificationId,
      proof,
      TO,
      '8618701235678',
      '+14155550100',
      '+447400123456',
      'jane.doe@example.com',
    ];
    for (const body of t.responses) for (const s of neverAnywhere) expect(body).not.toContain(s);
    for (const line of logLines) for (const s of neverInLogs) expect(line).not.toContain(s);
    // No stack traces in bodies either.
    for (const body of t.responses) expect(body).not.toMatch(/\n\s+at |\.ts:\d+/);
  });
});
