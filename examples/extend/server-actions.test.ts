import { createTestBff } from '@otpkit/bff/testing';
import { describe, expect, it } from 'vitest';
import { otpActions } from './server-actions.js';

const TO = '+447400123456';

describe('otp.api from server code', () => {
  it('sends and checks a code without HTTP, and answers refusals as values', async () => {
    const bff = createTestBff();
    const actions = otpActions(bff.handler, () => '203.0.113.20');
    const sent = await actions.sendCode(TO);
    if (!sent.ok) throw new Error(`send refused: ${sent.code}`);
    expect(await actions.checkCode(sent.verificationId, bff.sim.lastCode(TO)!)).toMatchObject({ to: TO });
    // The resend gate is closed: a second send right away is refused with its wait.
    expect(await actions.sendCode(TO)).toEqual({ ok: false, code: 'rate_limited', retryAfter: expect.any(Number) });
    expect(await actions.sendCode('12345')).toEqual({ ok: false, code: 'invalid_phone', retryAfter: undefined });
  });
});
