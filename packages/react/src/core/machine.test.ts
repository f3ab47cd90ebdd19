// Every status transition of the machine against the REAL BFF handler, with the EngageLab simulator at the
// provider's network edge. Plain TypeScript: no React involved.
import type { OtpHandlerOptions } from '@otpkit/bff';
import { createTestBff } from '@otpkit/bff/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOtpClient } from './client.js';
import { createOtpMachine, type OtpMachineOptions } from './machine.js';
import type { OtpStatus } from './status.js';

const TO = '+8618701235678';
const wrongOf = (code: string) => code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));

// Date stands still (only Date is faked; the handler's provider timeout is a real timer): the server's clock is the
// test BFF's (Date.now() plus what the test moved it), the device's is Date.now() unless a test gives it one.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(
  options: {
    skewSeconds?: number;
    /** The server clock's start (epoch ms), instead of now + skewSeconds. */
    at?: number;
    /** Gives the machine a device clock that follows the server's, this many ms ahead of it. */
    deviceAheadMs?: number;
    handler?: Partial<OtpHandlerOptions>;
    machine?: OtpMachineOptions;
  } = {},
) {
  const bff = createTestBff({ handler: { timeoutMs: 1000, ...options.handler } });
  // The server's clock; `skewSeconds` puts it ahead of this device's.
  bff.clock.advance((options.at ?? Date.now() + (options.skewSeconds ?? 0) * 1000) - bff.clock.now());
  const clock = { now: bff.clock.now, advance: (seconds: number) => bff.clock.advance(seconds * 1000) };
  const { sim, handler: otp } = bff;
  const signals: AbortSignal[] = [];
  /** The handler's answer to each request, whether or not the machine still waits for it. */
  const answers: Promise<Response>[] = [];
  // `network`: that many fetches reject. `hold`: called when the server has answered; the response reaches the
  // machine only when the promise it returns resolves (an answer still on the wire while the clock moves on).
  const faults: { network: number; hold?: () => Promise<void> } = { network: 0 };
  // Behaves like a browser's fetch in front of a Node server: rejects when its signal aborts, and the response
  // carries a Date header from the server's clock.
  const fetch = (input: string, init: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const { signal } = init;
      if (signal) signals.push(signal);
      if (faults.network > 0) {
        faults.network--;
        return reject(new TypeError('Failed to fetch'));
      }
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      const answer = bff.fetch(input, init);
      answers.push(answer);
      answer.then(async (r) => {
        r.headers.set('date', new Date(clock.now()).toUTCString());
        await faults.hold?.();
        resolve(r);
      }, reject);
    });
  const client = createOtpClient({ fetch });
  const onVerified = vi.fn();
  const device = options.deviceAheadMs;
  const machine = createOtpMachine(client, {
    onVerified,
    ...(device !== undefined && { now: () => clock.now() + device }),
    ...options.machine,
  });
  const statuses: OtpStatus[] = [];
  machine.subscribe(() => {
    const { status } = machine.getState();
    if (statuses.at(-1) !== status) statuses.push(status);
  });
  const code = () => sim.lastCode(TO) as string;
  return { otp, sim, clock, client, machine, statuses, signals, answers, faults, onVerified, code };
}

