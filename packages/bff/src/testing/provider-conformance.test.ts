// The published provider suite, run for every built-in provider against its simulator (or a real SMTP server), and
// for failover pairs with injected outages.
import { engagelab } from '../providers/engagelab.js';
import { ENGAGELAB_SEND_ROWS, UNIMTX_ROWS } from '../providers/error-tables.test-helpers.js';
import { failover } from '../providers/failover.js';
import { smtpEmail } from '../providers/smtp.js';
import { twilio } from '../providers/twilio.js';
import { unimtx } from '../providers/unimtx.js';
import { createEngageLabSimulator } from './engagelab-simulator.js';
import type { Fault } from './faults.js';
import { describeProvider, type ErrorCase, type ProviderSuiteContext } from './provider-conformance.js';
import { startSmtpServer } from './smtp.test-helpers.js';
import { createTwilioSimulator } from './twilio-simulator.js';
import { createUnimtxSimulator } from './unimtx-simulator.js';

const count = (messages: { to: string }[], to: string) => messages.filter((m) => m.to === to).length;

// ---- EngageLab -------------------------------------------------------------------------------------------------

function engagelabHarness(mode: 'platform' | 'custom') {
  return ({ now, ttlSeconds }: ProviderSuiteContext) => {
    const sim = createEngageLabSimulator({ now, templates: { 'otpkit-demo': { codeLength: 6, ttlSeconds } } });
    return {
      provider: engagelab({ ...sim.providerOptions, mode }),
      lastCode: sim.lastCode,
      sent: (to: string) => count(sim.messages, to),
      inject: (fault: Fault<string | number>, endpoint: 'send' | 'verify') =>
        sim.inject(typeof fault === 'object' ? { ...fault, code: Number(fault.code) } : fault, {
          path: endpoint === 'verify' ? '/v1/verifications' : mode === 'custom' ? '/v1/codes' : '/v1/messages',
        }),
      secrets: [sim.devSecret, btoa(`${sim.devKey}:${sim.devSecret}`)],
    };
  };
}

/** Every EngageLab error code of the seeds' tables, on send; and an unknown code with a 5xx. */
const ENGAGELAB_SEND: ErrorCase[] = [...ENGAGELAB_SEND_ROWS, [9999, 'provider_unavailable', 'send', 503]];
const ENGAGELAB_VERIFY: ErrorCase[] = [
  [1000, 'provider_unavailable', 'verify'],
  [2001, 'provider_error', 'verify'],
  [2002, 'provider_error', 'verify'],
  [2004, 'provider_error', 'verify'],
  [3001, 'provider_error', 'verify'],
  [3002, 'provider_error', 'verify'],
  [3003, 'expired', 'verify'],
  [3011, 'expired', 'verify'],
  [4001, 'expired', 'verify'],
];

describeProvider('engagelab (platform codes)', engagelabHarness('platform'), {
  errors: [...ENGAGELAB_SEND, ...ENGAGELAB_VERIFY],
});
describeProvider('engagelab (custom codes)', engagelabHarness('custom'), { errors: ENGAGELAB_SEND });

// ---- UniMTX ----------------------------------------------------------------------------------------------------

const UNIMTX_SECRET = 'unimtx-conformance-secret-0a9b8c7d6e';

function unimtxHarness(mode: 'provider' | 'custom') {
  return ({ now }: ProviderSuiteContext) => {
    // Signed requests: the simulator checks the signature and its timestamp (within 10 minutes of `now`).
    const sim = createUnimtxSimulator({ now, accessKeySecret: UNIMTX_SECRET });
    return {
      provider: unimtx({ ...sim.providerOptions, accessKeySecret: UNIMTX_SECRET, mode, intent: 'login' }),
      lastCode: sim.lastCode,
      sent: (to: string) => count(sim.messages, to),
      inject: (fault: Fault<string | number>, endpoint: 'send' | 'verify') =>
        sim.inject(typeof fault === 'object' ? { ...fault, code: String(fault.code) } : fault, {
          path: endpoint === 'verify' ? 'otp.verify' : 'otp.send',
        }),
      secrets: [UNIMTX_SECRET],
    };
  };
}

