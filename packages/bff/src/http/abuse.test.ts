// The attacker's figures (shared/reference/reviews/redteam.md), each run against the defaults with the shared
// clock, and each asserting the bound that now holds. UniMTX is the provider: it sends a new code on every request,
// so only otpkit's own limits stand between an attacker and the SMS bill.
import { describe, expect, it } from 'vitest';
import { OtpError } from '../errors.js';
import type { OtpEvent } from '../flow/events.js';
import { memoryStore } from '../stores/memory.js';
import { setup } from './handler.test-helpers.js';

/** Sends to `to` from `ip`; the status. */
const sender = (t: ReturnType<typeof setup>) => async (to: string, ip: string) =>
  (await t.post('send', { to }, { ip })).status;

describe('SMS pumping', () => {
  it('premium-rate, shared-cost and personal numbers never reach the provider', async () => {
    const t = setup('unimtx');
    const send = sender(t);
    for (const to of ['+19005550123', '+979123456789', '+447012345678'])
      expect(await send(to, '198.51.100.1')).toBe(403);
    expect(t.providerSends()).toBe(0);
  });

  it('a sequential range from 1,000 addresses: at most prefixVelocity (10) per block of 100 per hour', async () => {
    const t = setup('unimtx');
    const send = sender(t);
    let delivered = 0;
    for (let i = 0; i < 1000; i++) {
      // +252 61 234 5600 … 5699 and on: one block of 100 numbers after another, each request from its own address.
      const to = `+2526123${String(45_600 + (i % 100)).padStart(5, '0')}`;
      if ((await send(to, `10.${i >> 8}.${i & 255}.1`)) === 200) delivered += 1;
    }
    expect(delivered).toBe(10);
    expect(t.providerSends()).toBe(10);
    // An hour later the block has its budget back, and no more.
    t.clock.advance(3600);
    expect(await send('+252612345650', '10.9.9.9')).toBe(200);
  });

  it('numbers spread over one country: at most countryBudget (300) per hour; all sends: sendBudget', async () => {
    const t = setup('unimtx', { sendBudget: { perHour: 400, perDay: 10_000 } });
    const send = sender(t);
    let somalia = 0;
    for (let i = 0; i < 350; i++) {
      if ((await send(`+25261${String(1_000_000 + i * 100).padStart(7, '0')}`, `10.1.${i >> 8}.${i & 255}`)) === 200) {
        somalia += 1;
      }
    }
    expect(somalia).toBe(300);
    // Elsewhere, sends go on until the global hourly budget (400 here) is spent, which the operator hears about.
    let others = 0;
    for (let i = 0; i < 150; i++) {
      if ((await send(`+1415${String(2_000_000 + i * 100).padStart(7, '0')}`, `10.2.${i >> 8}.${i & 255}`)) === 200) {
        others += 1;
      }
    }
    expect(others).toBe(100);
    expect(t.logs.some((l) => l.level === 'error' && /global send budget/.test(l.message))).toBe(true);
    expect(t.providerSends()).toBe(400);
  });

  it('one IPv6 /64 is one client: 200 addresses in it get ipLimit (20) sends', async () => {
    const t = setup('unimtx');
    const send = sender(t);
    let delivered = 0;
    for (let i = 0; i < 200; i++) {
      const to = `+1415${String(3_000_000 + i * 100).padStart(7, '0')}`;
      if ((await send(to, `2001:db8:5:6:${i.toString(16)}::1`)) === 200) delivered += 1;
    }
    expect(delivered).toBe(20);
    // The next /64 is another client.
    expect(await send('+14155550000', '2001:db8:5:7::1')).toBe(200);
  });

  it('::ffff:1.2.3.4 and 1.2.3.4 are one client', async () => {
    const t = setup('unimtx', { ipLimit: { limit: 2, windowSeconds: 3600 } });
    const send = sender(t);
    expect(await send('+14155550100', '1.2.3.4')).toBe(200);
    expect(await send('+14155550200', '::ffff:1.2.3.4')).toBe(200);
    expect(await send('+14155550300', '::ffff:0102:0304')).toBe(429);
  });
});

