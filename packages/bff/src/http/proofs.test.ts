// Proofs as JWTs end to end through the handler: the JWKS route, purposes, iss/aud, configured keys and rotation,
// and single use (consumeProof) on the memory store and across two instances sharing one real Redis.
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedis } from '../../../../scripts/redis-server.mjs';
import { type RedisStore, redisStore } from '../stores/redis/index.js';
import { createOtpHandler } from './handler.js';
import { BASE, SECRET, setup } from './handler.test-helpers.js';

const TO = '+8618701235678';

async function verified(t: ReturnType<typeof setup>, body: Record<string, string> = { to: TO }) {
  const sent = await t.post('send', body);
  if (sent.status !== 200) throw new Error(`send failed: ${JSON.stringify(sent.body)}`);
  const code = t.sim.lastCode(body.to as string) as string;
  const res = await t.post('verify', { verificationId: sent.body.verificationId, code });
  return { id: sent.body.verificationId as string, proof: res.body.proof as string, sent: sent.body };
}

describe('GET …/jwks', () => {
  it('serves the public keys, cacheable, under any mount path; the proof verifies with them alone', async () => {
    const t = setup('engagelab platform');
    const res = await t.otp.handle(new Request(`${BASE}/jwks`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/jwk-set+json');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const jwks = await res.json();
    expect(jwks).toEqual(await t.otp.jwks());
    expect(jwks.keys).toHaveLength(1);
    expect(JSON.stringify(jwks)).not.toMatch(/"d"/);
    const nested = await t.otp.handle(new Request('https://app.test/deep/mount/otp/jwks', { method: 'GET' }));
    expect(await nested.json()).toEqual(jwks);
    const head = await t.otp.handle(new Request(`${BASE}/jwks`, { method: 'HEAD' }));
    expect(head.status).toBe(200);

    // What another service does: only the JWKS, any JOSE library.
    const { proof, id } = await verified(t);
    const { payload, protectedHeader } = await jwtVerify(proof, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
      currentDate: new Date(t.clock.now()),
    });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: jwks.keys[0].kid, typ: 'JWT' });
    expect(payload).toEqual({
      sub: TO,
      purpose: 'default',
      jti: id,
      iat: t.clock.now() / 1000,
      exp: t.clock.now() / 1000 + 600,
    });
  });

  it('answers 405 to anything but GET/HEAD on jwks, and POST stays the only method elsewhere', async () => {
    const t = setup('engagelab platform');
    const post = await t.otp.handle(new Request(`${BASE}/jwks`, { method: 'POST' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const getSend = await t.otp.handle(new Request(`${BASE}/send`));
    expect(getSend.status).toBe(405);
    expect(getSend.headers.get('allow')).toBe('POST');
  });

  it('two instances with the same secret publish the same key; another secret another key', async () => {
    const t = setup('engagelab platform');
    const same = createOtpHandler({ provider: t.provider, secret: SECRET });
    const other = createOtpHandler({ provider: t.provider, secret: `${SECRET}-other` });
    expect(await same.jwks()).toEqual(await t.otp.jwks());
    expect((await other.jwks()).keys[0]?.kid).not.toBe((await t.otp.jwks()).keys[0]?.kid);
    const { proof } = await verified(t);
    expect(
      await createOtpHandler({ provider: t.provider, secret: SECRET, now: t.clock.now }).verifyProof(proof),
    ).not.toBeNull();
  });
});

describe('purposes', () => {
  const purposes = {
    'sign-in': { maxAttempts: 3, proofTtlSeconds: 120 },
    'change-phone': { codeTtlSeconds: 600 },
  };

  it('the browser names one; its policy applies; the proof carries it; verifyProof refuses another', async () => {
    const t = setup('unimtx', { purposes });
    const signIn = await t.post('send', { to: TO, purpose: 'sign-in' });
    expect(signIn.status).toBe(200);
    expect(signIn.body.attemptsLeft).toBe(3);
    expect(Date.parse(signIn.body.expiresAt)).toBe(t.clock.now() + 300_000);
    const code = t.sim.lastCode(TO) as string;
    const { body } = await t.post('verify', { verificationId: signIn.body.verificationId, code });
    const claims = decodeJwt(body.proof);
    expect(claims).toMatchObject({ purpose: 'sign-in', sub: TO });
    expect((claims.exp as number) - (claims.iat as number)).toBe(120);
    expect(await t.otp.verifyProof(body.proof, { purpose: 'sign-in' })).toMatchObject({ to: TO, purpose: 'sign-in' });
    expect(await t.otp.verifyProof(body.proof, { purpose: 'change-phone' })).toBeNull();
    // Unnamed means `default`, which this server does not declare.
    expect(await t.otp.verifyProof(body.proof)).toBeNull();

    const change = await t.post('send', { to: '+14155550100', purpose: 'change-phone' });
    expect(change.body.attemptsLeft).toBe(5);
    expect(Date.parse(change.body.expiresAt)).toBe(t.clock.now() + 600_000);
  });

  it('an unknown purpose, or none where the server names its purposes, is 400 invalid_request', async () => {
    const t = setup('unimtx', { purposes });
    expect((await t.post('send', { to: TO, purpose: 'sign-up' })).body.error.code).toBe('invalid_request');
    expect((await t.post('send', { to: TO })).body.error.code).toBe('invalid_request');
    expect((await t.post('send', { to: TO, purpose: 7 })).body.error.code).toBe('invalid_request');
    expect(t.providerSends()).toBe(0);

    const plain = setup('unimtx');
    expect((await plain.post('send', { to: TO, purpose: 'sign-in' })).status).toBe(400);
    expect((await plain.post('send', { to: TO, purpose: 'default' })).status).toBe(200);
  });

  it('a resend keeps the purpose of the verification it replaces', async () => {
    const t = setup('unimtx', { purposes });
    const first = await t.post('send', { to: TO, purpose: 'change-phone' });
    t.clock.advance(61);
    const again = await t.post('resend', { verificationId: first.body.verificationId });
    expect(again.status).toBe(200);
    expect(Date.parse(again.body.expiresAt)).toBe(t.clock.now() + 600_000);
    const code = t.sim.lastCode(TO) as string;
    const { body } = await t.post('verify', { verificationId: again.body.verificationId, code });
    expect(await t.otp.verifyProof(body.proof, { purpose: 'change-phone' })).not.toBeNull();
  });

  it('refuses a bad purposes option at boot', () => {
    const t = setup('unimtx');
    const make = (p: unknown) => () => createOtpHandler({ provider: t.provider, secret: SECRET, purposes: p as never });
    expect(make({})).toThrow(/purposes/);
    expect(make({ 'sign in': {} })).toThrow(/purpose "sign in"/);
    expect(make({ 'sign-in': { maxAttempts: 0 } })).toThrow(/purposes\.sign-in\.maxAttempts/);
  });
});

describe('issuer, audience and configured keys', () => {
  it('puts iss and aud in the proof and requires them', async () => {
    const t = setup('engagelab platform', { proofIssuer: 'https://auth.example', proofAudience: ['api', 'billing'] });
    const { proof } = await verified(t);
    expect(decodeJwt(proof)).toMatchObject({ iss: 'https://auth.example', aud: ['api', 'billing'] });
    expect(await t.otp.verifyProof(proof)).not.toBeNull();
    const elsewhere = createOtpHandler({ provider: t.provider, secret: SECRET, now: t.clock.now, proofAudience: 'x' });
    expect(await elsewhere.verifyProof(proof)).toBeNull();
  });

  it('signs with the newest configured key; after a rotation the retired one still verifies its proofs', async () => {
    const keyPair = async (alg: 'EdDSA' | 'ES256') => {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
      return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
    };
    const old = await keyPair('EdDSA');
    const next = await keyPair('ES256');
    const t = setup('engagelab platform', { proofKeys: [{ kid: 'old', privateJwk: old.privateJwk }] });
    const { proof } = await verified(t);
    expect(decodeProtectedHeader(proof)).toMatchObject({ alg: 'EdDSA', kid: 'old' });

    const rotated = createOtpHandler({
      provider: t.provider,
      secret: SECRET,
      now: t.clock.now,
      proofKeys: [
        { kid: 'next', privateJwk: next.privateJwk },
        { kid: 'old', publicJwk: old.publicJwk },
      ],
    });
    expect((await rotated.jwks()).keys.map((k) => k.kid)).toEqual(['next', 'old']);
    expect(await rotated.verifyProof(proof)).toMatchObject({ to: TO });
    const dropped = createOtpHandler({
      provider: t.provider,
      secret: SECRET,
      now: t.clock.now,
      proofKeys: [{ kid: 'next', privateJwk: next.privateJwk }],
    });
    expect(await dropped.verifyProof(proof)).toBeNull();
  });

  it('refuses bad proofKeys at boot', async () => {
    const t = setup('engagelab platform');
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const pub = await exportJWK(publicKey);
    const priv = await exportJWK(privateKey);
    const make = (proofKeys: unknown) => () =>
      createOtpHandler({ provider: t.provider, secret: SECRET, proofKeys: proofKeys as never });
    expect(make([])).toThrow(/proofKeys/);
    expect(make([{ kid: 'a', publicJwk: pub }])).toThrow(/proofKeys\[0\] signs/);
    expect(make([{ kid: 'a', privateJwk: { kty: 'RSA', n: 'x', e: 'AQAB', d: 'y' } }])).toThrow(/Ed25519/);
    expect(
      make([
        { kid: 'a', privateJwk: priv },
        { kid: 'a', publicJwk: pub },
      ]),
    ).toThrow(/kid/);
    expect(make([{ privateJwk: priv }])).toThrow(/kid/);
  });
});

describe('consumeProof (memory store)', () => {
  it('accepts a proof once; verifyProof stays read-only; another purpose neither passes nor consumes', async () => {
    const t = setup('engagelab platform');
    const { proof, id } = await verified(t);
    expect(await t.otp.verifyProof(proof)).not.toBeNull();
    expect(await t.otp.consumeProof(proof, { purpose: 'other' })).toBeNull();
    expect(await t.otp.consumeProof(proof)).toMatchObject({ to: TO, verificationId: id, purpose: 'default' });
    expect(await t.otp.consumeProof(proof)).toBeNull();
    expect(await t.otp.consumeProof(proof)).toBeNull();
    // Read-only checks still pass until it expires: verifyProof says "genuine", not "unused".
    expect(await t.otp.verifyProof(proof)).not.toBeNull();
    expect(await t.otp.consumeProof('not-a-proof')).toBeNull();
  });

  it('exactly one of 50 concurrent consumes wins', async () => {
    const t = setup('engagelab platform');
    const { proof } = await verified(t);
    const results = await Promise.all(Array.from({ length: 50 }, () => t.otp.consumeProof(proof)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });

  it('an expired proof is refused without touching the store', async () => {
    const t = setup('engagelab platform');
    const { proof } = await verified(t);
    t.clock.advance(600);
    expect(await t.otp.consumeProof(proof)).toBeNull();
  });
});

describe('consumeProof across two instances sharing one Redis', () => {
  let redis: { url: string; stop(): Promise<void> };
  const stores: RedisStore[] = [];
  beforeAll(async () => {
    redis = await testRedis();
  }, 20_000);
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await redis?.stop();
  });

  function twoInstances() {
    const prefix = `test:consume:${randomUUID()}:`;
    const storeA = redisStore({ url: redis.url, prefix });
    const storeB = redisStore({ url: redis.url, prefix });
    stores.push(storeA, storeB);
    const t = setup('engagelab platform', { store: storeA });
    const b = createOtpHandler({ provider: t.provider, secret: SECRET, store: storeB, now: t.clock.now });
    return { t, a: t.otp, b };
  }

  it('a proof consumed on one instance is refused on the other', async () => {
    const { t, a, b } = twoInstances();
    const { proof, id } = await verified(t);
    expect(await b.verifyProof(proof)).toMatchObject({ verificationId: id });
    expect(await b.consumeProof(proof)).toMatchObject({ to: TO, verificationId: id });
    expect(await a.consumeProof(proof)).toBeNull();
    expect(await b.consumeProof(proof)).toBeNull();
  });

  it('of 40 concurrent consumes split over both instances exactly one wins', async () => {
    const { t, a, b } = twoInstances();
    const { proof } = await verified(t);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).consumeProof(proof)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });
});
