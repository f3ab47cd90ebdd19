// Proofs are standard JWTs (RFC 7519) signed with an asymmetric key, so any service in any language can check one
// with only the public keys (`otp.jwks()`, `GET …/jwks`), without the OTP secret. jose runs on Web Crypto alone:
// this stays edge-safe (no node: import).
import { calculateJwkThumbprint, createLocalJWKSet, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { utf8 } from '../crypto.js';
import type { ProofKey, VerifiedProof } from '../types.js';
import { type FlowContext, fromStore } from './context.js';
import { emit } from './events.js';
import { maskRecipient } from './mask.js';

/** The algorithms a proof may carry; anything else (`none`, HS256 with the public key as secret) is refused. */
export const PROOF_ALGORITHMS = ['EdDSA', 'ES256'] as const;
export type ProofAlgorithm = (typeof PROOF_ALGORITHMS)[number];

/** A public key as published in the JWKS. */
export interface ProofPublicJwk extends JWK {
  kid: string;
  alg: ProofAlgorithm;
  use: 'sig';
}

/** The keys of one handler: the newest signs, all of them verify (rotation). */
export interface ProofKeyring {
  signing: { kid: string; alg: ProofAlgorithm; key: CryptoKey };
  jwks: { keys: ProofPublicJwk[] };
  /** jose's key lookup by `kid` over `jwks`: the same check an outside service makes with the published JWKS. */
  lookup: ReturnType<typeof createLocalJWKSet>;
}

/** The algorithm a JWK is for: Ed25519 (EdDSA) or P-256 (ES256). */
export function algorithmOf(jwk: JsonWebKey): ProofAlgorithm | undefined {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  return undefined;
}

/** The public half of a JWK: only the members that describe the public key. */
function publicPart(jwk: JsonWebKey): JWK {
  return jwk.kty === 'OKP'
    ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x }
    : { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

// PKCS#8 for an Ed25519 private key is a fixed 16-byte header followed by the 32-byte seed (RFC 8410).
const ED25519_PKCS8_HEADER = [
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/**
 * The Ed25519 key derived from the OTP secret: HKDF-SHA256(secret, label) gives a 32-byte seed, the seed is the
 * private key. Deterministic, so every instance that shares the secret signs with the same key and publishes the
 * same JWKS, with nothing to configure. Its `kid` is the key's RFC 7638 thumbprint.
 */
export async function derivedProofKey(
  secret: Uint8Array<ArrayBuffer>,
): Promise<{ kid: string; privateJwk: JsonWebKey }> {
  const master = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
  const seed = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: utf8('otpkit'), info: utf8('otpkit proof signing key ed25519 v1') },
    master,
    256,
  );
  const der = new Uint8Array(48);
  der.set(ED25519_PKCS8_HEADER);
  der.set(new Uint8Array(seed), 16);
  const key = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', key);
  const privateJwk: JsonWebKey = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d };
  return { kid: await calculateJwkThumbprint(publicPart(privateJwk) as JWK), privateJwk };
}

/** The keyring from configured keys (newest first). The shapes were checked at boot by config.ts. */
export async function buildKeyring(inputs: readonly ProofKey[]): Promise<ProofKeyring> {
  const [newest] = inputs;
  if (!newest?.privateJwk) throw new Error('otpkit: the first proof key must have a privateJwk.');
  const alg = algorithmOf(newest.privateJwk) as ProofAlgorithm;
  const key = (await importJWK({ ...newest.privateJwk, ext: false } as JWK, alg)) as CryptoKey;
  const keys = inputs.map((input): ProofPublicJwk => {
    const jwk = (input.privateJwk ?? input.publicJwk) as JsonWebKey;
    return { ...publicPart(jwk), kid: input.kid, alg: algorithmOf(jwk) as ProofAlgorithm, use: 'sig' };
  });
  const jwks = { keys };
  return { signing: { kid: newest.kid, alg, key }, jwks, lookup: createLocalJWKSet(jwks) };
}

/** What a proof says. Times in JWT seconds. */
export interface ProofClaims {
  sub: string;
  purpose: string;
  jti: string;
  iat: number;
  exp: number;
}

export interface ProofIdentity {
  issuer?: string | undefined;
  audience?: string | string[] | undefined;
}

/** A signed JWT: header `{ alg, kid, typ: 'JWT' }`, the claims, and `iss`/`aud` when configured. */
export async function signProof(
  ring: ProofKeyring,
  claims: ProofClaims,
  identity: ProofIdentity = {},
): Promise<string> {
  const jwt = new SignJWT({ purpose: claims.purpose })
    .setProtectedHeader({ alg: ring.signing.alg, kid: ring.signing.kid, typ: 'JWT' })
    .setSubject(claims.sub)
    .setJti(claims.jti)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp);
  if (identity.issuer !== undefined) jwt.setIssuer(identity.issuer);
  if (identity.audience !== undefined) jwt.setAudience(identity.audience);
  return jwt.sign(ring.signing.key);
}

/**
 * The claims of a genuine, unexpired proof of `purpose`; null for anything else: a bad signature, an unknown `kid`,
 * `alg: none` or any algorithm but ours, another purpose, issuer or audience, an expired or malformed token. Never
 * throws on hostile input.
 */
export async function readProof(
  ring: ProofKeyring,
  proof: unknown,
  expected: ProofIdentity & { purpose: string; now: number },
): Promise<VerifiedProof | null> {
  if (typeof proof !== 'string' || proof.length > 4096) return null;
  try {
    const { payload } = await jwtVerify(proof, ring.lookup, {
      algorithms: [...PROOF_ALGORITHMS],
      currentDate: new Date(expected.now),
      requiredClaims: ['sub', 'jti', 'iat', 'exp', 'purpose'],
      ...(expected.issuer === undefined ? {} : { issuer: expected.issuer }),
      ...(expected.audience === undefined ? {} : { audience: expected.audience }),
    });
    const { sub, jti, iat, exp, purpose } = payload;
    if (typeof sub !== 'string' || typeof jti !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') {
      return null;
    }
    if (purpose !== expected.purpose) return null;
    return { to: sub, verificationId: jti, purpose, verifiedAt: iat * 1000, expiresAt: exp * 1000 };
  } catch {
    return null;
  }
}

/** The store key that makes a proof single-use: one hit allowed per verification id. */
export const consumedKey = (verificationId: string) => `jti:${verificationId}`;

/**
 * Accepts a proof once: a genuine proof of `purpose` whose `jti` has not been consumed yet. The mark is a `take`
 * with limit 1 on `jti:<id>` lasting the proof's remaining lifetime, so it is atomic in the store (one Lua script on
 * Redis): of any number of instances racing with the same proof exactly one gets the claims. A store that is down
 * throws (503), since "not consumed" cannot be known then.
 */
export async function consumeProof(
  ctx: FlowContext,
  ring: ProofKeyring,
  proof: unknown,
  expected: ProofIdentity & { purpose: string },
): Promise<VerifiedProof | null> {
  const now = ctx.config.now();
  const claims = await readProof(ring, proof, { ...expected, now });
  if (!claims) return null;
  const rule = { key: consumedKey(claims.verificationId), limit: 1, windowMs: claims.expiresAt - now };
  const taken = await fromStore(ctx, (s) => s.take({ rules: [rule], now }));
  if (!taken.ok) return null;
  emit(ctx, {
    type: 'proof_consumed',
    at: now,
    purpose: claims.purpose,
    verificationId: claims.verificationId,
    to: maskRecipient(claims.to),
  });
  return claims;
}