describe('one recipient, many spellings', () => {
  it('trunk-zero spellings of one number share its limits and its record', async () => {
    const t = setup('unimtx', { numberLimit: { limit: 1, windowSeconds: 600 }, resendCooldownSeconds: 1 });
    const send = sender(t);
    expect(await send('+447400123456', '198.51.100.1')).toBe(200);
    t.clock.advance(5);
    expect(await send('+4407400123456', '198.51.100.2')).toBe(429);
    expect(t.providerSends()).toBe(1);
  });

  it('e-mail spellings of one mailbox share its limits: 1 send where the limit is 1', async () => {
    const t = setup('engagelab custom', {
      allowEmail: true,
      numberLimit: { limit: 1, windowSeconds: 600 },
      resendCooldownSeconds: 1,
    });
    const send = sender(t);
    const spellings = ['Jane.Doe@Gmail.com', 'janedoe+1@gmail.com', 'j.a.n.e.doe@googlemail.com', 'janedoe@gmail.com.'];
    const statuses: number[] = [];
    for (const [i, to] of spellings.entries()) {
      statuses.push(await send(to, `198.51.100.${i + 1}`));
      t.clock.advance(5);
    }
    expect(statuses).toEqual([200, 429, 429, 429]);
    // Delivered to the mailbox's canonical address.
    expect(t.sim.messages.map((m) => m.to)).toEqual(['janedoe@gmail.com']);
  });

  it('refuses look-alike and control characters in an address', async () => {
    const t = setup('engagelab custom', { allowEmail: true });
    for (const to of ['jаne@example.com', 'jane\u200b@example.com', 'jane\u0000@example.com']) {
      expect((await t.post('send', { to })).status).toBe(400);
    }
    expect(t.providerSends()).toBe(0);
  });
});

describe('the app decides too', () => {
  it('beforeSend sees the parsed recipient and the client, and may refuse with an OtpError', async () => {
    const seen: unknown[] = [];
    const events: OtpEvent[] = [];
    const t = setup('unimtx', {
      onEvent: (event) => void events.push(event),
      beforeSend: (event) => {
        seen.push(event);
        if (event.country === 'SO') throw new OtpError('forbidden', { message: 'Not for this account.' });
      },
    });
    expect((await t.post('send', { to: '+14155550100' }, { ip: '198.51.100.3' })).status).toBe(200);
    const refused = await t.post('send', { to: '+252612345678' });
    expect([refused.status, refused.body.error.message]).toEqual([403, 'Not for this account.']);
    expect(seen[0]).toMatchObject({
      to: '+14155550100',
      kind: 'phone',
      country: 'US',
      type: 'FIXED_LINE_OR_MOBILE',
      resend: false,
      clientIp: '198.51.100.3',
    });
    expect(events.filter((e) => e.type === 'send_refused')).toMatchObject([{ reason: 'before_send' }]);
    expect(t.providerSends()).toBe(1);
  });

  it('test numbers take their fixed code, never reach the provider, and are logged as such', async () => {
    const t = setup('unimtx', { testNumbers: { '+15005550006': '424242' } });
    const sent = await t.post('send', { to: '+15005550006' });
    expect(sent.status).toBe(200);
    expect(t.providerSends()).toBe(0);
    const wrong = await t.post('verify', { verificationId: sent.body.verificationId, code: '000000' });
    expect(wrong.body).toEqual({ verified: false, attemptsLeft: 4 });
    const right = await t.post('verify', { verificationId: sent.body.verificationId, code: '424242' });
    expect(right.body.verified).toBe(true);
    expect(t.providerVerifies()).toBe(0);
    expect(t.logs.some((l) => l.level === 'warn' && /test number/.test(l.message))).toBe(true);
    // Not enabled: the same number is an ordinary one (and +1 500 is personal numbering: refused).
    expect((await setup('unimtx').post('send', { to: '+15005550006' })).status).toBe(403);
  });
});

describe('memory bounded', () => {
  it('a full memoryStore refuses new sends (503, logged) and keeps every open verification', async () => {
    const t = setup('unimtx', { store: memoryStore({ maxRecords: 2 }) });
    const first = await t.sendCode('+447400123401');
    const second = await t.sendCode('+12068800123');
    const refused = await t.post('send', { to: '+8618701235678' });
    expect([refused.status, refused.body.error.code]).toEqual([503, 'provider_unavailable']);
    expect(t.logText()).toMatch(/store unavailable.*maxRecords/);
    for (const { id, code } of [first, second])
      expect((await t.post('verify', { verificationId: id, code })).body.verified).toBe(true);
  });
});
