import { describe, expect, it } from 'vitest';
import { createOtpHandler } from '../http/handler.js';
import { engagelab } from '../providers/engagelab.js';
import { createEngageLabSimulator } from '../testing/index.js';
import type { OtpHandlerOptions } from '../types.js';
import { toNextHandler } from './next.js';

const BASE = 'http://localhost:3000/api/otp';
const to = '+8618701235678';

/** The real handler on the EngageLab simulator (the provider's network edge). */
function realRoute(options: Partial<OtpHandlerOptions> = {}) {
  const sim = createEngageLabSimulator();
  const otp = createOtpHandler({
    provider: engagelab(sim.providerOptions),
    secret: 'adapter-test-secret-0123456789abcdef012345',
    logger: { info() {}, warn() {}, error() {} },
    ...options,
  });
  return { otp, sim, route: toNextHandler(otp) };
}

/** What Next.js hands an App Router route handler: a Web Request (and a second `{ params }` argument). */
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  new Request(`${BASE}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('toNextHandler (App Router)', () => {
  it('hands the Request to the handler untouched and returns its Response', async () => {
    const seen: Request[] = [];
    const response = new Response('{}', { status: 202 });
    const { POST } = toNextHandler({
      handle: async (request, context) => {
        seen.push(request);
        expect(context?.clientIp).toBeUndefined(); // no socket in a route handler
        return response;
      },
    });
    const request = post('send', '{}');
    expect(await POST(request)).toBe(response);
    expect(seen).toEqual([request]);
  });

  it('send, then verify with the delivered code: 200 verified with a proof the server accepts', async () => {
    const { otp, sim, route } = realRoute();
    const sent = await route.POST(post('send', JSON.stringify({ to })));
    expect(sent.status).toBe(200);
    const { verificationId } = (await sent.json()) as { verificationId: string };
    const res = await route.POST(post('verify', JSON.stringify({ verificationId, code: sim.lastCode(to) })));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { verified: boolean; proof: string };
    expect(body.verified).toBe(true);
    expect(await otp.verifyProof(body.proof)).toMatchObject({ to, verificationId });
  });

  it('415 for text/plain, 413 for 3 KB, 405 with Allow: POST for GET', async () => {
    const { route } = realRoute();
    const plain = await route.POST(post('send', JSON.stringify({ to }), { 'content-type': 'text/plain' }));
    expect([plain.status, await code(plain)]).toEqual([415, 'unsupported_media_type']);
    const big = await route.POST(post('send', JSON.stringify({ to, locale: 'x'.repeat(3 * 1024) })));
    expect([big.status, await code(big)]).toEqual([413, 'payload_too_large']);
    const get = await route.POST(new Request(`${BASE}/send`));
    expect([get.status, get.headers.get('allow'), await code(get)]).toEqual([405, 'POST', 'method_not_allowed']);
  });

  it('limits sends per client IP only through trustProxy, since route handlers get no socket address', async () => {
    const ip = { 'x-forwarded-for': '203.0.113.7' };
    const trusted = realRoute({ trustProxy: true, ipLimit: { limit: 1, windowSeconds: 60 } }).route;
    expect((await trusted.POST(post('send', JSON.stringify({ to }), ip))).status).toBe(200);
    const second = await trusted.POST(post('send', JSON.stringify({ to: '+8618701235679' }), ip));
    expect([second.status, await code(second)]).toEqual([429, 'rate_limited']);

    // Without trustProxy there is no IP to count, so the per-IP limit cannot apply.
    const untrusted = realRoute({ ipLimit: { limit: 1, windowSeconds: 60 } }).route;
    expect((await untrusted.POST(post('send', JSON.stringify({ to }), ip))).status).toBe(200);
    expect((await untrusted.POST(post('send', JSON.stringify({ to: '+8618701235679' }), ip))).status).toBe(200);
  });
});
