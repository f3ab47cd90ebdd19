// otp.api: the flow for server code (Server Actions, tRPC, tests), without HTTP. The same rules as the routes,
// typed results, and OtpError for every refusal.
import { describe, expect, it, vi } from 'vitest';
import { OtpError } from '../errors.js';
import { setup, wrong } from './handler.test-helpers.js';

const TO = '+8618701235678';

describe('otp.api', () => {
  it('send, verify and resend resolve the contract bodies the routes answer', async () => {
    const onVerified = vi.fn();
    const t = setup('engagelab custom', { onVerified });
    const sent = await t.otp.api.send({ to: TO, locale: 'ja' }, { clientIp: '203.0.113.5' });
    expect(sent).toMatchObject({ to: '+86*******5678', channel: 'sms', attemptsLeft: 5, codeLength: 6 });
    const code = t.sim.lastCode(TO)!;
    expect(await t.otp.api.verify({ verificationId: sent.verificationId, code: wrong(code) })).toEqual({
      verified: false,
      attemptsLeft: 4,
    });
    t.clock.advance(300);
    const again = await t.otp.api.resend({ verificationId: sent.verificationId }, { clientIp: '203.0.113.5' });
    expect(again.verificationId).not.toBe(sent.verificationId);
    const right = await t.otp.api.verify({ verificationId: again.verificationId, code: t.sim.lastCode(TO)! });
    expect(right.verified).toBe(true);
    if (right.verified) expect(await t.otp.verifyProof(right.proof)).toMatchObject({ to: TO });
    // No request: onVerified hears the recipient and no request.
    expect(onVerified).toHaveBeenCalledWith({ to: TO, request: undefined });
  });

  it('refuses bad input with the same OtpErrors as the routes', async () => {
    const t = setup('engagelab platform');
    await expect(t.otp.api.send({ to: '0044 7700 900123' })).rejects.toMatchObject({
      code: 'invalid_phone',
      status: 400,
    });
    await expect(t.otp.api.send({ to: TO, locale: 'not a tag' })).rejects.toMatchObject({ code: 'invalid_request' });
    // Untyped input from a form or another language reaches the same checks.
    await expect(t.otp.api.send({ to: 8618701235678 } as never)).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(t.otp.api.verify({ verificationId: 'x'.repeat(22), code: '12' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    const missing = await t.otp.api.verify({ verificationId: 'x'.repeat(22), code: '123456' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OtpError);
    expect((missing as OtpError).toResponse().status).toBe(404);
  });

  it('keys the per-IP limit on the clientIp it is given, or on X-Forwarded-For with trustProxy', async () => {
    const t = setup('unimtx', { ipLimit: { limit: 2, windowSeconds: 3600 }, trustProxy: true });
    const numbers = ['+14155550101', '+14155550102', '+14155550103'];
    const request = new Request('https://app.test/', { headers: { 'x-forwarded-for': '198.51.100.1, 198.51.100.9' } });
    await t.otp.api.send({ to: numbers[0]! }, { request, clientIp: '10.0.0.1' });
    await t.otp.api.send({ to: numbers[1]! }, { request, clientIp: '10.0.0.2' });
    // The third send from 198.51.100.9 (the proxy's entry, whatever the socket) is over the limit.
    await expect(t.otp.api.send({ to: numbers[2]! }, { request, clientIp: '10.0.0.3' })).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfter: expect.any(Number),
    });
    // Another client address still has room.
    await expect(t.otp.api.send({ to: numbers[2]! }, { clientIp: '198.51.100.7' })).resolves.toMatchObject({
      attemptsLeft: 5,
    });
  });
});
