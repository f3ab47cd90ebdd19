// The demo (examples/demo: Vite page + Express server on the EngageLab simulator) driven in Debian's Chromium.
import { spawnSync } from 'node:child_process';
import { ja } from '@otpkit/react/locales/ja';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  axeViolations,
  freshNumber,
  inboxCodes,
  launchChromium,
  openPage,
  screenshot,
  waitForCode,
} from './browser.js';

const demoUrl = inject('demoUrl');
const shortDemoUrl = inject('shortDemoUrl');
const botDemoUrl = inject('botDemoUrl');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The drop-in <OtpVerification> card and its parts, found the way a user finds them: by label, role and text. */
function dropIn(page: Page) {
  const card = page.getByTestId('drop-in');
  return {
    card,
    flow: card.locator('.otpkit-flow'),
    phone: card.getByLabel('Phone number'),
    send: card.getByRole('button', { name: /Send code|Try again/ }),
    code: card.getByLabel('Verification code'),
    // The drop-in stacks its steps (hidden ones keep the card's height): the parts of the step shown.
    message: card.locator('.otpkit-step:not([data-otpkit-hidden]) .otpkit-message'),
    // The code step's way to a new code: the resend button, or "Send a new code" once the code is finished.
    resend: card.locator(
      '.otpkit-step:not([data-otpkit-hidden]) .otpkit-stack:not([data-otpkit-hidden]) :is(button.otpkit-resend, button.otpkit-primary)',
    ),
    expiry: card.locator('.otpkit-expiry'),
    proof: page.getByTestId('drop-in-proof'),
  };
}

async function open(page: Page, url = demoUrl) {
  await page.goto(url);
  // The inbox panel appears once the page knows it runs on the simulator.
  await page.getByTestId('simulator-inbox').waitFor();
}

async function sendCode(page: Page, to: string, url = demoUrl, count = 1): Promise<string> {
  const ui = dropIn(page);
  await ui.phone.fill(to);
  await ui.send.click();
  await ui.code.waitFor();
  return waitForCode(url, to, count);
}

const status = (flow: Locator) => flow.getAttribute('data-status');

/** A wrong code of the same length: every digit shifted by one. */
const wrong = (code: string) => code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));

