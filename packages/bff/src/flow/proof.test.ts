import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from '../crypto.js';
import { buildKeyring, derivedProofKey, type ProofClaims, readProof, signProof } from './proof.js';

const secret = utf8('a-test-secret-that-is-at-least-32-bytes-long');
const ring = await buildKeyring([await derivedProofKey(secret)]);
// JWT seconds: issued at t, valid for 600 s.
const T = 1_790_000_000;
const claims: ProofClaims = { sub: '+8618701235678', purpose: 'default', jti: 'vid-1', iat: T, exp: T + 600 };
const at = (seconds: number) => ({ purpose: 'default', now: seconds * 1000 });

async function newKey(alg: 'EdDSA' | 'ES256', kid: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

describe('proofs (JWT)', () => {
  it('is a JWT with alg, kid and typ in its header and the standard claims, in seconds', async () => {
    const proof = await signProof(ring, claims);
    expect(decodeProtectedHeader(proof)).toEqual({ alg: 'EdDSA', kid: ring.signing.kid, typ: 'JWT' });
    expect(decodeJwt(proof)).toEqual({ sub: '+8618701235678', purpose: 'default', jti: 'vid-1', iat: T, exp: T + 600 });
    expect(await readProof(ring, proof, at(T + 599))).toEqual({
      to: '+8618701235678',
      verificationId: 'vid-1',
      purpose: 'default',
      verifiedAt: T * 1000,
      expiresAt: (T + 600) * 1000,
    });
  });

  it('derives the same Ed25519 key from the same secret, another from another; the JWKS holds only public parts', async () => {
    const again = await derivedProofKey(secret);
    expect(again.kid).toBe(ring.signing.kid);
    const other = await derivedProofKey(utf8('another-secret-that-is-at-least-32-bytes-long'));
    expect(other.kid).not.toBe(ring.signing.kid);
    expect(ring.jwks).toEqual({
      keys: [{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: ring.signing.kid, alg: 'EdDSA', use: 'sig' }],
    });
    expect(JSON.stringify(ring.jwks)).not.toContain('"d"');
    // A proof of the other key is refused (its kid is unknown here).
    const otherRing = await buildKeyring([other]);
    expect(await readProof(ring, await signProof(otherRing, claims), at(T + 1))).toBeNull();
  });

  it('refuses an expired proof, from its exp second on', async () => {
    const proof = await signProof(ring, claims);
    expect(await readProof(ring, proof, { purpose: 'default', now: (T + 600) * 1000 - 1 })).not.toBeNull();
    expect(await readProof(ring, proof, at(T + 600))).toBeNull();
  });

  it('refuses a proof of another purpose, issuer or audience', async () => {
    const proof = await signProof(ring, { ...claims, purpose: 'sign-in' });
    expect(await readProof(ring, proof, { purpose: 'sign-in', now: T * 1000 })).not.toBeNull();
    expect(await readProof(ring, proof, { purpose: 'change-phone', now: T * 1000 })).toBeNull();
    expect(await readProof(ring, proof, at(T))).toBeNull();

    const issued = await signProof(ring, claims, { issuer: 'https://auth.example', audience: 'api' });
    const ok = { ...at(T), issuer: 'https://auth.example', audience: 'api' };
    expect(await readProof(ring, issued, ok)).not.toBeNull();
    expect(await readProof(ring, issued, { ...ok, issuer: 'https://evil.example' })).toBeNull();
    expect(await readProof(ring, issued, { ...ok, audience: 'other' })).toBeNull();
    // A proof without iss/aud is refused where they are required.
    expect(await readProof(ring, await signProof(ring, claims), ok)).toBeNull();
  });

  it('refuses changed claims and a signature changed by one bit', async () => {
    const proof = await signProof(ring, claims);
    const [header, , signature = ''] = proof.split('.');
    for (const forged of [
      { ...claims, sub: '+12065551111' },
      { ...claims, exp: T + 9e6 },
      { ...claims, purpose: 'x' },
    ]) {
      const payload = toBase64Url(utf8(JSON.stringify(forged)));
      expect(await readProof(ring, `${header}.${payload}.${signature}`, at(T + 1))).toBeNull();
    }
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(await readProof(ring, proof.replace(signature, flipped), at(T + 1))).toBeNull();
  });

  it('refuses alg none, an unknown kid, another algorithm, and a token without kid', async () => {
    const payload = { sub: claims.sub, purpose: 'default', jti: 'vid-1', iat: T, exp: T + 600 };
    const none = new UnsecuredJWT(payload).encode();
    expect(await readProof(ring, none, at(T + 1))).toBeNull();
    const noneWithKid = `${toBase64Url(utf8(JSON.stringify({ alg: 'none', kid: ring.signing.kid })))}.${none.split('.')[1]}.`;
    expect(await readProof(ring, noneWithKid, at(T + 1))).toBeNull();

    const stranger = await newKey('EdDSA', 'stranger');
    const strangerRing = await buildKeyring([stranger]);
    expect(await readProof(ring, await signProof(strangerRing, claims), at(T + 1))).toBeNull();
    // A stranger's key under our kid: the signature does not match our public key.
    const posing = await buildKeyring([{ ...stranger, kid: ring.signing.kid }]);
    expect(await readProof(ring, await signProof(posing, claims), at(T + 1))).toBeNull();

    // HS256 keyed with our public key (the classic algorithm confusion) is not an algorithm we accept.
    const x = ring.jwks.keys[0]?.x ?? '';
    const hs = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: ring.signing.kid }).sign(utf8(x));
    expect(await readProof(ring, hs, at(T + 1))).toBeNull();

    const withoutKid = await new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA' }).sign(ring.signing.key);
    // jose picks the one key of a one-key set without a kid; the claims are still ours, so this one is genuine.
    expect(await readProof(ring, withoutKid, at(T + 1))).not.toBeNull();
  });

  it('refuses a genuine signature over claims of the wrong shape', async () => {
    const sign = (payload: Record<string, unknown>) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: ring.signing.kid }).sign(ring.signing.key);
    for (const bad of [
      { ...claims, sub: 5 },
      { ...claims, jti: undefined },
      { ...claims, purpose: undefined },
      { ...claims, exp: undefined },
      { ...claims, iat: undefined },
      { ...claims, exp: String(T + 600) },
    ]) {
      expect(await readProof(ring, await sign(bad), at(T + 1))).toBeNull();
    }
  });

  it('refuses malformed input without throwing', async () => {
    const proof = await signProof(ring, claims);
    for (const bad of [
      '',
      '.',
      '..',
      'abc',
      `${proof}.x`,
      proof.slice(0, -3),
      'a'.repeat(5000),
      42,
      null,
      undefined,
      { proof },
    ]) {
      expect(await readProof(ring, bad, at(T + 1))).toBeNull();
    }
  });

  it('configured keys: the newest signs (EdDSA or ES256), a retired public key still verifies, a dropped one does not', async () => {
    const old = await newKey('EdDSA', 'k-2026-01');
    const current = await newKey('ES256', 'k-2026-06');
    const before = await buildKeyring([{ kid: old.kid, privateJwk: old.privateJwk }]);
    const oldProof = await signProof(before, claims);

    const after = await buildKeyring([
      { kid: current.kid, privateJwk: current.privateJwk },
      { kid: old.kid, publicJwk: old.publicJwk },
    ]);
    const newProof = await signProof(after, claims);
    expect(decodeProtectedHeader(newProof)).toMatchObject({ alg: 'ES256', kid: 'k-2026-06' });
    expect(await readProof(after, newProof, at(T + 1))).not.toBeNull();
    expect(await readProof(after, oldProof, at(T + 1))).not.toBeNull();
    expect(after.jwks.keys.map((k) => [k.kid, k.alg, k.kty])).toEqual([
      ['k-2026-06', 'ES256', 'EC'],
      ['k-2026-01', 'EdDSA', 'OKP'],
    ]);
    expect(JSON.stringify(after.jwks)).not.toContain('"d"');

    const dropped = await buildKeyring([{ kid: current.kid, privateJwk: current.privateJwk }]);
    expect(await readProof(dropped, oldProof, at(T + 1))).toBeNull();
  });
});