/** Every UniMTX code in providers.md, plus undocumented ones (a 4xx we cannot act on, a probably transient 5xx). */
const UNIMTX_SEND: ErrorCase[] = UNIMTX_ROWS.map(([code, expected, status]) =>
  status === undefined ? [code, expected] : [code, expected, 'send', status],
);
const UNIMTX_VERIFY: ErrorCase[] = [
  ['101000', 'provider_unavailable', 'verify'],
  ['104002', 'provider_error', 'verify'],
  ['104201', 'provider_error', 'verify'],
  ['105300', 'rate_limited', 'verify'],
];

describeProvider('unimtx (provider codes)', unimtxHarness('provider'), { errors: [...UNIMTX_SEND, ...UNIMTX_VERIFY] });
describeProvider('unimtx (custom codes)', unimtxHarness('custom'), { errors: UNIMTX_SEND });

// ---- Twilio Verify -------------------------------------------------------------------------------------------

describeProvider(
  'twilio verify',
  ({ now, ttlSeconds }) => {
    const sim = createTwilioSimulator({ now, ttlSeconds });
    return {
      provider: twilio(sim.providerOptions),
      lastCode: sim.lastCode,
      sent: (to: string) => count(sim.messages, to),
      inject: (fault: Fault<string | number>, endpoint: 'send' | 'verify') =>
        sim.inject(typeof fault === 'object' ? { ...fault, code: Number(fault.code) } : fault, {
          path: endpoint === 'verify' ? '/VerificationCheck' : '/Verifications',
        }),
      secrets: [sim.authToken, btoa(`${sim.accountSid}:${sim.authToken}`)],
    };
  },
  {
    errors: [
      [20003, 'provider_error'],
      [20404, 'provider_error'],
      [20429, 'provider_unavailable'],
      [60200, 'invalid_phone'],
      [60202, 'rate_limited'],
      [60203, 'rate_limited'],
      [60205, 'undeliverable'],
      [60212, 'rate_limited'],
      [60223, 'provider_error'],
      [60410, 'forbidden'],
      [60605, 'forbidden'],
      [99999, 'provider_error'],
      [99999, 'provider_unavailable', 'send', 500],
      [20003, 'provider_error', 'verify'],
      [20404, 'expired', 'verify'],
      [20429, 'provider_unavailable', 'verify'],
      [60200, 'provider_error', 'verify'],
      [60202, 'too_many_attempts', 'verify'],
    ],
  },
);

// ---- customCodes over SMTP (a real SMTP server on loopback) -----------------------------------------------------

describeProvider(
  'smtpEmail (customCodes over SMTP)',
  async () => {
    const server = await startSmtpServer();
    return {
      provider: smtpEmail({
        smtp: {
          host: '127.0.0.1',
          port: server.port,
          secure: false,
          auth: { user: server.user, pass: server.pass },
          connectionTimeout: 2000,
          greetingTimeout: 2000,
          socketTimeout: 2000,
        },
        from: 'Acme <no-reply@acme.example>',
        origin: 'https://acme.example',
      }),
      lastCode: server.lastCode,
      sent: server.sent,
      // The BFF checks e-mailed codes itself: there is no provider verify to break.
      inject: (fault: Fault<string | number>, endpoint: 'send' | 'verify') => {
        if (endpoint === 'send') server.inject(fault);
      },
      secrets: [server.pass],
      close: () => server.close(),
    };
  },
  {
    to: 'ana.lima@example.org',
    // A real SMTP conversation on loopback takes a few round trips.
    timeoutMs: 1500,
    errors: [
      ['CONNECT 421', 'provider_unavailable'],
      ['AUTH 535', 'provider_error'],
      ['MAIL 553', 'provider_error'],
      ['RCPT 550', 'undeliverable'],
      ['RCPT 452', 'provider_unavailable'],
      ['DATA 554', 'undeliverable'],
      ['DATA 451', 'provider_unavailable'],
    ],
    faults: { http500: false },
  },
);

