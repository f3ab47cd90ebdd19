// postgresStore over Neon's serverless driver (WebSockets), against a real PostgreSQL behind a local WebSocket proxy:
// the published conformance suite, plus the handler's round trip on it.
import type { Pool } from '@neondatabase/serverless';
import { createOtpHandler, engagelab } from '@otpkit/bff';
import { describeStore } from '@otpkit/bff/store-conformance';
import { createEngageLabSimulator } from '@otpkit/bff/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPostgres } from '../../scripts/postgres-server.mjs';
import { neonWsProxy } from './neon-ws-proxy.test-helpers.js';
import { createNeonStore } from './postgres-neon.js';

let server: { url: string; stop(): Promise<void> };
let proxy: { close(): Promise<void> };
let pool: Pool;
let store: Awaited<ReturnType<typeof createNeonStore>>['store'];
beforeAll(async () => {
  server = await testPostgres();
  proxy = await neonWsProxy();
  ({ store, pool } = await createNeonStore(server.url));
}, 30_000);
afterAll(async () => {
  await pool?.end();
  await proxy?.close();
  await server?.stop();
});

describeStore('postgresStore over @neondatabase/serverless', () => store);

describe('the handler on it', () => {
  it('sends, refuses a wrong code, verifies the right one once', async () => {
    const sim = createEngageLabSimulator();
    const otp = createOtpHandler({
      provider: engagelab(sim.providerOptions),
      secret: 'neon-test-secret-0123456789abcdef0123',
      store,
    });
    const to = '+12068800123';
    const sent = await otp.api.send({ to });
    const code = sim.lastCode(to) as string;
    const wrong = code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
    expect(await otp.api.verify({ verificationId: sent.verificationId, code: wrong })).toEqual({
      verified: false,
      attemptsLeft: 4,
    });
    expect(await otp.api.verify({ verificationId: sent.verificationId, code })).toMatchObject({ verified: true });
    await expect(otp.api.verify({ verificationId: sent.verificationId, code })).rejects.toMatchObject({
      code: 'already_verified',
    });
  });
});
