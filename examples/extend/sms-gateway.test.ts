// The third provider through the real handler: nothing in @otpkit/bff knows it. The gateway itself is simulated
// at its network edge (a fetch), as any third party is in this repository's tests.
import { createOtpHandler } from '@otpkit/bff';
import { describeProvider } from '@otpkit/bff/provider-conformance';
import { describe, expect, it } from 'vitest';
import { smsGateway } from './sms-gateway.js';

const API_KEY = 'gateway-key';
const TO = '+447400123456';

/** A gateway that answers like the documented one: 201 `{ id }`, or `{ error }` with a 4xx. */
function gateway(refuse: Record<string, string> = {}) {
  const sent: { to: string; text: string }[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    if (!url.endsWith('/messages') || init.method !== 'POST')
      return Response.json({ error: 'not_found' }, { status: 404 });
    if (new Headers(init.headers).get('authorization') !== `Bearer ${API_KEY}`) {
      return Response.json({ error: 'unauthorized' }, { status: 401 });
    }
    const body = JSON.parse(String(init.body)) as { to: string; text: string };
    const error = refuse[body.to];
    if (error) return Response.json({ error }, { status: error === 'throttled' ? 429 : 400 });
    sent.push(body);
    return Response.json({ id: `msg-${sent.length}` }, { status: 201 });
  };
  const lastCode = () => sent.at(-1)?.text.match(/\d{6}/)?.[0];
  return { fetch, sent, lastCode };
}

function mount(options: { apiKey?: string; refuse?: Record<string, string> } = {}) {
  const gw = gateway(options.refuse);
  const otp = createOtpHandler({
    provider: smsGateway({ apiKey: options.apiKey ?? API_KEY, fetch: gw.fetch }),
    secret: 'example-extend-secret-0123456789abcdef0123',
    logger: { info() {}, warn() {}, error() {} },
  });
  return { otp, gw };
}

describe('a provider written against @otpkit/bff/provider-kit', () => {
  it('delivers a code the BFF generated, and the BFF checks it', async () => {
    const { otp, gw } = mount();
    const sent = await otp.api.send({ to: TO, locale: 'es-MX' }, { clientIp: '203.0.113.9' });
    expect(sent).toMatchObject({ channel: 'sms', codeLength: 6, attemptsLeft: 5 });
    expect(gw.sent).toEqual([{ to: TO, text: expect.stringMatching(/^Tu código es \d{6}$/) }]);
    const code = gw.lastCode()!;
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await otp.api.verify({ verificationId: sent.verificationId, code: wrong })).toEqual({
      verified: false,
      attemptsLeft: 4,
    });
    const right = await otp.api.verify({ verificationId: sent.verificationId, code });
    expect(right.verified).toBe(true);
    if (right.verified) expect((await otp.verifyProof(right.proof))?.to).toBe(TO);
  });

  it.each([
    ['throttled', 429, 'rate_limited'],
    ['invalid_number', 400, 'invalid_phone'],
    ['blocked', 422, 'undeliverable'],
  ])('maps the gateway error %s to %i %s over HTTP', async (error, status, code) => {
    const { otp } = mount({ refuse: { [TO]: error } });
    const res = await otp.handle(
      new Request('https://app.test/api/otp/send', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: TO }),
      }),
      { clientIp: '203.0.113.9' },
    );
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; retryAfter?: number } };
    expect(body.error.code).toBe(code);
    if (status === 429) expect(body.error.retryAfter).toBeGreaterThanOrEqual(60);
  });

  it('a wrong API key is a provider_error the browser learns nothing from', async () => {
    const { otp } = mount({ apiKey: 'wrong' });
    await expect(otp.api.send({ to: TO })).rejects.toMatchObject({ code: 'provider_error', status: 502 });
  });
});

// docs:provider-conformance
// import { describeProvider } from '@otpkit/bff/provider-conformance';
describeProvider(
  'smsGateway',
  () => {
    const faults: string[] = [];
    const gw = gateway();
    const fetch = async (url: string, init: RequestInit) => {
      const error = faults.shift();
      if (error === 'hang') {
        return new Promise<Response>((_resolve, reject) =>
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        );
      }
      if (error === 'garbage') return new Response('<html>hello</html>', { status: 201 });
      if (error === 'http500') return new Response('<html>500</html>', { status: 500 });
      if (error) return Response.json({ error }, { status: error === 'throttled' ? 429 : 400 });
      return gw.fetch(url, init);
    };
    return {
      provider: smsGateway({ apiKey: API_KEY, fetch }),
      lastCode: gw.lastCode,
      sent: (to) => gw.sent.filter((m) => m.to === to).length,
      // The suite asks for provider error codes, a hang, garbage or a bare 500.
      inject: (fault) => faults.push(typeof fault === 'object' ? String(fault.code) : fault),
      secrets: [API_KEY],
    };
  },
  {
    errors: [
      ['unauthorized', 'provider_error'],
      ['invalid_number', 'invalid_phone'],
      ['blocked', 'undeliverable'],
      ['throttled', 'rate_limited'],
    ],
  },
);
// docs:end
