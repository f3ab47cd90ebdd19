// The Next.js example (examples/next), built with `next build` and served by `next start`: the App Router mount
// (toNextHandler) and the Pages Router mount (toNodeHandler) proven in the real framework.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, freshNumber, launchChromium, openPage, screenshot, waitForCode } from './browser.js';

const nextUrl = inject('nextUrl');

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
      body: 'to=+15550000000',
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
