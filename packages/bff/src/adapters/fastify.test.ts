import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtpHandler } from '../http/handler.js';
import { engagelab } from '../providers/engagelab.js';
import { memoryStore } from '../stores/memory.js';
import { createEngageLabSimulator } from '../testing/index.js';
import type { OtpHandler } from '../types.js';
import { toFastify } from './fastify.js';

const quiet = { info() {}, warn() {}, error() {} };
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** A Fastify app with the plugin at /api/otp and a route of the app's own that uses Fastify's JSON parser. */
async function start(options: { trustProxy?: boolean; handle?: OtpHandler['handle'] } = {}) {
  const sim = createEngageLabSimulator();
  const otp = createOtpHandler({
    provider: engagelab(sim.providerOptions),
    secret: 'fastify-adapter-test-secret-of-32-bytes!',
    store: memoryStore({ singleInstance: true }),
    logger: quiet,
  });
  const seen: (string | undefined)[] = [];
  const handle: OtpHandler['handle'] = async (request, context) => {
    seen.push(context?.clientIp);
    return (options.handle ?? otp.handle)(request, context);
  };
  const app = Fastify({ trustProxy: options.trustProxy ?? false });
  apps.push(app);
  await app.register(toFastify({ handle }), { prefix: '/api/otp' });
  app.post('/api/proof', async (request) => {
    const { proof } = request.body as { proof: string };
    return { claims: await otp.verifyProof(proof) };
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { base: address, sim, otp, seen };
}

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('toFastify', () => {
  it('round trip: send, wrong code, right code, and the proof checks out in a route of the app', async () => {
    const { base, sim, seen } = await start();
    const sent = await post(`${base}/api/otp/send`, JSON.stringify({ to: '+14155550101' }));
    expect(sent.status).toBe(200);
    expect(sent.headers.get('cache-control')).toBe('no-store');
    const { verificationId } = (await sent.json()) as { verificationId: string };
    const code = sim.lastCode('+14155550101')!;
    const wrong = await post(
      `${base}/api/otp/verify`,
      JSON.stringify({ verificationId, code: code === '000000' ? '111111' : '000000' }),
    );
    expect(await wrong.json()).toMatchObject({ verified: false, attemptsLeft: 4 });
    const right = await post(`${base}/api/otp/verify`, JSON.stringify({ verificationId, code }));
    const { proof } = (await right.json()) as { proof: string };
    // The app's own route still has Fastify's JSON parser: the plugin's raw parser is encapsulated.
    const accepted = await post(`${base}/api/proof`, JSON.stringify({ proof }));
    expect(await accepted.json()).toMatchObject({ claims: { to: '+14155550101', verificationId } });
    expect(seen).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it("answers every body refusal in the contract's JSON, never Fastify's own", async () => {
    const { base } = await start();
    const malformed = await post(`${base}/api/otp/send`, '{"to": "+14155550101",');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_request' } });

    const large = await post(`${base}/api/otp/send`, JSON.stringify({ to: '+14155550101', pad: 'x'.repeat(4000) }));
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ error: { code: 'payload_too_large' } });

    const text = await post(`${base}/api/otp/send`, 'to=+14155550101', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });

    const untyped = await fetch(`${base}/api/otp/send`, { method: 'POST', body: new Uint8Array([123, 125]) });
    expect(untyped.status).toBe(415);
    expect(await untyped.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });

    const get = await fetch(`${base}/api/otp/send`);
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ error: { code: 'method_not_allowed' } });

    const unknown = await post(`${base}/api/otp/nope`, '{}');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses a foreign Origin (403) and takes the same origin', async () => {
    const { base } = await start();
    const foreign = await post(`${base}/api/otp/send`, JSON.stringify({ to: '+14155550102' }), {
      origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: 'forbidden' } });
    const own = await post(`${base}/api/otp/send`, JSON.stringify({ to: '+14155550102' }), { origin: base });
    expect(own.status).toBe(200);
  });

  it("passes Fastify's request.ip: the socket, or the proxy's word only when the app trusts its proxy", async () => {
    const direct = await start();
    await post(`${direct.base}/api/otp/send`, JSON.stringify({ to: '+14155550103' }), {
      'x-forwarded-for': '198.51.100.9',
    });
    expect(direct.seen).toEqual(['127.0.0.1']);

    const proxied = await start({ trustProxy: true });
    await post(`${proxied.base}/api/otp/send`, JSON.stringify({ to: '+14155550103' }), {
      'x-forwarded-for': '198.51.100.9',
    });
    expect(proxied.seen).toEqual(['198.51.100.9']);
  });

  it("leaves other errors to the app's error handler", async () => {
    const sim = createEngageLabSimulator();
    const otp = createOtpHandler({
      provider: engagelab(sim.providerOptions),
      secret: 'fastify-adapter-test-secret-of-32-bytes!',
      store: memoryStore({ singleInstance: true }),
      logger: quiet,
    });
    const app = Fastify();
    apps.push(app);
    app.setErrorHandler(async (error: { statusCode?: number }, _request, reply) =>
      reply.code(error.statusCode ?? 500).send({ app: 'handled' }),
    );
    app.addHook('onRequest', async (request) => {
      if (request.headers.authorization !== 'ok') throw Object.assign(new Error('no'), { statusCode: 401 });
    });
    await app.register(toFastify(otp), { prefix: '/api/otp' });
    const refused = await app.inject({ method: 'POST', url: '/api/otp/send', payload: { to: '+14155550104' } });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ app: 'handled' });
    const allowed = await app.inject({
      method: 'POST',
      url: '/api/otp/send',
      payload: { to: '+14155550104' },
      headers: { authorization: 'ok' },
    });
    expect(allowed.statusCode).toBe(200);
  });

  it('answers 500 in the contract when the handler itself throws (a bug), and stays up', async () => {
    const { base } = await start({
      handle: async () => {
        throw new Error('boom');
      },
    });
    const failed = await post(`${base}/api/otp/send`, '{}');
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: { code: 'internal_error' } });
  });
});
