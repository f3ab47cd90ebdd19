// The behaviour every OtpProvider must show through the real handler, published as
// `@otpkit/bff/provider-conformance` so a provider of your own proves itself with the same tests as the built-in
// ones (vitest is an optional peer dependency):
//
//   import { describeProvider } from '@otpkit/bff/provider-conformance';
//   describeProvider('my gateway', ({ now }) => {
//     const sim = createMyGatewaySimulator({ now });
//     return { provider: myGateway({ fetch: sim.fetch }), lastCode: sim.lastCode, sent: …, inject: …, secrets: [KEY] };
//   }, { errors: [['invalid_number', 'invalid_phone'], ['throttled', 'rate_limited']] });
//
// Time moves through one clock shared by the handler and the harness (`now`), never by sleeping.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '../contract.js';
import { describeError } from '../errors.js';
import { createOtpHandler } from '../http/handler.js';
import type { OtpProvider } from '../providers/types.js';
import { memoryStore } from '../stores/memory.js';
import type { OtpStore } from '../stores/types.js';
import type { OtpHandler } from '../types.js';
import type { Fault } from './faults.js';

/** The provider call a fault applies to: the send, or (provider-checked codes only) the verify. */
export type ProviderEndpoint = 'send' | 'verify';

/** What the suite needs around a provider: usually its simulator. */
export interface ProviderHarness {
  provider: OtpProvider;
  /** The last code delivered to `to` (a simulator's outbox, an SMTP server's inbox…), or undefined. */
  lastCode(to: string): string | undefined | Promise<string | undefined>;
  /** How many messages were delivered to `to` so far. */
  sent(to: string): number | Promise<number>;
  /** Makes the provider's next call to `endpoint` fail: its error code, a hang until the timeout, an unreadable
   * answer ('garbage'), a bare HTTP 500 from a proxy. */
  inject(fault: Fault<string | number>, endpoint: ProviderEndpoint): void;
  /** Every secret the provider holds (keys, tokens, passwords): none may reach a response or a log line. */
  secrets: readonly string[];
  close?(): void | Promise<void>;
}

export interface ProviderSuiteContext {
  /** The suite's clock (epoch ms): give it to the simulator so that codes expire when the handler's do. */
  now: () => number;
  /** The code lifetime the handler announces: the simulated provider must use the same. */
  ttlSeconds: number;
}

/** What a fault must end in: a contract error code, or 'sent' (a failover that delivered anyway). */
export type ExpectedOutcome = ErrorCode | 'sent';

/** One row of the provider's error table: its code, the expected outcome, the endpoint (default 'send') and an
 * HTTP status to answer it with (default: the simulator's). */
export type ErrorCase = readonly [
  providerCode: string | number,
  expected: ExpectedOutcome,
  endpoint?: ProviderEndpoint,
  status?: number,
];

export interface DescribeProviderOptions {
  /** Every code of the provider's error table, and what each must become. */
  errors: readonly ErrorCase[];
  /** The recipient. @defaultValue '+447400123456' (an e-mail address turns on the handler's allowEmail) */
  to?: string;
  /** What the non-code faults must end in; `false` for one the harness cannot produce.
   * @defaultValue hang: provider_unavailable, garbage: provider_error or provider_unavailable, http500:
   * provider_unavailable */
  faults?: {
    hang?: ExpectedOutcome | false;
    garbage?: ExpectedOutcome | false;
    http500?: ExpectedOutcome | false;
  };
  /** @defaultValue 300 */
  ttlSeconds?: number;
  /** The handler's provider timeout in this suite. @defaultValue 1000 */
  timeoutMs?: number;
}

interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are read field by field
  body: any;
  text: string;
}

