// Arabic, right to left, in real Chromium: the words read right to left, the number and the code left to right.
import '../styles.css';
import { createTestBff } from '@otpkit/bff/testing';
import axe from 'axe-core';
import type { ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { OtpInput } from '../components/otp-input.js';
import { OtpVerification } from '../components/otp-verification.js';
import { ar } from './locales/ar.js';

const NUMBER = '+966512345678';
let root: Root | undefined;
let host: HTMLDivElement | undefined;

/** Renders on an Arabic page: `dir="rtl"` and `lang="ar"` on the document, as an Arabic site sets them. */
function mountArabic(node: ReactNode) {
  document.documentElement.dir = 'rtl';
  document.documentElement.lang = 'ar';
  host = document.createElement('div');
  host.style.width = '390px';
  document.body.append(host);
  root = createRoot(host);
  flushSync(() => root?.render(<main>{node}</main>));
  return host;
}

async function noAxeViolations(element: HTMLElement) {
  const { violations } = await axe.run(element);
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual([]);
}

/** Where each character of an element's text is drawn (left edge, px), in text order. */
function charLefts(element: Element): { char: string; left: number }[] {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const out: { char: string; left: number }[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.textContent!.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      out.push({ char: node.textContent![i]!, left: range.getBoundingClientRect().left });
    }
  }
  return out;
}
/** True when a number such as +96******5678 in the element's text is drawn left to right: its + leftmost, then
 * each following character further right. */
function numberReadsLeftToRight(element: Element): boolean {
  const chars = charLefts(element);
  const start = chars.findIndex(({ char }) => char === '+');
  const number = chars.slice(start).filter(({ char }) => /[+\d*•]/.test(char));
  const end = number.findIndex(({ char }, i) => i > 0 && char === '+');
  const run = end > 0 ? number.slice(0, end) : number;
  return start >= 0 && run.length > 8 && run.every(({ left }, i) => i === 0 || left > run[i - 1]!.left);
}

/** The slots' left edges in DOM order: increasing when the code reads left to right. */
const slotLefts = (element: HTMLElement) =>
  [...element.querySelectorAll('.otpkit-slot')].map((slot) => slot.getBoundingClientRect().left);

afterEach(() => {
  root?.unmount();
  host?.remove();
  document.documentElement.dir = '';
  document.documentElement.lang = '';
});

describe('Arabic, right to left', () => {
  // A whole flow with four axe runs: allow for a loaded machine.
  it('the drop-in: Arabic words right to left, the code left to right, every step free of axe violations', {
    timeout: 60_000,
  }, async () => {
    const bff = createTestBff();
    const element = mountArabic(<OtpVerification fetch={bff.fetch} locale="ar" messages={ar} defaultTo={NUMBER} />);
    const card = element.querySelector<HTMLElement>('.otpkit-flow')!;
    // The flow's own live region (the countdown components have theirs).
    const said = () => card.querySelector(':scope > [role=status]')?.textContent;
    expect(getComputedStyle(card).direction).toBe('rtl');
    // The label starts at the right edge of the card, as Arabic text does.
    const label = page.getByText(ar.phoneLabel).element().getBoundingClientRect();
    const box = card.getBoundingClientRect();
    expect(box.right - label.right).toBeLessThan(box.width / 4);
    expect(label.left - box.left).toBeGreaterThan(box.width / 4);
    await expect.element(page.getByRole('textbox', { name: ar.phoneLabel })).toHaveValue(NUMBER);
    expect(numberReadsLeftToRight(element.querySelector('.otpkit-hint')!)).toBe(true);
    await noAxeViolations(element);

    await userEvent.click(page.getByRole('button', { name: ar.sendCode }));
    const code = page.getByRole('textbox', { name: ar.codeLabel });
    await expect.element(code).toBeVisible();
    // The masked number sits isolated (U+2066 … U+2069) inside the Arabic sentence: it stays +966…5678.
    // (The line shown; a visually hidden twin speaks the digits one by one.)
    const sent = element.querySelector<HTMLElement>('.otpkit-sent [aria-hidden="true"]')!;
    expect(sent.textContent).toMatch(/^أرسلنا رمزًا إلى \u2066\u2068\+96\d*•+5678\u2069\u2069 عبر رسالة نصية\./);
    expect(numberReadsLeftToRight(sent)).toBe(true);
    const lefts = slotLefts(element);
    expect(lefts).toHaveLength(6);
    expect(lefts).toEqual([...lefts].sort((a, b) => a - b));
    expect(getComputedStyle(code.element()).direction).toBe('ltr');
    await noAxeViolations(element);

    // A wrong code: Arabic's plural for the attempts left, announced in the live region.
    const right = bff.sim.lastCode(NUMBER)!;
    const wrong = right.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
    await userEvent.click(code);
    await userEvent.keyboard(wrong);
    await expect.poll(() => said()).toMatch(/^الرمز غير صحيح\. تبقّت /);
    await noAxeViolations(element);

    await userEvent.keyboard(right);
    await expect.poll(() => said()).toBe(ar.verified);
    await noAxeViolations(element);
  });

  it('OtpInput alone: typed and clicked left to right, named in Arabic, no axe violations', async () => {
    const element = mountArabic(<OtpInput aria-label={ar.codeLabel} defaultValue="123" />);
    const input = page.getByRole('textbox', { name: ar.codeLabel });
    await userEvent.click(input);
    await userEvent.keyboard('{End}456');
    await expect.element(input).toHaveValue('123456');
    const slots = [...element.querySelectorAll('.otpkit-slot')];
    const lefts = slotLefts(element);
    expect(lefts).toEqual([...lefts].sort((a, b) => a - b));
    // The first digit typed is the leftmost slot.
    expect(slots.map((slot) => slot.textContent).join('')).toBe('123456');
    await noAxeViolations(element);
  });
});