describe('createOtpMachine against the real handler', () => {
  it('idle → sending → code_sent → verifying → invalid_code → verifying → verified, onVerified once', async () => {
    const { machine, statuses, code, otp, onVerified, sim } = setup({ machine: { locale: 'zh-CN' } });
    expect(machine.getState()).toMatchObject({ status: 'idle', codeLength: 6, wrongCodes: 0, to: null });

    const sending = machine.send(TO);
    expect(machine.getState().status).toBe('sending');
    await sending;
    const sent = machine.getState();
    expect(sent).toMatchObject({ status: 'code_sent', to: '+86*******5678', channel: 'sms', attemptsLeft: 5 });
    expect(sent.codeLength).toBe(6);
    expect(sent.verificationId).toEqual(expect.any(String));
    // A BCP 47 tag; the server maps it to the provider's template language.
    expect(sim.messages.at(-1)?.language).toBe('zh_CN');

    await machine.verify(wrongOf(code()));
    expect(machine.getState()).toMatchObject({ status: 'invalid_code', attemptsLeft: 4, wrongCodes: 1, error: null });

    await machine.verify(code());
    const done = machine.getState();
    expect(done.status).toBe('verified');
    expect(await otp.verifyProof(done.proof as string)).toMatchObject({ to: TO });
    expect(onVerified).toHaveBeenCalledOnce();
    expect(onVerified).toHaveBeenCalledWith({ proof: done.proof, to: '+86*******5678' });
    expect(statuses).toEqual(['sending', 'code_sent', 'verifying', 'invalid_code', 'verifying', 'verified']);
  });

  it('ignores verify outside a code state, and a second verify while one is in flight', async () => {
    const { machine, sim, code, onVerified } = setup();
    await machine.verify('123456');
    expect(machine.getState().status).toBe('idle');

    await machine.send(TO);
    await Promise.all([machine.verify(code()), machine.verify(code()), machine.resend()]);
    expect(sim.calls.verifications).toBe(1);
    expect(machine.getState().status).toBe('verified');

    await machine.verify(code());
    await machine.resend();
    expect(sim.calls.verifications).toBe(1);
    expect(sim.calls.messages).toBe(1);
    expect(onVerified).toHaveBeenCalledOnce();
  });

  it('says too_many_attempts with the last wrong code, and sends no further code', async () => {
    const { machine, sim, code } = setup();
    await machine.send(TO);
    for (let i = 1; i <= 5; i++) await machine.verify(wrongOf(code()));
    expect(machine.getState()).toMatchObject({ status: 'too_many_attempts', attemptsLeft: 0, wrongCodes: 5 });
    await machine.verify(code());
    expect(sim.calls.verifications).toBe(5);
  });

  it('maps 429 too_many_attempts from the server (the budget was spent elsewhere)', async () => {
    const { machine, client, code } = setup();
    await machine.send(TO);
    const id = machine.getState().verificationId as string;
    for (let i = 0; i < 5; i++) await client.verify({ verificationId: id, code: wrongOf(code()) });
    await machine.verify(code());
    expect(machine.getState()).toMatchObject({
      status: 'too_many_attempts',
      attemptsLeft: 0,
      error: { code: 'too_many_attempts' },
    });
  });

  it('maps 410 expired; a resend then opens a new verification', async () => {
    const { machine, clock, code, sim } = setup();
    await machine.send(TO);
    const first = machine.getState().verificationId;
    clock.advance(301);
    await machine.verify(code());
    expect(machine.getState()).toMatchObject({ status: 'expired', error: { code: 'expired' } });
    await machine.verify(code());
    expect(sim.calls.verifications).toBe(0); // the BFF answered from its record; the second verify was ignored

    await machine.resend();
    expect(machine.getState()).toMatchObject({ status: 'code_sent', error: null, attemptsLeft: 5 });
    expect(machine.getState().verificationId).not.toBe(first);
    await machine.verify(code());
    expect(machine.getState().status).toBe('verified');
  });

  it('maps 409 already_verified', async () => {
    const { machine, client, code } = setup();
    await machine.send(TO);
    await client.verify({ verificationId: machine.getState().verificationId as string, code: code() });
    await machine.verify(code());
    expect(machine.getState()).toMatchObject({ status: 'already_verified', error: { code: 'already_verified' } });
  });

  it('maps 429 rate_limited on resend to retryAt on the client clock, and keeps the code usable', async () => {
    const { machine, code } = setup();
    await machine.send(TO);
    const id = machine.getState().verificationId;
    await machine.resend();
    const limited = machine.getState();
    expect(limited).toMatchObject({ status: 'rate_limited', verificationId: id, error: { code: 'rate_limited' } });
    // EngageLab blocks a second send while the code is valid: the BFF says wait for the expiry (300 s).
    expect((limited.retryAt as number) - Date.now()).toBeGreaterThan(298_000);
    expect((limited.retryAt as number) - Date.now()).toBeLessThanOrEqual(300_000);
    await machine.verify(code());
    expect(machine.getState().status).toBe('verified');
  });

  it('maps 404 not_found to an error that drops the verification; resend() then sends afresh', async () => {
    const { machine, client, clock, code, sim } = setup();
    await machine.send(TO);
    clock.advance(301);
    await client.resend({ verificationId: machine.getState().verificationId as string }); // another tab: cancels ours
    await machine.verify(code());
    expect(machine.getState()).toMatchObject({ status: 'error', verificationId: null, error: { code: 'not_found' } });
    await machine.verify(code());
    expect(sim.calls.verifications).toBe(0);

    // The other tab's send closed the number's resend gate: a fresh send is rate limited, with retryAt.
    await machine.resend();
    expect(machine.getState()).toMatchObject({ status: 'rate_limited', verificationId: null });
    expect(machine.getState().retryAt).toBeGreaterThan(Date.now());

    clock.advance(301);
    await machine.resend();
    expect(machine.getState()).toMatchObject({ status: 'code_sent', to: '+86*******5678' });
    await machine.verify(code());
    expect(machine.getState().status).toBe('verified');
  });

  it('maps send errors (invalid_phone, undeliverable, provider outage) to error, with verify off', async () => {
    const { machine, sim } = setup();
    await machine.send('+12');
    expect(machine.getState()).toMatchObject({ status: 'error', error: { code: 'invalid_phone' }, to: null });
    await machine.verify('123456');
    expect(sim.calls.verifications).toBe(0);

    sim.inject({ code: 5013 }, { path: '/v1/messages' });
    await machine.send(TO);
    expect(machine.getState()).toMatchObject({ status: 'error', error: { code: 'undeliverable' } });

    sim.inject('hang', { path: '/v1/messages' });
    await machine.send('+8618701235679');
    expect(machine.getState()).toMatchObject({ status: 'error', error: { code: 'provider_unavailable' } });
  });

  it('maps a fetch rejection to network_error and never retries on its own; the user may try again', async () => {
    const { machine, sim, code, faults, signals } = setup();
    await machine.send(TO);
    faults.network = 1;
    await expect(machine.verify(code())).resolves.toBeUndefined();
    expect(machine.getState()).toMatchObject({ status: 'error', error: { code: 'network_error' } });
    expect(signals).toHaveLength(2);
    expect(sim.calls.verifications).toBe(0);

    await machine.verify(code());
    expect(machine.getState().status).toBe('verified');
    expect(signals).toHaveLength(3);
  });

  it('turns an unreadable answer into error, never a rejection', async () => {
    const html = async () =>
      new Response('<html>oops</html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const machine = createOtpMachine(createOtpClient({ fetch: html }));
    await expect(machine.send(TO)).resolves.toBeUndefined();
    expect(machine.getState()).toMatchObject({ status: 'error', error: { code: 'internal_error' } });

    const broken = createOtpMachine({
      send: () => Promise.reject(new Error('bug in a custom client')),
      verify: () => Promise.reject(new Error('bug')),
      resend: () => Promise.reject(new Error('bug')),
    });
    await expect(broken.send(TO)).resolves.toBeUndefined();
    expect(broken.getState()).toMatchObject({ status: 'error', error: { code: 'internal_error' } });
  });

  it('stores deadlines on the client clock when the server clock is 10 minutes ahead', async () => {
    const { machine } = setup({ skewSeconds: 600 });
    await machine.send(TO);
    const { expiresAt, resendAt } = machine.getState();
    // 300 s from now on THIS clock (the Date header has 1 s resolution, so up to 1 s later), not 900 s.
    expect((expiresAt as number) - Date.now()).toBeGreaterThan(298_000);
    expect((expiresAt as number) - Date.now()).toBeLessThanOrEqual(301_000);
    expect(resendAt).toBe(expiresAt);
  });

  // The Date header is truncated to the second: a server at hh:mm:ss.999 says hh:mm:ss.000.
  const second = Math.floor(Date.now() / 1000) * 1000;

  it.each([
    ['in step, server at .000', 0, 0],
    ['in step, server at .999 (the header is 999 ms behind)', 999, 0],
    ['in step, .999, and the response took 1 s', 999, 1_000],
    ['900 ms behind', 0, -900],
  ])('uses the server times as they are when the device clock is %s', async (_, ms, deviceAheadMs) => {
    const { machine, clock } = setup({ at: second + ms, deviceAheadMs });
    const serverExpiry = clock.now() + 300_000;
    await machine.send(TO);
    // Before, these were shifted by the header's truncation: a 300 s code showed "5:01".
    expect(machine.getState()).toMatchObject({ expiresAt: serverExpiry, resendAt: serverExpiry });
  });

  it.each([
    ['10 minutes ahead', 999, 600_000],
    ['10 minutes behind', 0, -600_000],
    ['5 s ahead', 500, 5_000],
  ])('corrects a device clock %s, erring late by under a second', async (_, ms, deviceAheadMs) => {
    const { machine, clock } = setup({ at: second + ms, deviceAheadMs });
    const deviceNow = clock.now() + deviceAheadMs;
    await machine.send(TO);
    const left = (machine.getState().expiresAt as number) - deviceNow;
    expect(left).toBeGreaterThanOrEqual(300_000);
    expect(left).toBeLessThan(301_000);
  });

  it('reset() aborts the request in flight, drops its result and returns to idle', async () => {
    const { machine, sim, signals, answers, statuses } = setup();
    await machine.send(TO);
    sim.inject('hang', { path: '/v1/verifications' });
    const verifying = machine.verify('123456');
    expect(machine.getState().status).toBe('verifying');
    machine.reset();
    expect(signals.at(-1)?.aborted).toBe(true);
    expect(machine.getState()).toMatchObject({ status: 'idle', verificationId: null, to: null });
    await verifying;
    // The handler answers anyway (503, once its provider timeout aborts the hanging call): too late, dropped.
    expect((await answers.at(-1))?.status).toBe(503);
    expect(statuses.at(-1)).toBe('idle');
    expect(machine.getState().status).toBe('idle');
  });

  it('reset() then a send to the same number returns to its open code: no request, no second message', async () => {
    const { machine, sim, code } = setup();
    await machine.send(TO);
    await machine.verify(wrongOf(code()));
    const open = machine.getState();
    machine.reset();
    expect(machine.getState().status).toBe('idle');
    await machine.send(TO);
    expect(sim.messages).toHaveLength(1);
    expect(machine.getState()).toMatchObject({
      status: 'code_sent',
      verificationId: open.verificationId,
      attemptsLeft: 4,
      expiresAt: open.expiresAt,
    });
    // The code the user already has still works.
    await machine.verify(code());
    expect(machine.getState().status).toBe('verified');
  });

  it('reset() then another number sends; a kept code that expired meanwhile is not restored', async () => {
    const { machine, sim } = setup();
    await machine.send(TO);
    machine.reset();
    await machine.send('+447400123456');
    expect(sim.messages).toHaveLength(2);
    expect(machine.getState().to).toMatch(/^\+44/);

    const fresh = setup();
    await fresh.machine.send(TO);
    const first = fresh.machine.getState().verificationId;
    fresh.machine.reset();
    vi.setSystemTime(Date.now() + 301_000);
    await fresh.machine.send(TO);
    expect(fresh.sim.messages).toHaveLength(2);
    expect(fresh.machine.getState()).toMatchObject({ status: 'code_sent' });
    expect(fresh.machine.getState().verificationId).not.toBe(first);
  });

  it('dispose() aborts, rolls the status back without notifying, and leaves the machine usable', async () => {
    const { machine, sim, signals, code } = setup();
    await machine.send(TO);
    const right = code();
    sim.inject('hang', { path: '/v1/verifications' });
    const listener = vi.fn();
    machine.subscribe(listener);
    const verifying = machine.verify(right);
    expect(listener).toHaveBeenCalledTimes(1);
    machine.dispose();
    expect(signals.at(-1)?.aborted).toBe(true);
    await verifying;
    expect(listener).toHaveBeenCalledTimes(1);
    expect(machine.getState().status).toBe('code_sent');

    await machine.verify(right);
    expect(machine.getState().status).toBe('verified');
  });

  describe('expire(): the deadline passes on the client', () => {
    it('is a no-op before expiresAt; after it, expired without a request, and a resend opens a new code', async () => {
      const { machine, clock, sim, code, statuses } = setup({ deviceAheadMs: 0 });
      machine.expire();
      expect(machine.getState().status).toBe('idle');
      await machine.send(TO);
      clock.advance(299.999);
      machine.expire();
      expect(machine.getState().status).toBe('code_sent');

      clock.advance(0.001);
      machine.expire();
      expect(machine.getState()).toMatchObject({ status: 'expired', error: null, verificationId: expect.any(String) });
      await machine.verify(code());
      expect(sim.calls.verifications).toBe(0);
      expect(statuses).toEqual(['sending', 'code_sent', 'expired']);

      await machine.resend();
      expect(machine.getState()).toMatchObject({ status: 'code_sent', attemptsLeft: 5 });
      machine.expire(); // the old deadline is gone with the old code
      expect(machine.getState().status).toBe('code_sent');
      await machine.verify(code());
      expect(machine.getState().status).toBe('verified');
      machine.expire();
      expect(machine.getState().status).toBe('verified');
    });

    /** The next answer waits on the wire: `answered` resolves when the server has decided, `release` delivers. */
    function onTheWire(faults: ReturnType<typeof setup>['faults']) {
      let release = () => {};
      const answered = new Promise<void>((decided) => {
        faults.hold = () => {
          decided();
          return new Promise<void>((r) => {
            release = r;
          });
        };
      });
      return { answered, release: () => release() };
    }

    it('lets a verify in flight at the deadline land its answer: verified', async () => {
      const { machine, clock, code, faults, onVerified } = setup({ deviceAheadMs: 0 });
      await machine.send(TO);
      const wire = onTheWire(faults);
      clock.advance(299);
      const verifying = machine.verify(code());
      await wire.answered; // the server checked the code in time...
      clock.advance(2); // ...and the answer arrives after the deadline
      machine.expire();
      expect(machine.getState().status).toBe('verifying');
      wire.release();
      await verifying;
      expect(machine.getState().status).toBe('verified');
      expect(onVerified).toHaveBeenCalledOnce();
    });

    it.each([
      ['a wrong code', (code: string) => wrongOf(code), 0],
      ['a network error', (code: string) => code, 1],
    ])('expires the code when %s lands after the deadline', async (_, typed, networkFaults) => {
      const { machine, clock, code, faults } = setup({ deviceAheadMs: 0 });
      await machine.send(TO);
      const wire = onTheWire(faults);
      faults.network = networkFaults;
      clock.advance(299);
      const verifying = machine.verify(typed(code()));
      // A rejected fetch never reaches the server; its rejection is still on its way to the machine here.
      if (!networkFaults) await wire.answered;
      clock.advance(2);
      machine.expire(); // what the countdown calls at zero: too early, the verify is still out
      expect(machine.getState().status).toBe('verifying');
      wire.release();
      await verifying;
      // Not invalid_code / error with the input open again: nothing typed now could succeed.
      expect(machine.getState().status).toBe('expired');
    });

    it('expires a code whose resend was refused (rate_limited), keeping retryAt', async () => {
      const { machine, clock } = setup({ deviceAheadMs: 0 });
      await machine.send(TO);
      await machine.resend();
      const { retryAt } = machine.getState();
      expect(machine.getState().status).toBe('rate_limited');
      clock.advance(300);
      machine.expire();
      expect(machine.getState()).toMatchObject({ status: 'expired', retryAt });
    });
  });
});
