import { fromBase64Url, hmac, hmacVerify, toBase64Url, utf8 } from '../crypto.js';
import type { VerifiedProof } from '../types.js';

/** Claims of a proof. Times are epoch ms (not JWT seconds: this is not a JWT and no JWT library should accept it). */
interface ProofClaims {
  sub: string;
  vid: string;
  iat: number;
  exp: number;
}

/** `base64url(JSON claims) + '.' + base64url(HMAC-SHA256(proofKey, first part))`. */
export async function signProof(key: CryptoKey, claims: ProofClaims): Promise<string> {
  const payload = toBase64Url(utf8(JSON.stringify(claims)));
  return `${payload}.${await hmac(key, payload)}`;
}

/** The claims of a genuine, unexpired proof; null for anything else. Never throws on hostile input. */
export async function readProof(key: CryptoKey, proof: unknown, now: number): Promise<VerifiedProof | null> {
  if (typeof proof !== 'string' || proof.length > 4096) return null;
  const [payload, mac, ...rest] = proof.split('.');
  if (payload === undefined || mac === undefined || rest.length > 0) return null;
  // The signature is checked before the payload is parsed, so forged JSON is never even looked at.
  if (!(await hmacVerify(key, mac, payload))) return null;
  const bytes = fromBase64Url(payload);
  if (!bytes) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null) return null;
  const { sub, vid, iat, exp } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || typeof vid !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') {
    return null;
  }
  if (!(now < exp)) return null;
  return { to: sub, verificationId: vid, verifiedAt: iat, expiresAt: exp };
}