/** The conformance tests for an OtpProvider. `factory` gives a fresh provider and harness for each test. */
export function describeProvider(
  name: string,
  factory: (context: ProviderSuiteContext) => ProviderHarness | Promise<ProviderHarness>,
  options: DescribeProviderOptions,
): void {
  const to = options.to ?? '+447400123456';
  const ttlSeconds = options.ttlSeconds ?? 300;
  // Long enough for a loaded CI machine (a false timeout is a wrong answer), short enough for the hang faults.
  const timeoutMs = options.timeoutMs ?? 1000;
  const faults = options.faults ?? {};

  describe(`OtpProvider contract: ${name}`, () => {
    let time: number;
    let harness: ProviderHarness;
    let handler: OtpHandler;
    let store: OtpStore;
    let logs: string[];
    let replies: string[];
    /** Provider message ids the handler stored: they never reach the browser or a log line. */
    let messageIds: string[];
    let codes: string[];
    const now = () => time;

    beforeEach(async () => {
      time = Date.now();
      logs = [];
      replies = [];
      messageIds = [];
      codes = [];
      harness = await factory({ now, ttlSeconds });
      store = memoryStore();
      const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
        logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
      handler = createOtpHandler({
        provider: harness.provider,
        secret: 'provider-conformance-secret-0123456789abcdef',
        store,
        now,
        codeTtlSeconds: ttlSeconds,
        timeoutMs,
        allowEmail: to.includes('@'),
        logger: { info: log('info'), warn: log('warn'), error: log('error') },
      });
    });

    afterEach(async () => {
      try {
        // Nothing secret in any response or log line: the provider's secrets, the codes, message ids, the number.
        for (const text of [...replies, ...logs]) {
          for (const secret of harness.secrets) expect(text).not.toContain(secret);
          for (const id of messageIds) expect(text).not.toContain(id);
          expect(text).not.toContain(to);
          // A code could appear by chance inside a random id or proof: drop long tokens, then look for whole words.
          const short = text.replace(/[\w-]{16,}/g, '');
          for (const code of codes) expect(short).not.toMatch(new RegExp(`(^|[^\\w])${code}([^\\w]|$)`));
        }
      } finally {
        await harness.close?.();
      }
    });

    async function post(route: string, body: unknown): Promise<Reply> {
      const response = await handler.handle(
        new Request(`https://app.test/api/otp/${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
        { clientIp: '203.0.113.7' },
      );
      const text = await response.text();
      replies.push(text);
      const reply = { status: response.status, headers: response.headers, body: JSON.parse(text), text };
      if (reply.status !== 200) {
        // The contract's error shape, with a wait on every 429.
        expect(ERROR_STATUS[reply.body.error.code as ErrorCode]).toBe(reply.status);
        if (reply.status === 429) {
          expect(Number.isInteger(reply.body.error.retryAfter) && reply.body.error.retryAfter > 0).toBe(true);
          expect(response.headers.get('retry-after')).toBe(String(reply.body.error.retryAfter));
        }
      }
      return reply;
    }

    /** Sends, and returns the verification id and the code that arrived. */
    async function sendCode() {
      const before = await harness.sent(to);
      const sent = await post('send', { to, locale: 'en' });
      expect(sent.status, sent.text).toBe(200);
      expect(await harness.sent(to)).toBe(before + 1);
      const code = await harness.lastCode(to);
      if (code === undefined) throw new Error('the harness saw no code');
      codes.push(code);
      const record = await store.get({ id: sent.body.verificationId, now: time });
      if (record?.messageId) messageIds.push(record.messageId);
      return { id: sent.body.verificationId as string, code, body: sent.body, record: record! };
    }

    const wrong = (code: string) => code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));

    /** Asks the provider itself (provider-checked codes): a code it must no longer accept. */
    async function providerAccepts(record: { messageId?: string | undefined }, code: string): Promise<boolean> {
      const { provider } = harness;
      if (provider.codeSource !== 'provider') return false;
      try {
        return await provider.verify({
          messageId: record.messageId ?? '',
          to,
          code,
          ttlSeconds,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        // "No longer valid" is an OtpError('expired'); nothing else is an honest answer here.
        expect(error).toMatchObject({ code: 'expired' });
        for (const secret of harness.secrets) expect(describeError(error)).not.toContain(secret);
        return false;
      }
    }

    it('declares a valid shape', () => {
      const { provider } = harness;
      expect(provider.name).toEqual(expect.any(String));
      expect(['local', 'provider']).toContain(provider.codeSource);
      expect(['new-code', 'blocked-while-valid', 'same-code']).toContain(provider.resend);
      expect(Number.isInteger(provider.codeLength) && provider.codeLength >= 4 && provider.codeLength <= 10).toBe(true);
      if (provider.codeSource === 'provider') expect(typeof provider.verify).toBe('function');
    });

    it('send delivers one code of codeLength digits and answers the contract', async () => {
      const { body, code } = await sendCode();
      expect(code).toMatch(new RegExp(`^\\d{${harness.provider.codeLength}}$`));
      expect(body.codeLength).toBe(harness.provider.codeLength);
      expect(['sms', 'whatsapp', 'email', 'voice']).toContain(body.channel);
      expect(Date.parse(body.expiresAt)).toBe(time + ttlSeconds * 1000);
    });

    it('a wrong code is refused, the right one verifies once, then it is already verified', async () => {
      const { id, code, record } = await sendCode();
      expect((await post('verify', { verificationId: id, code: wrong(code) })).body).toEqual({
        verified: false,
        attemptsLeft: 4,
      });
      const right = await post('verify', { verificationId: id, code });
      expect(right.status, right.text).toBe(200);
      expect(right.body).toMatchObject({ verified: true, proof: expect.any(String) });
      const again = await post('verify', { verificationId: id, code });
      expect([again.status, again.body.error.code]).toEqual([409, 'already_verified']);
      // The provider itself does not take a used code again.
      expect(await providerAccepts(record, code)).toBe(false);
    });

    it('a code expires after the lifetime, at the handler and at the provider', async () => {
      const { id, code, record } = await sendCode();
      time += ttlSeconds * 1000 + 1000;
      const late = await post('verify', { verificationId: id, code });
      expect([late.status, late.body.error?.code]).toEqual([410, 'expired']);
      expect(await providerAccepts(record, code)).toBe(false);
    });

    it('resend delivers again as the provider declares, and only the new verification verifies', async () => {
      const first = await sendCode();
      time = Date.parse(first.body.resendAt);
      const resent = await post('resend', { verificationId: first.id });
      expect(resent.status, resent.text).toBe(200);
      const code = await harness.lastCode(to);
      if (code === undefined) throw new Error('the harness saw no code');
      codes.push(code);
      const record = await store.get({ id: resent.body.verificationId, now: time });
      if (record?.messageId) messageIds.push(record.messageId);
      if (harness.provider.resend === 'same-code' && record?.messageId === first.record.messageId) {
        // The same verification at the provider: the same code again, with the same deadline.
        expect(code).toBe(first.code);
        expect(resent.body.expiresAt).toBe(first.body.expiresAt);
      }
      if (harness.provider.resend === 'blocked-while-valid') {
        expect(Date.parse(first.body.resendAt)).toBeGreaterThanOrEqual(Date.parse(first.body.expiresAt));
      }
      const old = await post('verify', { verificationId: first.id, code });
      expect([old.status, old.body.error?.code]).toEqual([404, 'not_found']);
      const ok = await post('verify', { verificationId: resent.body.verificationId, code });
      expect(ok.body.verified, ok.text).toBe(true);
    });

    /** Runs one fault on one endpoint and checks the outcome. */
    async function expectOutcome(
      fault: Fault<string | number>,
      endpoint: ProviderEndpoint,
      expected: ExpectedOutcome[],
    ) {
      if (endpoint === 'send') {
        harness.inject(fault, 'send');
        const started = performance.now();
        const reply = await post('send', { to });
        expect(performance.now() - started).toBeLessThan(timeoutMs * 4 + 1000);
        const outcome = reply.status === 200 ? 'sent' : reply.body.error.code;
        expect(expected, reply.text).toContain(outcome);
        if (outcome === 'sent') {
          // Delivered despite the fault (failover): the code that arrived verifies, wherever it came from.
          const code = await harness.lastCode(to);
          if (code === undefined) throw new Error('the harness saw no code');
          codes.push(code);
          const record = await store.get({ id: reply.body.verificationId, now: time });
          if (record?.messageId) messageIds.push(record.messageId);
          const ok = await post('verify', { verificationId: reply.body.verificationId, code });
          expect(ok.body.verified, ok.text).toBe(true);
        }
        return;
      }
      const { id, code } = await sendCode();
      harness.inject(fault, 'verify');
      const reply = await post('verify', { verificationId: id, code });
      const outcome = reply.status === 200 ? 'sent' : reply.body.error.code;
      expect(expected, reply.text).toContain(outcome);
    }

    describe('every mapped provider error', () => {
      for (const [providerCode, expected, endpoint = 'send', status] of options.errors) {
        it(`${endpoint}: provider code ${providerCode}${status ? ` (HTTP ${status})` : ''} -> ${expected}`, async () => {
          if (endpoint === 'verify' && harness.provider.codeSource === 'local') {
            throw new Error('a local-code provider has no verify endpoint: remove this row');
          }
          await expectOutcome(
            status === undefined ? { code: providerCode } : { code: providerCode, status },
            endpoint,
            [expected],
          );
        });
      }
    });

    describe('timeouts and unreadable answers', () => {
      const cases: [keyof NonNullable<DescribeProviderOptions['faults']>, ExpectedOutcome[]][] = [
        ['hang', ['provider_unavailable']],
        ['garbage', ['provider_error', 'provider_unavailable']],
        ['http500', ['provider_unavailable']],
      ];
      for (const [fault, fallback] of cases) {
        const setting = faults[fault];
        if (setting === false) continue;
        const expected = setting === undefined ? fallback : [setting];
        it(`send: ${fault} -> ${expected.join(' or ')}`, () => expectOutcome(fault, 'send', expected));
        it(`verify (provider-checked codes): ${fault} -> ${fallback.join(' or ')}`, async () => {
          // A local code is checked by the BFF, which no provider fault reaches: the right code still verifies.
          const local = harness.provider.codeSource === 'local';
          await expectOutcome(fault, 'verify', local ? ['sent'] : fallback);
        });
      }
    });
  });
}