// ---- failover pairs with injected outages --------------------------------------------------------------------

/** EngageLab custom first, UniMTX custom second (both local codes); faults go to the primary. */
function localPair(options: Parameters<typeof failover>[1]) {
  return ({ now, ttlSeconds }: ProviderSuiteContext) => {
    const outbox: { to: string; code: string }[] = [];
    const primary = createEngageLabSimulator({
      now,
      templates: { 'otpkit-demo': { codeLength: 6, ttlSeconds } },
      onSend: (m) => outbox.push(m),
    });
    const secondary = createUnimtxSimulator({ now, accessKeySecret: UNIMTX_SECRET, onSend: (m) => outbox.push(m) });
    return {
      provider: failover(
        [
          engagelab({ ...primary.providerOptions, mode: 'custom' }),
          unimtx({ ...secondary.providerOptions, accessKeySecret: UNIMTX_SECRET, mode: 'custom' }),
        ],
        options,
      ),
      lastCode: (to: string) => outbox.findLast((m) => m.to === to)?.code,
      sent: (to: string) => count(outbox, to),
      inject: (fault: Fault<string | number>, endpoint: 'send' | 'verify') =>
        primary.inject(typeof fault === 'object' ? { ...fault, code: Number(fault.code) } : fault, {
          path: endpoint === 'verify' ? '/v1/verifications' : '/v1/codes',
        }),
      secrets: [primary.devSecret, UNIMTX_SECRET],
    };
  };
}

/** What the secondary takes over, and what stops at the primary. */
const OUTAGES: ErrorCase[] = [
  [1000, 'sent'],
  [5016, 'sent'],
  [2001, 'sent'],
  [5011, 'sent'],
  [5012, 'sent'],
  [5013, 'sent'],
  [9999, 'sent', 'send', 503],
  [3004, 'rate_limited'],
];

describeProvider('failover(engagelab custom, unimtx custom), stop when a send may have gone out', localPair({}), {
  errors: OUTAGES,
  // A hang, an unreadable 200 or a bare 500 may have sent the code: the default stops there.
  faults: { hang: 'provider_unavailable', garbage: 'provider_error', http500: 'provider_unavailable' },
});

describeProvider(
  "failover(engagelab custom, unimtx custom), onSendMayHaveGoneOut: 'next'",
  localPair({ onSendMayHaveGoneOut: 'next', attemptTimeoutMs: 100 }),
  { errors: OUTAGES, faults: { hang: 'sent', garbage: 'sent', http500: 'sent' } },
);

describeProvider(
  'failover(unimtx, twilio): provider-checked codes, verify goes to the provider that sent',
  ({ now, ttlSeconds }) => {
    const outbox: { to: string; code: string }[] = [];
    const primary = createUnimtxSimulator({ now, accessKeySecret: UNIMTX_SECRET, onSend: (m) => outbox.push(m) });
    const secondary = createTwilioSimulator({ now, ttlSeconds, onSend: (m) => outbox.push(m) });
    return {
      provider: failover([
        unimtx({ ...primary.providerOptions, accessKeySecret: UNIMTX_SECRET }),
        twilio(secondary.providerOptions),
      ]),
      lastCode: (to: string) => outbox.findLast((m) => m.to === to)?.code,
      sent: (to: string) => count(outbox, to),
      inject: (fault: Fault<string | number>, endpoint: 'send' | 'verify') =>
        primary.inject(typeof fault === 'object' ? { ...fault, code: String(fault.code) } : fault, {
          path: endpoint === 'verify' ? 'otp.verify' : 'otp.send',
        }),
      secrets: [UNIMTX_SECRET, secondary.authToken],
    };
  },
  {
    errors: [
      ['101303', 'sent'],
      ['107111', 'sent'],
      ['105400', 'sent'],
      ['105300', 'rate_limited'],
      ['101000', 'provider_unavailable', 'verify'],
      ['104111', 'provider_error', 'verify'],
    ],
  },
);
