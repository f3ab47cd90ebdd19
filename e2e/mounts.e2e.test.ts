// The README's plain `node:http` mount (examples/demo/server/node-http.ts), run against the built packages.
import type { AddressInfo } from 'node:net';
import { createOtpHandler, engagelab } from '@otpkit/bff';
import { createEngageLabSimulator } from '@otpkit/bff/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeServer } from '../examples/demo/server/node-http.js';

const simulator = createEngageLabSimulator();
const otp = createOtpHandler({
  provider: engagelab(simulator.providerOptions),
  secret: 'e2e-node-http-mount-secret-of-32-bytes!',
});
const server = createNodeServer(otp);
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('node:http mount', () => {
  it('sends, verifies, and the proof checks out on the server', async () => {
    const sent = await post('/api/otp/send', { to: '+12065550200' });
    expect(sent.status).toBe(200);
    const { verificationId } = (await sent.json()) as { verificationId: string };
    const code = simulator.lastCode('+12065550200')!;
    const verified = await post('/api/otp/verify', { verificationId, code });
    const body = (await verified.json()) as { verified: boolean; proof: string };
    expect(body.verified).toBe(true);
    expect(await otp.verifyProof(body.proof)).toMatchObject({ to: '+12065550200', verificationId });
  });

  it('leaves other paths to the app (404 from the server, not the handler)', async () => {
    const response = await fetch(`${base}/elsewhere`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('');
  });
});
