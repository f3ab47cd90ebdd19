import { describe, expect, it } from 'vitest';
import { mount } from '../http/handler.test-helpers.js';
import { createEngageLabSimulator, createTwilioSimulator, createUnimtxSimulator } from '../testing/index.js';
import { customCodes } from './custom-codes.js';
import { engagelab } from './engagelab.js';
import { failover } from './failover.js';
import { CallOutcome, mayHaveGoneOut, OtpError } from './kit.js';
import { twilio } from './twilio.js';
import { unimtx } from './unimtx.js';

const TO = '+447400123456';
const input = (code = '123456') => ({
  to: TO,
  code,
  ttlSeconds: 300,
  codeLength: 6,
  signal: AbortSignal.timeout(2000),
});

function capture() {
  const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
  return {
    lines,
    logger: {
      info: (message: string, fields?: Record<string, unknown>) => lines.push({ level: 'info', message, fields }),
      warn: (message: string, fields?: Record<string, unknown>) => lines.push({ level: 'warn', message, fields }),
    },
  };
}

/** A local provider whose send does what it is told. */
const fake = (name: string, behave: () => Promise<void> | void) =>
  customCodes({
    name,
    send: async () => {
      await behave();
    },
  });

describe('failover()', () => {
  it('refuses mixed code sources and code lengths, and an empty list', () => {
    const el = createEngageLabSimulator();
    const tw = createTwilioSimulator();
    expect(() => failover([engagelab({ ...el.providerOptions, mode: 'custom' }), twilio(tw.providerOptions)])).toThrow(
      /check codes differently/,
    );
    expect(() => failover([fake('a', () => {}), customCodes({ codeLength: 8, send: async () => {} })])).toThrow(
      /codeLength/,
    );
    expect(() => failover([])).toThrow(/at least one/);
  });

  it('takes the strictest resend behaviour and cancels only where the flow would', () => {
    const el = createEngageLabSimulator();
    const tw = createTwilioSimulator();
    const um = createUnimtxSimulator();
    expect(failover([unimtx(um.providerOptions), twilio(tw.providerOptions)]).resend).toBe('same-code');
    expect(failover([unimtx(um.providerOptions), engagelab(el.providerOptions)]).resend).toBe('blocked-while-valid');
    expect(failover([unimtx(um.providerOptions)]).resend).toBe('new-code');
    // Twilio is the only provider with cancel(), and a same-code one: nothing to cancel.
    expect(failover([unimtx(um.providerOptions), twilio(tw.providerOptions)]).cancel).toBeUndefined();
  });

  it('logs which provider served and which failed, with no number, code or id', async () => {
    const { lines, logger } = capture();
    const provider = failover(
      [
        fake('down', () => {
          // As providerError() makes it: the provider answered with its own error code.
          throw new OtpError('provider_unavailable', {
            message: 'down error 1: internal',
            cause: new CallOutcome('refused', false),
          });
        }),
        fake('up', () => {}),
      ],
      { logger },
    );
    const sent = await provider.send(input('987654'));
    expect(sent.messageId).toMatch(/^1:/);
    expect(lines.map((l) => [l.level, l.message, l.fields?.provider, l.fields?.attempt])).toEqual([
      ['warn', 'failover: provider failed, trying the next one', 'down', 1],
      ['info', 'failover: sent', 'up', 2],
    ]);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(TO);
    expect(text).not.toContain('987654');
    expect(text).not.toContain(sent.messageId.slice(2));
  });

  it('stops at a send that may have gone out, at a rate limit and at a policy refusal', async () => {
    for (const [error, stops] of [
      [new OtpError('provider_unavailable'), true], // not from the kit: may have gone out
      [new OtpError('rate_limited', { retryAfter: 60 }), true],
      [new OtpError('forbidden'), true],
      [new OtpError('undeliverable'), false],
      [new OtpError('invalid_phone'), false],
    ] as const) {
      let second = 0;
      const provider = failover([
        fake('a', () => {
          throw error;
        }),
        fake('b', () => {
          second += 1;
        }),
      ]);
      const result = await provider.send(input()).catch((e: unknown) => e);
      expect([error.code, second]).toEqual([error.code, stops ? 0 : 1]);
      if (stops) expect(result).toBe(error);
    }
  });

  it('a refused connection never reached the provider: the next one is tried; a timeout is not', async () => {
    const el = createEngageLabSimulator();
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    });
    const down = engagelab({
      ...el.providerOptions,
      mode: 'custom',
      fetch: () => Promise.reject(refused),
    });
    const um = createUnimtxSimulator();
    const provider = failover([down, unimtx({ ...um.providerOptions, mode: 'custom' })]);
    await expect(provider.send(input())).resolves.toMatchObject({ messageId: expect.stringMatching(/^1:/) });
    expect(um.messages).toHaveLength(1);

    const reset = engagelab({
      ...el.providerOptions,
      mode: 'custom',
      fetch: () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })),
    });
    const error = await down.send(input()).catch((e: unknown) => e);
    expect(mayHaveGoneOut(error)).toBe(false);
    const maybe = await reset.send(input()).catch((e: unknown) => e);
    expect([(maybe as OtpError).code, mayHaveGoneOut(maybe)]).toEqual(['provider_unavailable', true]);
    // A reset may come after the request was written: the default does not risk a second message.
    await expect(
      failover([reset, unimtx({ ...um.providerOptions, mode: 'custom' })]).send(input()),
    ).rejects.toMatchObject({ code: 'provider_unavailable' });
    expect(um.messages).toHaveLength(1);
  });

  it('provider-checked codes: verify goes to the provider that sent, by the message id prefix', async () => {
    const um = createUnimtxSimulator();
    const tw = createTwilioSimulator();
    const provider = failover([unimtx(um.providerOptions), twilio(tw.providerOptions)]);
    um.inject({ code: '101303' }, { path: 'otp.send' });
    const t = mount(provider, { codeTtlSeconds: 600 });
    const sent = await t.post('send', { to: TO });
    expect(sent.status).toBe(200);
    expect(um.messages).toHaveLength(0);
    const ok = await t.post('verify', { verificationId: sent.body.verificationId, code: tw.lastCode(TO) });
    expect(ok.body.verified).toBe(true);
    expect([um.calls.verify, tw.calls.checks]).toEqual([0, 1]);
    // An id without a prefix (a record from before failover) is the primary's; an unknown index is gone.
    await expect(
      provider.verify({
        messageId: '7:VEx',
        to: TO,
        code: '123456',
        ttlSeconds: 600,
        signal: AbortSignal.timeout(500),
      }),
    ).rejects.toMatchObject({ code: 'expired' });
  });

  it('with attemptTimeoutMs a hanging primary leaves time for the secondary (onSendMayHaveGoneOut: next)', async () => {
    const el = createEngageLabSimulator();
    const um = createUnimtxSimulator();
    el.inject('hang');
    const provider = failover(
      [engagelab({ ...el.providerOptions, mode: 'custom' }), unimtx({ ...um.providerOptions, mode: 'custom' })],
      { onSendMayHaveGoneOut: 'next', attemptTimeoutMs: 50 },
    );
    const t = mount(provider, { timeoutMs: 1000 });
    const sent = await t.post('send', { to: TO });
    expect(sent.status).toBe(200);
    // The same code went to the secondary, and the BFF checks it.
    const ok = await t.post('verify', { verificationId: sent.body.verificationId, code: um.lastCode(TO) });
    expect(ok.body.verified).toBe(true);
  });
});