describe('demo', () => {
  it('happy path: number -> code from the simulator inbox -> verified -> the server accepted the proof', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo');
    await open(page);
    await expect(page.getByTestId('provider').textContent()).resolves.toMatch(/simulator/i);
    await screenshot(page, 'demo-1-start');

    const to = freshNumber();
    const code = await sendCode(page, to);
    const ui = dropIn(page);
    // The code is on the page too, in the marked simulator inbox.
    await page.getByTestId('simulator-inbox').locator(`li[data-to="${to}"]`).getByText(code).waitFor();
    await expect(ui.card.locator('.otpkit-sent').textContent()).resolves.toMatch(/We sent a code to \u2068?\+12/);
    await screenshot(page, 'demo-2-code-sent');

    await ui.code.pressSequentially(code);
    await ui.proof.locator('text=Server accepted the proof').waitFor();
    expect(await status(ui.flow)).toBe('verified');
    // The success step, in the same frame: its title has the focus.
    await expect(ui.card.getByRole('heading', { name: 'Verified' }).textContent()).resolves.toBe('Verified');
    expect(
      await ui.card.getByRole('heading', { name: 'Verified' }).evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await screenshot(page, 'demo-3-verified');
  });

  it("the proof the page got is checked by Python's PyJWT with only the demo's published JWKS", async (ctx) => {
    const page = await openPage(browser, ctx, 'demo');
    await open(page);
    const to = freshNumber();
    const code = await sendCode(page, to);
    const verified = page.waitForResponse((r) => r.url().endsWith('/api/otp/verify') && r.status() === 200);
    await dropIn(page).code.pressSequentially(code);
    const { proof } = (await (await verified).json()) as { proof: string };
    // What another team's Python service would run: the key by kid from the JWKS URL, EdDSA/ES256 only, expiry.
    const script = [
      'import json, sys, jwt',
      'req = json.load(sys.stdin)',
      'key = jwt.PyJWKClient(req["jwks"]).get_signing_key_from_jwt(req["proof"]).key',
      'claims = jwt.decode(req["proof"], key, algorithms=["EdDSA", "ES256"], options={"require": ["sub", "exp", "purpose"]})',
      'print(json.dumps(claims))',
    ].join('\n');
    const python = spawnSync('/usr/bin/python3', ['-c', script], {
      input: JSON.stringify({ proof, jwks: `${demoUrl}/api/otp/jwks` }),
      encoding: 'utf8',
    });
    expect(python.stderr).toBe('');
    expect(JSON.parse(python.stdout)).toMatchObject({ sub: to, purpose: 'default' });
  });

  it('delivery reports: the funnel counts deliveries, and a number the carrier gave up on says "not delivered"', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo');
    await open(page);
    const funnel = page.getByTestId('funnel');
    // The simulator reports each message "sent" and then "delivered" a few seconds later, as EngageLab does; a
    // number ending in 0000 is never delivered.
    const lost = `${freshNumber().slice(0, -4)}0000`;
    await sendCode(page, lost);
    const ui = dropIn(page);
    await ui.message
      .getByText(/was not delivered\. Check the number, or use another one\./)
      .waitFor({ timeout: 15_000 });
    // The panel polls the server's counts: the failed delivery is there (other tests' numbers were delivered).
    await expect
      .poll(async () => Number(await funnel.locator('li[data-step="failed"] strong').textContent()), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    await screenshot(page, 'demo-not-delivered');
    // The code still works: a late delivery or the inbox may still bring it.
    expect(await status(ui.flow)).toBe('code_sent');
  });

  it('a wrong code, then the right one: attempts left are shown', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo');
    await open(page);
    const code = await sendCode(page, freshNumber());
    const ui = dropIn(page);

    await ui.code.pressSequentially(wrong(code));
    await ui.message.getByText('Wrong code. 4 attempts left.').waitFor();
    expect(await status(ui.flow)).toBe('invalid_code');
    await screenshot(page, 'demo-4-wrong-code');

    // The input was cleared and refocused: the right code can be typed straight away.
    await page.keyboard.type(code);
    await ui.proof.locator('text=Server accepted the proof').waitFor();
  });

  it('five wrong codes lock the verification out, and the provider is not called again', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo');
    await open(page);
    const to = freshNumber();
    let verificationId = '';
    page.on('response', async (response) => {
      if (response.url().endsWith('/api/otp/send')) verificationId = (await response.json()).verificationId;
    });
    const code = await sendCode(page, to);
    const ui = dropIn(page);
    const callsBefore = await providerVerifications();

    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await ui.code.pressSequentially(wrong(code));
      if (attempt < 5) await ui.message.getByText(`${5 - attempt} attempt`).waitFor();
    }
    await ui.message.getByText('Too many wrong codes. Send a new code.').waitFor();
    expect(await status(ui.flow)).toBe('too_many_attempts');
    // The finished code stays on screen, disabled (the card keeps its shape); "Send a new code" takes the focus.
    expect(await ui.code.isDisabled()).toBe(true);
    await screenshot(page, 'demo-5-locked-out');
    expect(await providerVerifications()).toBe(callsBefore + 5);

    // Even the right code, sent by hand, is refused without asking EngageLab.
    const answer = await page.evaluate(
      async ([id, c]) => {
        const r = await fetch('/api/otp/verify', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ verificationId: id, code: c }),
        });
        return { status: r.status, body: await r.json() };
      },
      [verificationId, code],
    );
    expect(answer).toMatchObject({ status: 429, body: { error: { code: 'too_many_attempts' } } });
    expect(await providerVerifications()).toBe(callsBefore + 5);
  });

  it('already verified: a replayed verify request shows the already-verified state', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo');
    await open(page);
    const code = await sendCode(page, freshNumber());
    const ui = dropIn(page);

    // A flaky network replays the request: the first copy verifies, the page gets the answer to the second.
    await page.route(
      '**/api/otp/verify',
      async (route) => {
        const first = await route.fetch();
        expect(first.status()).toBe(200);
        await route.fulfill({ response: await route.fetch() });
      },
      { times: 1 },
    );
    await ui.code.pressSequentially(code);
    await ui.message.getByText('This code was already used. Send a new code.').waitFor();
    expect(await status(ui.flow)).toBe('already_verified');
    await screenshot(page, 'demo-6-already-verified');
  });

  it('a second send to the same number is rate-limited and shows the wait', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo');
    await open(page);
    const to = freshNumber();
    await sendCode(page, to);

    // A second tab asks for another code for the same number while the first is still valid.
    const second = await openPage(browser, ctx, 'demo');
    await open(second);
    const ui = dropIn(second);
    await ui.phone.fill(to);
    await ui.send.click();
    await ui.message.getByText('Too many requests. Please wait.').waitFor();
    await expect(ui.send.textContent()).resolves.toMatch(/^Try again in \d+:\d\d$/);
    expect(await ui.send.getAttribute('aria-disabled')).toBe('true');
    await screenshot(second, 'demo-7-rate-limited');
    expect(await inboxCodes(demoUrl, to)).toHaveLength(1);
  });

  it('paste of "123-456": the separator is dropped and the code verifies', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demoUrl });
    await open(page);
    const code = await sendCode(page, freshNumber());
    const ui = dropIn(page);

    await page.evaluate((text) => navigator.clipboard.writeText(text), `${code.slice(0, 3)}-${code.slice(3)}`);
    await ui.code.focus();
    await page.keyboard.press('ControlOrMeta+V');
    await ui.proof.locator('text=Server accepted the proof').waitFor();
  });

  it('SMS-style autofill: one input event with the whole code verifies', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo');
    await open(page);
    const code = await sendCode(page, freshNumber());
    const ui = dropIn(page);
    const events = await ui.code.evaluate((input) => {
      const seen: string[] = [];
      input.addEventListener('input', (e) => seen.push((e as InputEvent).inputType ?? 'input'));
      (window as unknown as { seen: string[] }).seen = seen;
      return seen.length;
    });
    expect(events).toBe(0);

    // What iOS/Android autofill does: the whole code lands in one input event.
    await ui.code.fill(code);
    await ui.proof.locator('text=Server accepted the proof').waitFor();
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen.length)).toBe(1);
  });

  it('keyboard only, from the first field to verified, with no axe violations on the way', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo');
    await open(page);
    expect(await axeViolations(page)).toEqual([]);
    const ui = dropIn(page);

    // Tab from the top of the page until the drop-in's phone field has the focus.
    let tabs = 0;
    while (!(await ui.phone.evaluate((el) => el === document.activeElement))) {
      await page.keyboard.press('Tab');
      tabs += 1;
      if (tabs > 10) throw new Error('the phone field is not reachable with Tab');
    }
    const to = freshNumber();
    await page.keyboard.type(to);
    await page.keyboard.press('Enter');
    const code = await waitForCode(demoUrl, to);
    // The code field takes the focus by itself: no Tab, no click.
    await page.waitForFunction(() => document.activeElement?.classList.contains('otpkit-input'));
    expect(await ui.code.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.type(code);
    await ui.proof.locator('text=Server accepted the proof').waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the language switcher changes the words of both flows', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo');
    await open(page);
    await page.getByLabel('Language').selectOption({ label: '日本語' });
    await page.getByTestId('drop-in').getByRole('button', { name: ja.sendCode }).waitFor();
    await page.getByTestId('drop-in').getByText(ja.phoneLabel, { exact: true }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
    const composed = page.getByTestId('composed');

    const to = freshNumber();
    await composed.getByRole('textbox').fill(to);
    await composed.getByRole('button').first().click();
    const code = await waitForCode(demoUrl, to);
    await composed.getByRole('textbox').waitFor();
    await screenshot(page, 'demo-8-japanese-composed');
    await page.keyboard.type(code);
    await page.locator('[data-testid="composed-proof"][data-state="accepted"]').waitFor();
    await page.getByTestId('composed').getByText(ja.verified).waitFor();
    await screenshot(page, 'demo-9-japanese-verified');
  });
});

