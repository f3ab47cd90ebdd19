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
  it('keys the per-IP limit on the address its clientIp option reads (Vercel: x-real-ip)', async () => {
    const sim = createEngageLabSimulator();
    const otp = createOtpHandler({
      provider: engagelab(sim.providerOptions),
      secret: 'adapter-test-secret-0123456789abcdef012345',
      logger: { info() {}, warn() {}, error() {} },
      ipLimit: { limit: 1, windowSeconds: 3600 },
    });
    const { POST } = toNextHandler(otp, { clientIp: (request) => request.headers.get('x-real-ip') ?? undefined });
    const from = (ip: string, number: string) =>
      POST(post('send', JSON.stringify({ to: number }), { 'x-real-ip': ip }));
    expect((await from('198.51.100.1', '+8618701235671')).status).toBe(200);
    // The same client, another number: over its limit of 1.
    const refused = await from('198.51.100.1', '+8618701235672');
    expect([refused.status, await code(refused)]).toEqual([429, 'rate_limited']);
    // Another client still has room.
    expect((await from('198.51.100.2', '+8618701235673')).status).toBe(200);
  });

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
    const get = await route.GET(new Request(`${BASE}/send`));
    expect([get.status, get.headers.get('allow'), await code(get)]).toEqual([405, 'POST', 'method_not_allowed']);
  });

  it("GET serves the proofs' public keys at …/jwks, which verify a proof from the same route", async () => {
    const { route, otp } = realRoute();
    const jwks = await route.GET(new Request(`${BASE}/jwks`));
    expect(jwks.status).toBe(200);
    const { keys } = (await jwks.json()) as { keys: { kid: string; kty: string }[] };
    expect(keys.length).toBeGreaterThan(0);
    expect(keys).toEqual((await otp.jwks()).keys);
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
