import { describe, expect, it } from 'vitest';
import { deriveKeys, fromBase64Url, toBase64Url, utf8 } from '../crypto.js';
import { readProof, signProof } from './proof.js';

const keys = await deriveKeys(utf8('a-test-secret-that-is-at-least-32-bytes-long'));
const claims = { sub: '+8618701235678', vid: 'vid-1', iat: 1_000, exp: 601_000 };

describe('proofs', () => {
  it('reads back a valid proof before it expires', async () => {
    const proof = await signProof(keys.proof, claims);
    expect(await readProof(keys.proof, proof, 600_999)).toEqual({
      to: '+8618701235678',
      verificationId: 'vid-1',
      verifiedAt: 1_000,
      expiresAt: 601_000,
    });
  });

  it('refuses an expired proof', async () => {
    const proof = await signProof(keys.proof, claims);
    expect(await readProof(keys.proof, proof, 601_000)).toBeNull();
  });

  it('refuses a proof whose claims were changed', async () => {
    const proof = await signProof(keys.proof, claims);
    const [, mac] = proof.split('.');
    const forged = toBase64Url(utf8(JSON.stringify({ ...claims, sub: '+15550001111' })));
    expect(await readProof(keys.proof, `${forged}.${mac}`, 2_000)).toBeNull();
    const longer = toBase64Url(utf8(JSON.stringify({ ...claims, exp: 9e15 })));
    expect(await readProof(keys.proof, `${longer}.${mac}`, 2_000)).toBeNull();
  });

  it('refuses a proof whose signature was changed by one bit', async () => {
    const proof = await signProof(keys.proof, claims);
    const [payload, mac = ''] = proof.split('.');
    const bytes = fromBase64Url(mac) as Uint8Array;
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    expect(await readProof(keys.proof, `${payload}.${toBase64Url(bytes)}`, 2_000)).toBeNull();
  });

  it('refuses a proof signed with another key, including the code-hash key of the same secret', async () => {
    const other = await deriveKeys(utf8('another-secret-that-is-at-least-32-bytes-long'));
    expect(await readProof(keys.proof, await signProof(other.proof, claims), 2_000)).toBeNull();
    expect(await readProof(keys.proof, await signProof(keys.code, claims), 2_000)).toBeNull();
  });

  it('refuses malformed input without throwing', async () => {
    const proof = await signProof(keys.proof, claims);
    const [payload = '', mac = ''] = proof.split('.');
    for (const bad of [
      '',
      '.',
      'abc',
      payload,
      `${proof}.x`,
      `${payload}.`,
      `.${mac}`,
      `${payload}.${mac}=`,
      `${payload}.!!!`,
      'a'.repeat(5000),
      42,
      null,
      undefined,
      { proof },
    ]) {
      expect(await readProof(keys.proof, bad, 2_000)).toBeNull();
    }
  });

  it('refuses correctly signed claims of the wrong shape', async () => {
    for (const bad of [
      { ...claims, sub: 5 },
      { ...claims, exp: '601000' },
      { sub: claims.sub, vid: claims.vid, iat: 1 },
    ]) {
      const payload = toBase64Url(utf8(JSON.stringify(bad)));
      const mac = toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', keys.proof, utf8(payload))));
      expect(await readProof(keys.proof, `${payload}.${mac}`, 2_000)).toBeNull();
    }
    const notJson = toBase64Url(utf8('{not json'));
    const mac = toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', keys.proof, utf8(notJson))));
    expect(await readProof(keys.proof, `${notJson}.${mac}`, 2_000)).toBeNull();
  });
});
