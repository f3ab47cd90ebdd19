import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { inject, type TestContext } from 'vitest';
import { chromiumLaunchOptions } from './chromium.js';

const resultsDir = resolve(import.meta.dirname, '../test-results/e2e');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** A new browser with a new, empty user-data-dir of its own (playwright's `launch()` makes one). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions);
}

/** A file-name-safe slug of the running test's name. */
function slug(context: TestContext): string {
  return context.task.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

const pagesPerTest = new Map<string, number>();

/**
 * A fresh page (its own context: no cookies or storage from other tests) that, if the test fails, leaves a
 * full-page screenshot and a copy of the server's log in test-results/e2e/failures/<test>/.
 */
export async function openPage(browser: Browser, context: TestContext, server: string): Promise<Page> {
  const pageNumber = (pagesPerTest.get(context.task.id) ?? 0) + 1;
  pagesPerTest.set(context.task.id, pageNumber);
  const browserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await browserContext.newPage();
  page.setDefaultTimeout(10_000);
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  // One hook, in this order: the failure artifacts need the page, so it is closed only after them.
  context.onTestFinished(async () => {
    if (context.task.result?.state === 'fail') {
      const dir = join(resultsDir, 'failures', slug(context));
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, `page-${pageNumber}.png`), fullPage: true }).catch(() => {});
      const log = inject('serverLogs')[server];
      if (log !== undefined && existsSync(log)) copyFileSync(log, join(dir, `${server}.log`));
      const errors = consoleErrors.length ? `\nbrowser console errors:\n${consoleErrors.join('\n')}` : '';
      console.error(`e2e failure artifacts (screenshot, ${server} server log): ${dir}${errors}`);
    }
    await browserContext.close();
  });
  return page;
}

/** A full-page screenshot of a state, kept as an artifact in test-results/e2e/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(resultsDir, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Runs axe-core in the page and returns its violations (id, impact, and the first offending nodes). */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string | null; nodes: string[] }[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: () => Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
}

let counter = 0;
/**
 * A phone number no other test uses: limits (sends, failures) are kept per number, so every scenario gets its own.
 * A valid US number (the server checks with libphonenumber), from the process id and a counter, each in its own
 * block of 100 so that neighbours never trip the prefix velocity limit.
 */
export function freshNumber(): string {
  counter += 1;
  const exchange = 200 + ((process.pid + counter) % 800);
  // Never ending in 0000: the demo's simulator leaves those undelivered (to show the "not delivered" state).
  return `+1206${exchange}${String(counter % 100).padStart(2, '0')}01`;
}

/** The codes the server's simulator "sent" to `to`, oldest first (simulator mode only). */
export async function inboxCodes(baseUrl: string, to: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/api/demo/inbox?to=${encodeURIComponent(to)}`);
  if (!response.ok) throw new Error(`inbox: HTTP ${response.status}`);
  const body = (await response.json()) as { messages: { code: string }[] };
  return body.messages.map((message) => message.code);
}

/** Waits until the simulator has sent `count` codes to `to` and returns the last one. */
export async function waitForCode(baseUrl: string, to: string, count = 1): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const codes = await inboxCodes(baseUrl, to);
    if (codes.length >= count) return codes.at(-1)!;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code #${count} for ${to} in the simulator inbox within 10 s`);
}
