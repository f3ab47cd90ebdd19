// A proof checked by a JWT library in another language with nothing but the published JWKS: Debian's python3-jwt
// (PyJWT) with python3-cryptography, fetching `GET …/jwks` from a real server over HTTP. scripts/setup.sh installs
// both; this test fails (it does not skip) when they are missing.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { decodeJwt, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toNodeHandler } from '../adapters/node.js';
import { toBase64Url, utf8 } from '../crypto.js';
import { engagelab } from '../providers/engagelab.js';
import { createEngageLabSimulator } from '../testing/index.js';
import type { OtpHandler } from '../types.js';
import { createOtpHandler } from './handler.js';
import { SECRET } from './handler.test-helpers.js';

const PYTHON = '/usr/bin/python3';

// What a Python service would write: PyJWKClient fetches the JWKS (by kid), jwt.decode checks signature, algorithm,
// expiry, issuer and audience; the service itself checks the purpose it expects.
const VERIFIER = `
import json, sys, jwt
req = json.load(sys.stdin)
client = jwt.PyJWKClient(req["jwks_url"])
out = {}
for name, token in req["tokens"].items():
    try:
        key = client.get_signing_key_from_jwt(token).key
        claims = jwt.decode(token, key, algorithms=["EdDSA", "ES256"], issuer=req["issuer"], audience=req["audience"],
                            options={"require": ["sub", "jti", "iat", "exp", "purpose"]})
        if claims["purpose"] != req["purpose"]:
            raise ValueError("another purpose")
        out[name] = "ok " + claims["sub"] + " " + claims["jti"]
    except Exception as e:
        out[name] = "refused " + type(e).__name__
print(json.dumps({"version": jwt.__version__, "results": out}))
`;

const TO = '+8618701235678';
const identity = { proofIssuer: 'https://otp.example', proofAudience: 'orders-service' };

async function handler(now: () => number, purpose = 'sign-in') {
  const sim = createEngageLabSimulator({ now });
  const otp = createOtpHandler({
    provider: engagelab(sim.providerOptions),
    secret: SECRET,
    now,
    logger: { info() {}, warn() {}, error() {} },
    purposes: { 'sign-in': {}, 'change-phone': {} },
    ...identity,
  });
  const sent = await otp.api.send({ to: TO, purpose }, { clientIp: '203.0.113.9' });
  const result = await otp.api.verify({ verificationId: sent.verificationId, code: sim.lastCode(TO) as string });
  if (!result.verified) throw new Error('not verified');
  return { otp, proof: result.proof, id: sent.verificationId };
}

describe('a proof checked by Python (PyJWT) with only the published JWKS', () => {
  let server: Server;
  let otp: OtpHandler;
  let url: string;
  beforeAll(async () => {
    ({ otp } = await handler(Date.now));
    server = createServer(toNodeHandler(otp));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/otp/jwks`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts the genuine proof and refuses tampered, other-purpose, expired, unknown-key and alg:none tokens', async () => {
    const genuine = await handler(Date.now);
    const other = await handler(Date.now, 'change-phone');
    // Same secret (same key), a clock two hours back: a proof that expired long ago.
    const expired = await handler(() => Date.now() - 2 * 3600_000);
    // Another secret: another key, whose kid the JWKS does not list.
    const strangerSim = createEngageLabSimulator();
    const stranger = createOtpHandler({
      provider: engagelab(strangerSim.providerOptions),
      secret: `${SECRET}-stranger`,
      logger: { info() {}, warn() {}, error() {} },
      ...identity,
    });
    const s = await stranger.api.send({ to: TO }, { clientIp: '203.0.113.9' });
    const sv = await stranger.api.verify({
      verificationId: s.verificationId,
      code: strangerSim.lastCode(TO) as string,
    });
    if (!sv.verified) throw new Error('not verified');

    const [header, payload, signature] = genuine.proof.split('.');
    const claims = decodeJwt(genuine.proof);
    const tampered = `${header}.${toBase64Url(utf8(JSON.stringify({ ...claims, sub: '+12065551111' })))}.${signature}`;
    const none = new UnsecuredJWT(claims).encode();
    const kid = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(header ?? ''), (c) => c.charCodeAt(0)))).kid;
    const noneWithKid = `${toBase64Url(utf8(JSON.stringify({ alg: 'none', kid })))}.${payload}.`;

    const tokens = {
      genuine: genuine.proof,
      tampered,
      otherPurpose: other.proof,
      expired: expired.proof,
      unknownKid: sv.proof,
      none,
      noneWithKid,
    };
    const input = JSON.stringify({
      jwks_url: url,
      tokens,
      purpose: 'sign-in',
      issuer: identity.proofIssuer,
      audience: identity.proofAudience,
    });
    const run = promisify(execFile);
    const child = run(PYTHON, ['-c', VERIFIER], { timeout: 15_000 });
    child.child.stdin?.end(input);
    const { stdout } = await child;
    const { version, results } = JSON.parse(stdout) as {
      version: string;
      results: Record<keyof typeof tokens, string>;
    };
    expect(version).toMatch(/^2\./);
    expect(results.genuine).toBe(`ok ${TO} ${genuine.id}`);
    expect(results.tampered).toBe('refused InvalidSignatureError');
    expect(results.otherPurpose).toBe('refused ValueError');
    expect(results.expired).toBe('refused ExpiredSignatureError');
    expect(results.unknownKid).toBe('refused PyJWKClientError');
    expect(results.none).toMatch(/^refused /);
    expect(results.noneWithKid).toMatch(/^refused /);
    // And the handler itself agrees with Python on every one.
    expect(await genuine.otp.verifyProof(genuine.proof, { purpose: 'sign-in' })).not.toBeNull();
    for (const token of [tampered, other.proof, expired.proof, sv.proof, none, noneWithKid]) {
      expect(await otp.verifyProof(token, { purpose: 'sign-in' })).toBeNull();
    }
  });
});
