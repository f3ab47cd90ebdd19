// Lifecycle events: the sequence each scenario of the flow emits, and that none carries a code, a secret, a message
// id or an unmasked recipient.
import { describe, expect, it } from 'vitest';
import type { OtpEvent } from '../flow/events.js';
import type { OtpHandlerOptions } from '../types.js';
import { type ModeName, SECRET, setup, wrong } from './handler.test-helpers.js';

const TO = '+8618701235678';
const MASKED = '+86*******5678';

function withEvents(options: Partial<OtpHandlerOptions> = {}, mode: ModeName = 'engagelab platform') {
  const events: OtpEvent[] = [];
  const t = setup(mode, { onEvent: (event) => void events.push(event), ...options });
  /** The types emitted so far, and forget them. */
  const take = () => events.splice(0).map((e) => e.type);
  return { t, events, take };
}

describe('events', () => {
  it('send, a wrong code, the right code, the proof consumed', async () => {
    const { t, events, take } = withEvents();
    const { id, code } = await t.sendCode(TO);
    expect(events).toEqual([
      { type: 'send_requested', at: t.clock.now(), purpose: 'default', to: MASKED, resend: false },
      {
        type: 'sent',
        provider: 'engagelab',
        at: t.clock.now(),
        purpose: 'default',
        to: MASKED,
        verificationId: id,
        channel: 'sms',
      },
    ]);
    take();
    await t.post('verify', { verificationId: id, code: wrong(code) });
    expect(events).toEqual([
      {
        type: 'verify_wrong',
        at: t.clock.now(),
        purpose: 'default',
        to: MASKED,
        verificationId: id,
        attemptsLeft: 4,
      },
    ]);
    take();
    const { body } = await t.post('verify', { verificationId: id, code });
    expect(events).toEqual([
      { type: 'verified', at: t.clock.now(), purpose: 'default', to: MASKED, verificationId: id },
    ]);
    take();
    await t.otp.consumeProof(body.proof);
    await t.otp.consumeProof(body.proof);
    expect(events).toEqual([
      { type: 'proof_consumed', at: t.clock.now(), purpose: 'default', to: MASKED, verificationId: id },
    ]);
  });

  it('a resend: send_requested (resend) then resent, naming the id it replaces', async () => {
    const { t, events, take } = withEvents({ purposes: { 'sign-in': {} } }, 'unimtx');
    const first = await t.post('send', { to: TO, purpose: 'sign-in' });
    take();
    t.clock.advance(61);
    const again = await t.post('resend', { verificationId: first.body.verificationId });
    expect(events).toEqual([
      { type: 'send_requested', at: t.clock.now(), purpose: 'sign-in', to: MASKED, resend: true },
      {
        type: 'resent',
        provider: 'unimtx',
        at: t.clock.now(),
        purpose: 'sign-in',
        to: MASKED,
        verificationId: again.body.verificationId,
        previousVerificationId: first.body.verificationId,
        channel: 'sms',
        resendCount: 1,
      },
    ]);
    take();
    // Too early for the next one: refused as a cooldown.
    await t.post('resend', { verificationId: again.body.verificationId });
    expect(events.map((e) => [e.type, 'reason' in e ? e.reason : undefined])).toEqual([
      ['send_requested', undefined],
      ['send_refused', 'resend_cooldown'],
    ]);
  });

  it('every refusal names its reason', async () => {
    const refusal = async (
      options: Partial<OtpHandlerOptions>,
      act: (t: ReturnType<typeof setup>) => Promise<unknown>,
    ) => {
      const { t, events, take } = withEvents(options, 'unimtx');
      await act(t);
      const refused = events.filter((e) => e.type === 'send_refused');
      expect(refused).toHaveLength(1);
      expect(take().at(-2)).toBe('send_requested');
      return refused[0] as Extract<OtpEvent, { type: 'send_refused' }>;
    };
    const invalid = await refusal({}, (t) => t.post('send', { to: '12345' }));
    expect(invalid).toEqual({
      type: 'send_refused',
      at: expect.any(Number),
      purpose: 'default',
      resend: false,
      reason: 'invalid_recipient',
    });
    expect((await refusal({ allowedCountries: ['GB'] }, (t) => t.post('send', { to: TO }))).reason).toBe(
      'country_not_allowed',
    );
    expect(
      (
        await refusal({}, async (t) => {
          await t.post('send', { to: TO });
          await t.post('send', { to: TO });
        })
      ).reason,
    ).toBe('resend_cooldown');
    expect(
      (
        await refusal({ numberLimit: { limit: 1, windowSeconds: 3600 } }, async (t) => {
          await t.post('send', { to: TO });
          await t.post('send', { to: TO });
        })
      ).reason,
    ).toBe('number_limit');
    expect(
      (
        await refusal({ ipLimit: { limit: 1, windowSeconds: 3600 } }, async (t) => {
          await t.post('send', { to: TO });
          await t.post('send', { to: '+14155550100' });
        })
      ).reason,
    ).toBe('ip_limit');
    expect(
      (
        await refusal({ maxFailuresPerNumber: 1 }, async (t) => {
          const { id, code } = await t.sendCode(TO);
          await t.post('verify', { verificationId: id, code: wrong(code) });
          t.clock.advance(61);
          await t.post('send', { to: TO });
        })
      ).reason,
    ).toBe('recipient_locked');
    expect(
      (
        await refusal({}, async (t) => {
          t.inject('http500');
          await t.post('send', { to: TO });
        })
      ).reason,
    ).toBe('unavailable');
  });

  it('an expired code and a spent budget', async () => {
    const { t, events, take } = withEvents({ maxAttempts: 2 });
    const a = await t.sendCode(TO);
    await t.post('verify', { verificationId: a.id, code: wrong(a.code) });
    await t.post('verify', { verificationId: a.id, code: wrong(a.code) });
    await t.post('verify', { verificationId: a.id, code: a.code });
    expect(events.at(-1)).toEqual({
      type: 'verify_locked',
      at: t.clock.now(),
      purpose: 'default',
      to: MASKED,
      verificationId: a.id,
      scope: 'verification',
    });
    expect(take()).toEqual(['send_requested', 'sent', 'verify_wrong', 'verify_wrong', 'verify_locked']);

    t.clock.advance(301);
    const b = await t.sendCode('+14155550100');
    t.clock.advance(301);
    await t.post('verify', { verificationId: b.id, code: b.code });
    expect(events.at(-1)).toMatchObject({ type: 'verify_expired', verificationId: b.id, to: '+14*****0100' });
    expect(take()).toEqual(['send_requested', 'sent', 'verify_expired']);
  });

  it('a throwing or rejecting onEvent never breaks a request; it is logged without the event body', async () => {
    for (const onEvent of [
      () => {
        throw new Error('sink down');
      },
      () => Promise.reject(new Error('sink down')),
    ]) {
      const t = setup('engagelab platform', { onEvent });
      const { id, code } = await t.sendCode(TO);
      const res = await t.post('verify', { verificationId: id, code });
      expect(res.body.verified).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      const failures = t.logs.filter((l) => l.message === 'onEvent failed');
      expect(failures.map((l) => l.fields?.event)).toEqual(['send_requested', 'sent', 'verified']);
      expect(failures[0]?.fields?.error).toMatch(/sink down/);
    }
  });

  it('no event carries a code, a secret, a message id, a proof or a full number', async () => {
    for (const mode of ['engagelab platform', 'engagelab custom', 'unimtx'] as const) {
      const { t, events } = withEvents({ allowEmail: true }, mode);
      const a = await t.sendCode(TO);
      await t.post('verify', { verificationId: a.id, code: wrong(a.code) });
      const { body } = await t.post('verify', { verificationId: a.id, code: a.code });
      await t.otp.consumeProof(body.proof);
      await t.sendCode('jane.doe@example.com').catch(() => {});
      await t.post('send', { to: '+447400123456' });
      const text = JSON.stringify(events);
      expect(events.length).toBeGreaterThan(5);
      const codes = t.sim.messages.map((m) => m.code);
      for (const s of [
        SECRET,
        ...t.secrets,
        ...codes,
        ...t.upstreamIds,
        body.proof,
        TO,
        '8618701235678',
        'jane.doe',
        '447400123456',
      ]) {
        expect(text).not.toContain(s);
      }
    }
  });
});