describe('demo with a 4 s code lifetime and a 2 s resend cooldown', () => {
  it('the countdown reaches zero, the page shows expired, and a new code verifies', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo-short');
    await open(page, shortDemoUrl);
    const to = freshNumber();
    await sendCode(page, to, shortDemoUrl);
    const ui = dropIn(page);
    // Never more than the server's 4 s: browser and server share this machine's clock, so the Date header (1 s
    // resolution) must not stretch the countdown.
    await expect(ui.expiry.textContent()).resolves.toMatch(/^Code expires in 0:0[1-4]$/);

    // At zero the flow expires the code by itself: no verify needed, the code field goes.
    await page.locator('[data-testid="drop-in"] .otpkit-flow[data-status="expired"]').waitFor({ timeout: 8_000 });
    expect(await ui.message.textContent()).toBe('Code expired. Send a new code.');
    expect(await ui.code.isDisabled()).toBe(true);
    expect(await ui.resend.textContent()).toMatch(/^(Send a new code|Resend code in 0:0\d)$/);
    await screenshot(page, 'demo-10-expired');

    // EngageLab refuses a second code while the first is valid, so the resend opens when it expires.
    await ui.resend.and(page.locator(':enabled')).waitFor({ timeout: 8_000 });
    await ui.resend.click();
    const code = await waitForCode(shortDemoUrl, to, 2);
    await ui.code.pressSequentially(code);
    await ui.proof.locator('text=Server accepted the proof').waitFor();
  });

  it('the resend button counts down, re-enables, and the new code verifies', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo-short');
    await open(page, shortDemoUrl);
    const to = freshNumber();
    await sendCode(page, to, shortDemoUrl);
    const ui = dropIn(page);

    await expect(ui.resend.textContent()).resolves.toMatch(/^Resend code in 0:0\d$/);
    expect(await ui.resend.isDisabled()).toBe(true);
    await screenshot(page, 'demo-11-resend-cooldown');
    const first = await ui.resend.textContent();
    await page.waitForFunction(([selector, before]) => document.querySelector(selector)?.textContent !== before, [
      '[data-testid="drop-in"] button.otpkit-resend',
      first,
    ] as const);

    await ui.resend.and(page.locator(':enabled')).waitFor({ timeout: 8_000 });
    expect(await ui.resend.textContent()).toMatch(/Resend code|Send a new code/);
    await ui.resend.click();
    const code = await waitForCode(shortDemoUrl, to, 2);
    await ui.code.pressSequentially(code);
    await ui.proof.locator('text=Server accepted the proof').waitFor();
  });
});

