// The Next.js example (examples/next), built with `next build` and served by `next start`: the App Router mount
// (toNextHandler) and the Pages Router mount (toNodeHandler) proven in the real framework.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, freshNumber, launchChromium, openPage, screenshot, waitForCode } from './browser.js';

const nextUrl = inject('nextUrl');
const nextRedisUrl = inject('nextRedisUrl');
const nextLog = inject('serverLogs').next!;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function verifyOnce(page: Page, path: string, shot: string) {
  await page.goto(`${nextUrl}${path}`);
  // Simulator mode: the inbox panel renders once its route answered.
  await page.getByRole('heading', { name: 'Simulator inbox' }).waitFor();
  const to = freshNumber();
  await page.getByLabel('Phone number').fill(to);
  await page.getByRole('button', { name: 'Send code' }).click();
  const code = await waitForCode(nextUrl, to);
  await page.getByLabel('Verification code').waitFor();
  await page.getByRole('listitem').getByText(code).waitFor();
  await screenshot(page, `${shot}-code-sent`);

  // A wrong code first: the attempts left come back through the framework's response path too.
  await page.keyboard.type(code.replace(/\d/g, (d) => String((Number(d) + 1) % 10)));
  await page.getByText('Wrong code. 4 attempts left.').first().waitFor();
  await page.keyboard.type(code);
  await page.locator('[data-testid="proof"][data-state="accepted"]').waitFor();
  await screenshot(page, `${shot}-verified`);
}

describe('next example', () => {
  it('App Router (toNextHandler): number -> code -> verified -> the server accepted the proof', async (ctx) => {
    const page = await openPage(browser, ctx, 'next');
    await verifyOnce(page, '/', 'next-app-router');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('Pages Router API route (toNodeHandler, Next body parser in front): the same flow', async (ctx) => {
    const page = await openPage(browser, ctx, 'next');
    const bffCalls: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') bffCalls.push(new URL(request.url()).pathname);
    });
    await verifyOnce(page, '/pages-router', 'next-pages-router');
    expect(bffCalls).toEqual([
      '/api/otp-pages/send',
      '/api/otp-pages/verify',
      '/api/otp-pages/verify',
      '/api/demo/proof',
    ]);
  });

  it('answers the contract errors through Next: 415, 405 and 404', async () => {
    const post = (path: string, init: RequestInit) => fetch(`${nextUrl}${path}`, { method: 'POST', ...init });
    const wrongType = await post('/api/otp/send', {
      body: 'to=+12065550000',
      headers: { 'content-type': 'text/plain' },
    });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    const unknown = await post('/api/otp/nope', { body: '{}', headers: { 'content-type': 'application/json' } });
    expect(unknown.status).toBe(404);
    // App Router answers methods without an export itself (405); the Pages route reaches the handler.
    expect((await fetch(`${nextUrl}/api/otp/send`)).status).toBe(405);
    const pagesGet = await fetch(`${nextUrl}/api/otp-pages/send`);
    expect(pagesGet.status).toBe(405);
    expect(pagesGet.headers.get('allow')).toBe('POST');
  });
});

describe('next example, edge runtime (app/api/otp-edge: runtime = edge, store: @upstash/redis over HTTP)', () => {
  /** The code the edge route's simulator logged for `to` (its isolate is not the inbox route's). */
  async function loggedCode(to: string): Promise<string> {
    const pattern = new RegExp(`SMS to \\${to}: your code is (\\d+)`);
    for (let tries = 0; tries < 100; tries++) {
      const match = pattern.exec(readFileSync(nextLog, 'utf8'));
      if (match) return match[1]!;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`next logged no code for ${to}`);
  }
  // Valid US numbers, each in its own block of 100 (neighbours would trip the prefix velocity limit).
  let next = 200;
  const number = () => `+1646${next++}0100`;
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${nextUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: nextUrl, 'x-real-ip': '203.0.113.60', ...headers },
      body,
    });

  it('round trip; the proof checks out in a Node route; bad input; foreign Origin; x-real-ip keys the limit', async () => {
    const to = number();
    const sent = await post('/api/otp-edge/send', JSON.stringify({ to }));
    expect(sent.status).toBe(200);
    const { verificationId } = (await sent.json()) as { verificationId: string };
    const code = await loggedCode(to);
    const wrongCode = code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
    const wrong = await post('/api/otp-edge/verify', JSON.stringify({ verificationId, code: wrongCode }));
    expect(await wrong.json()).toMatchObject({ verified: false, attemptsLeft: 4 });
    const right = await post('/api/otp-edge/verify', JSON.stringify({ verificationId, code }));
    const { proof } = (await right.json()) as { proof: string };
    // Same OTP_SECRET: the Node runtime's proof route (another handler, another isolate) accepts the edge's proof.
    const accepted = await post('/api/demo/proof', JSON.stringify({ proof }));
    expect(await accepted.json()).toMatchObject({ accepted: true });
    const forged = await post('/api/demo/proof', JSON.stringify({ proof: `${proof.slice(0, -4)}AAAA` }));
    expect(forged.status).toBe(401);

    const malformed = await post('/api/otp-edge/send', `{"to": "${number()}",`);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_request' } });
    const foreign = await post('/api/otp-edge/send', JSON.stringify({ to: number() }), {
      origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: 'forbidden' } });

    // The client IP (x-real-ip, as Vercel sets it) keys the per-IP limit (20 sends): the 21st is refused although
    // its number is fresh, and another client is not.
    for (let sends = 1; sends < 20; sends++) {
      expect((await post('/api/otp-edge/send', JSON.stringify({ to: number() }))).status).toBe(200);
    }
    expect((await post('/api/otp-edge/send', JSON.stringify({ to: number() }))).status).toBe(429);
    const other = await post('/api/otp-edge/send', JSON.stringify({ to: number() }), { 'x-real-ip': '203.0.113.61' });
    expect(other.status).toBe(200);

    // The limits and verifications live in Redis, reached over HTTP.
    const redis = new Redis(nextRedisUrl);
    try {
      expect(await redis.exists('otpkit:ip:4:203.0.113.60')).toBe(1);
    } finally {
      redis.disconnect();
    }
  });
});