describe('customCodes()', () => {
  it('hands the app the code, locale, channel and lifetime, and the BFF checks the code', async () => {
    const seen: Record<string, unknown>[] = [];
    const provider = customCodes({
      name: 'chat',
      channel: 'whatsapp',
      codeLength: 8,
      send: async ({ signal, ...message }) => {
        expect(signal).toBeInstanceOf(AbortSignal);
        seen.push(message);
        return { messageId: 'chat-1' };
      },
    });
    const t = mount(provider);
    const sent = await t.post('send', { to: TO, locale: 'th' });
    expect(sent.body).toMatchObject({ channel: 'whatsapp', codeLength: 8 });
    expect(seen).toEqual([
      { to: TO, code: expect.stringMatching(/^\d{8}$/), locale: 'th', channel: 'whatsapp', ttlSeconds: 300 },
    ]);
    const ok = await t.post('verify', { verificationId: sent.body.verificationId, code: seen[0]!.code });
    expect(ok.body.verified).toBe(true);
  });

  it('a send that ignores its signal still ends at the timeout, as provider_unavailable', async () => {
    const provider = customCodes({ send: () => new Promise<void>(() => {}) });
    const t = mount(provider, { timeoutMs: 50 });
    const res = await t.post('send', { to: TO });
    expect([res.status, res.body.error.code]).toEqual([503, 'provider_unavailable']);
  });

  it('an OtpError thrown by the app is the answer; anything else is a 503', async () => {
    const refuse = mount(customCodes({ send: async () => Promise.reject(new OtpError('undeliverable')) }));
    expect((await refuse.post('send', { to: TO })).status).toBe(422);
    const crash = mount(customCodes({ send: async () => Promise.reject(new Error('socket hang up')) }));
    expect((await crash.post('send', { to: TO })).status).toBe(503);
    expect(() => customCodes({ send: async () => {}, codeLength: 3 })).toThrow(/codeLength/);
  });
});

describe('failover through the handler', () => {
  it('the events name the provider that served, and verify goes to it', async () => {
    const events: { type: string; provider?: string }[] = [];
    const down = fake('primary', () => {
      throw new OtpError('provider_unavailable', { message: 'primary is down' });
    });
    let delivered = '';
    const backup = customCodes({
      name: 'backup',
      send: async ({ code }) => {
        delivered = code;
      },
    });
    // 'next': a thrown error carries no proof that nothing went out, so the default would stop there.
    const { post } = mount(failover([down, backup], { onSendMayHaveGoneOut: 'next' }), {
      onEvent: (event) => void events.push(event),
    });
    const sent = await post('send', { to: TO });
    expect(sent.status).toBe(200);
    expect(events.find((e) => e.type === 'sent')).toMatchObject({ provider: 'backup' });
    const right = await post('verify', { verificationId: sent.body.verificationId, code: delivered });
    expect(right.body.verified).toBe(true);
  });
});
