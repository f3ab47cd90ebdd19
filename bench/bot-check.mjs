// The "bot check" section of BENCHMARKS.md: what a script gets against a handler with `botCheck: turnstile(...)`,
// through the real handler with a simulated clock, Turnstile's siteverify simulated in process (the documented
// answers: single-use tokens, timeout-or-duplicate), and a fake provider that counts what it would have sent.
import { createOtpHandler, memoryStore } from '@otpkit/bff';
import { turnstile } from '@otpkit/bff/bot-checks';
import { createSiteverifySimulator } from '@otpkit/bff/testing';

function mount() {
  let clock = Date.UTC(2026, 10, 30, 0, 0, 0);
  const counts = { sends: 0 };
  const captcha = createSiteverifySimulator({ service: 'turnstile' });
  const otp = createOtpHandler({
    provider: {
      name: 'bench',
      codeSource: 'provider',
      resend: 'new-code',
      codeLength: 6,
      send: async () => ({ messageId: String(++counts.sends), channel: 'sms' }),
      verify: async () => false,
    },
    secret: 'bot-check-bench-secret-bot-check-bench-0123',
    store: memoryStore({ singleInstance: true }),
    now: () => clock,
    logger: { info() {}, warn() {}, error() {} },
    botCheck: turnstile({ secret: captcha.secret, fetch: captcha.fetch }),
  });
  const post = async (path, body, ip) => {
    const res = await otp.handle(
      new Request(`https://app.test/api/otp/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
      { clientIp: ip },
    );
    return { status: res.status, body: await res.json() };
  };
  return { post, counts, captcha, advance: (ms) => (clock += ms) };
}

const numbers = (i) => `+4474001${String(10_000 + i).padStart(5, '0')}`;

/** 1,000 addresses, each trying 3 numbers: no token, a forged one, and one real token replayed 3 times. */
async function scripted() {
  const t = mount();
  const solved = t.captcha.issue();
  let refused = 0;
  for (let ip = 0; ip < 1000; ip++) {
    const from = `10.${ip >> 8}.${ip & 255}.1`;
    for (const botToken of [undefined, `0.forged-${ip}`, solved]) {
      const res = await t.post('send', { to: numbers(ip), ...(botToken ? { botToken } : {}) }, from);
      if (res.body.error?.code === 'bot_check_failed') refused += 1;
    }
  }
  return { sends: t.counts.sends, refused, siteverify: t.captcha.requests.length };
}

/** The victim after 500 token-less sends at their number: does a real user still get a code at once? */
async function lockout() {
  const t = mount();
  for (let i = 0; i < 500; i++) await t.post('send', { to: '+447400123456' }, '198.51.100.9');
  const res = await t.post('send', { to: '+447400123456', botToken: t.captcha.issue() }, '198.51.100.9');
  return res.status;
}

export default async function run() {
  const s = await scripted();
  const victim = await lockout();
  return [
    '## Bot check: what a script without a solved challenge gets',
    '',
    'A handler with `botCheck: turnstile({ secret })` (defaults otherwise), Turnstile siteverify simulated in process,',
    'a simulated clock and a fake provider that counts sends (bench/bot-check.mjs).',
    '',
    '| scenario | figure |',
    '|---|---:|',
    `| sends from 1,000 IPs: no token, a forged token, one solved token replayed (3,000 requests) | ${s.sends.toLocaleString('en-US')} SMS sent, ${s.refused.toLocaleString('en-US')} refused with bot_check_failed, ${s.siteverify.toLocaleString('en-US')} siteverify calls (token-less requests make none) |`,
    `| a real user's send after 500 token-less sends at their number from their own address | HTTP ${victim} (no limit was spent by the refused requests) |`,
    '',
  ].join('\n');
}