async function providerVerifications(): Promise<number> {
  const response = await fetch(`${demoUrl}/api/demo/inbox`);
  return ((await response.json()) as { providerCalls: { verifications: number } }).providerCalls.verifications;
}

describe('demo with a bot check (OTP_BOT_CHECK=turnstile: the test keys, on the siteverify simulator)', () => {
  it('refuses a send without the challenge, sends with it (the token taken, the widget reset), verifies', async (ctx) => {
    const page = await openPage(browser, ctx, 'demo-bot');
    await open(page, botDemoUrl);
    const ui = dropIn(page);
    const human = ui.card.getByRole('checkbox', { name: 'Verify you are human' });
    const to = freshNumber();
    await ui.phone.fill(to);
    await ui.send.click();
    await ui.message.locator('text=We could not confirm you are human.').waitFor();
    expect(await inboxCodes(botDemoUrl, to)).toHaveLength(0);
    await screenshot(page, 'demo-bot-1-refused');

    await human.check();
    await ui.send.click();
    await ui.code.waitFor();
    const code = await waitForCode(botDemoUrl, to);
    // The token went with the send: the widget is ready for the next challenge.
    expect(await human.isChecked()).toBe(false);
    await screenshot(page, 'demo-bot-2-code-sent');
    await ui.code.fill(code);
    await ui.proof.locator('text=Server accepted the proof').waitFor();
  });
});
