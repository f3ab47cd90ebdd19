// The "abuse" section of BENCHMARKS.md: the attacker's figures of shared/reference/reviews/redteam.md, run against
// today's defaults through the real handler with a simulated clock (no waiting), next to the figure the review
// measured before the defences. The provider is an in-process fake that counts what it would have sent: only
// otpkit's own limits stand between an attacker and the SMS bill.
import { createOtpHandler, memoryStore } from '@otpkit/bff';

/** A handler with the defaults, on a fake provider that counts sends and verifies. */
function mount({ codeSource = 'provider', ...options } = {}) {
  let clock = Date.UTC(2026, 10, 30, 0, 0, 0);
  const counts = { sends: 0, verifies: 0 };
  const provider = {
    name: 'bench',
    codeSource,
    resend: 'new-code',
    codeLength: 6,
    send: async () => ({ messageId: String(++counts.sends), channel: 'sms' }),
    verify: async () => {
      counts.verifies += 1;
      return false;
    },
  };
  const otp = createOtpHandler({
    provider,
    secret: 'abuse-bench-secret-abuse-bench-secret-0123',
    store: memoryStore({ singleInstance: true }),
    now: () => clock,
    logger: { info() {}, warn() {}, error() {} },
    ...options,
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
  return { post, counts, advance: (ms) => (clock += ms) };
}

async function pumpFromOneIp() {
  const t = mount();
  for (let i = 0; i < 500; i++) await t.post('send', { to: `+2526123${String(45_600 + (i % 100))}` }, '198.51.100.1');
  for (const to of ['+19005550123', '+979123456789', '+447012345678']) await t.post('send', { to }, '198.51.100.1');
  return t.counts.sends;
}

async function pumpFrom1000Ips() {
  const t = mount();
  // 22 tries each from 1,000 addresses, over blocks of 100 neighbouring numbers in 5 countries (the review's attack).
  const blocks = ['+2526123456', '+187655501', '+4474001234', '+86130000000', '+120655501'];
  for (let ip = 0; ip < 1000; ip++) {
    for (let k = 0; k < 22; k++) {
      const to = `${blocks[(ip + k) % blocks.length]}${String((ip * 22 + k) % 100).padStart(2, '0')}`;
      await t.post('send', { to }, `10.${ip >> 8}.${ip & 255}.${k}`);
    }
  }
  return t.counts.sends;
}

async function pumpFromOneIpv6() {
  const t = mount();
  for (let i = 0; i < 200; i++) {
    await t.post('send', { to: `+1415${String(3_000_000 + i * 100)}` }, `2001:db8:5:6:${i.toString(16)}::1`);
  }
  return t.counts.sends;
}

async function mailboxSpellings() {
  const t = mount({ allowEmail: true, numberLimit: { limit: 1, windowSeconds: 600 } });
  const local = ['victim', 'Victim', 'VICTIM', 'v.ictim', 'vi.ctim', 'victim.', 'victim+a', 'victim+b'];
  for (const name of local)
    for (const domain of ['gmail.com', 'GMAIL.com', 'googlemail.com', 'gmail.com.']) {
      await t.post('send', { to: `${name}@${domain}` }, `198.51.100.${local.indexOf(name) + 1}`);
    }
  return t.counts.sends;
}

/** Wrong guesses that reach the provider for one number in `days` × 24 h, sending whenever allowed. */
async function guessesPerDay(days = 1) {
  const t = mount();
  for (let minute = 0; minute < days * 24 * 60; minute++) {
    const sent = await t.post('send', { to: '+447400123456' }, `198.51.100.${minute % 200}`);
    if (sent.status === 200) {
      for (let g = 0; g < 5; g++) {
        await t.post('verify', { verificationId: sent.body.verificationId, code: String(100000 + g) });
      }
    }
    t.advance(60_000);
  }
  return t.counts.verifies;
}

/** Wrong guesses checked on ONE verification that lives for days with an unlimited attempt budget: only the
 * per-number failure budgets hold (every 10 minutes, 20 guesses). */
async function guessesOnOneVerification(days) {
  const t = mount({ codeSource: 'local', codeTtlSeconds: (days + 1) * 86_400, maxAttempts: 1_000_000_000 });
  const sent = await t.post('send', { to: '+447400123458' }, '198.51.100.1');
  let checked = 0;
  for (let step = 0; step < days * 24 * 6; step++) {
    for (let g = 0; g < 20; g++) {
      const res = await t.post('verify', { verificationId: sent.body.verificationId, code: String(100000 + g) });
      if (res.status === 200) checked += 1;
    }
    t.advance(600_000);
  }
  return checked;
}

/** SMS to one victim in 24 h, asking every minute (fresh sends, from rotating addresses). */
async function bombingPerDay() {
  const t = mount();
  for (let minute = 0; minute < 24 * 60; minute++) {
    await t.post('send', { to: '+447400123457' }, `198.51.100.${minute % 200}`);
    t.advance(60_000);
  }
  return t.counts.sends;
}

export default async function run() {
  const rows = [
    [
      'SMS to premium and neighbouring numbers from 1 IP, in one hour',
      '20',
      await pumpFromOneIp(),
      'prefixVelocity 10 per block of 100 per hour; premium, shared-cost and personal numbers refused',
    ],
    [
      'SMS from 1,000 IPs over 5 blocks of 100 numbers, in one hour',
      '20,000',
      await pumpFrom1000Ips(),
      'prefixVelocity 10 per block (more blocks: countryBudget 300/h per country, sendBudget 1,000/h)',
    ],
    ['SMS from 200 addresses of one IPv6 /64, in one hour', '200', await pumpFromOneIpv6(), 'ipLimit 20/h per /64'],
    [
      'Sends to 32 spellings of one Gmail mailbox (limit 1)',
      '69 of 70',
      await mailboxSpellings(),
      'one key per mailbox',
    ],
    [
      'Wrong guesses reaching the provider, one number, 24 h',
      '240',
      await guessesPerDay(),
      '11 codes a day (the growing cooldown) × maxAttempts 5; under it maxFailuresPerNumber 10/h and maxFailuresPerNumberPerDay 100',
    ],
    ['Wrong guesses reaching the provider, one number, 7 days', '1,680', await guessesPerDay(7), 'as above, per day'],
    [
      'Wrong guesses checked, one verification living 7 days with unlimited attempts',
      'n/a',
      await guessesOnOneVerification(7),
      'maxFailuresPerNumberPerDay 100 in a window sliding 24 h past the LAST failure: about 100 per 34 h while the attacker keeps guessing',
    ],
    [
      'SMS to one victim, asking every minute, 24 h',
      '288-384',
      await bombingPerDay(),
      'the cooldown doubles with each send of the last 24 h, fresh sends included',
    ],
  ];
  return [
    '## Abuse: what an attacker gets with the default options',
    '',
    'Each scenario runs through `createOtpHandler(...).handle(request)` with the defaults, a simulated clock and a',
    'fake provider that counts what it would have sent (bench/abuse.mjs). "Before" is the figure measured by the',
    'red-team review against the same defaults before the defences (shared/reference/reviews/redteam.md).',
    '',
    '| scenario | before | now | what bounds it |',
    '|---|---:|---:|---|',
    ...rows.map(([name, before, now, bound]) => `| ${name} | ${before} | ${now.toLocaleString('en-US')} | ${bound} |`),
    '',
  ].join('\n');
}
