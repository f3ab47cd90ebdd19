// The README's dev-proxy snippet (examples/dev-proxy/vite.config.ts) on a real Vite dev server in front of a real
// BFF: as written it works; with Vite's string shorthand (which sets `changeOrigin: true`) the handler answers 403 and says once, in its log, which
// origin arrived and which were allowed; listing the page's origin fixes it.
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createOtpHandler, engagelab, type OtpHandlerOptions } from '@otpkit/bff';
import { toNodeHandler } from '@otpkit/bff/node';
import { createEngageLabSimulator } from '@otpkit/bff/testing';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './servers.js';

const root = resolve(import.meta.dirname, '..');
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

async function bff(options: Partial<OtpHandlerOptions> = {}) {
  const sim = createEngageLabSimulator();
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  const otp = createOtpHandler({
    provider: engagelab(sim.providerOptions),
    secret: 'e2e-dev-proxy-secret-of-at-least-32-bytes',
    logger: { info() {}, warn: (message, fields) => void warnings.push({ message, fields }), error() {} },
    ...options,
  });
  const server = createHttpServer(toNodeHandler(otp));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  closers.push(() => new Promise((done) => server.close(() => done())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, warnings };
}

/** Vite with the snippet's config, or (`shorthand`) with `'/api/otp': bffUrl`, Vite's string shorthand, which turns
 * `changeOrigin` on. */
async function vite(bffUrl: string, shorthand?: boolean, port = 0): Promise<string> {
  process.env.BFF_URL = bffUrl;
  const server: ViteDevServer = await createViteServer({
    configFile: join(root, 'examples/dev-proxy/vite.config.ts'),
    root: join(root, 'examples/dev-proxy'),
    logLevel: 'silent',
    server: {
      host: '127.0.0.1',
      port,
      strictPort: true,
      ...(shorthand ? { proxy: { '/api/otp': bffUrl } } : {}),
    },
  });
  await server.listen();
  closers.push(() => server.close());
  return (server.resolvedUrls?.local[0] ?? '').replace(/\/$/, '');
}

/** A send as the page's fetch makes it: same-origin, so the browser adds the page's Origin. */
const send = (page: string, to: string) =>
  fetch(`${page}/api/otp/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: page, 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ to }),
  });

describe('behind a Vite dev proxy', () => {
  it('the README snippet as written: the send goes through', async () => {
    const { url } = await bff();
    const page = await vite(url);
    const response = await send(page, '+12068800123');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ channel: 'sms' });
  });

  it("Vite's string shorthand (changeOrigin on) is a 403 that the server log explains once; allowedOrigins fixes it", async () => {
    const broken = await bff();
    const page = await vite(broken.url, true);
    for (const to of ['+12068800124', '+12068800125']) {
      const response = await send(page, to);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect(broken.warnings).toHaveLength(1);
    expect(broken.warnings[0]?.message).toMatch(/allowedOrigins/);
    expect(broken.warnings[0]?.fields).toMatchObject({ origin: page, host: new URL(broken.url).host });

    // The fix: the page's origin in allowedOrigins (known before the dev server starts: its port is fixed).
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const fixed = await bff({ allowedOrigins: [origin] });
    expect(await vite(fixed.url, true, port)).toBe(origin);
    expect((await send(origin, '+12068800126')).status).toBe(200);
    expect(fixed.warnings).toHaveLength(0);
  });
});
