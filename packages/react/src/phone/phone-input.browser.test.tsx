import './phone.css';
import axe from 'axe-core';
import type { ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { arPhone } from '../i18n/locales/ar.js';
import { PhoneInput, type PhoneInputProps } from './phone-input.js';

let root: Root | undefined;
let host: HTMLDivElement | undefined;

function mount(node: ReactNode, attributes: Record<string, string> = {}) {
  host = document.createElement('div');
  for (const [name, value] of Object.entries(attributes)) host.setAttribute(name, value);
  host.style.maxWidth = '22rem';
  host.style.padding = '1rem';
  document.body.append(host);
  root = createRoot(host);
  flushSync(() => root?.render(node));
  return host;
}

function field(props: Partial<PhoneInputProps> = {}, attributes?: Record<string, string>) {
  const onChange = vi.fn();
  const element = mount(
    <main>
      <label htmlFor="phone">Mobile number</label>
      <PhoneInput id="phone" locale="en" onChange={onChange} {...props} />
    </main>,
    attributes,
  );
  const number = element.querySelector<HTMLInputElement>('#phone')!;
  return { element, number, onChange, last: () => onChange.mock.calls.at(-1) };
}

const caret = (input: HTMLInputElement) => [input.selectionStart, input.selectionEnd];
async function noAxeViolations(element: HTMLElement) {
  const { violations } = await axe.run(element);
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual([]);
}

afterEach(() => {
  root?.unmount();
  host?.remove();
  document.documentElement.dir = '';
});

describe('PhoneInput in Chromium', () => {
  it('formats as the user types, and the caret stays after the digit just typed', async () => {
    const { number, last } = field({ defaultCountry: 'US' });
    await userEvent.click(number);
    await userEvent.keyboard('2068800123');
    await expect.poll(() => number.value).toBe('(206) 880-0123');
    expect(caret(number)).toEqual([14, 14]);
    expect(last()).toEqual(['+12068800123', { country: 'US', status: 'valid', text: '(206) 880-0123' }]);
    // Fix a digit in the middle: the caret stays after it, although the formatting rewrote the text.
    number.setSelectionRange(9, 9); // after "(206) 880"
    await userEvent.keyboard('{Backspace}');
    await expect.poll(() => number.value).toBe('(206) 880-123');
    expect(caret(number)).toEqual([8, 8]);
    await userEvent.keyboard('1');
    await expect.poll(() => number.value).toBe('(206) 881-0123');
    expect(caret(number)).toEqual([9, 9]);
    expect(last()?.[0]).toBe('+12068810123');
  });

  it('Backspace right after a formatting character removes the digit before it', async () => {
    const { number } = field({ defaultCountry: 'JP' });
    await userEvent.click(number);
    await userEvent.keyboard('0901234');
    await expect.poll(() => number.value).toBe('090-1234');
    number.setSelectionRange(4, 4); // after "090-"
    await userEvent.keyboard('{Backspace}');
    await expect.poll(() => number.value).toBe('091-234');
    expect(caret(number)).toEqual([2, 2]);
  });

  it.each([
    ['(206) 880-0123', 'US', '+12068800123'],
    ['090-1234-5678', 'JP', '+819012345678'],
    ['0044 20 7946 0958', 'US', '+442079460958'],
    ['＋８１ ９０ １２３４ ５６７８', 'US', '+819012345678'],
    ['+1\u2011206\u2011880\u20110123', 'GB', '+12068800123'],
    ['+44 (0)20 7946 0958', 'US', '+442079460958'],
    ['081-234-5678', 'TH', '+66812345678'],
  ] as const)('pastes %s from the system clipboard (country %s) as %s', async (text, country, value) => {
    const { number, element, last } = field({ defaultCountry: country });
    const source = document.createElement('textarea');
    source.value = text;
    element.append(source);
    source.select();
    await userEvent.copy();
    await userEvent.click(number);
    await userEvent.paste();
    await expect.poll(() => last()?.[0]).toBe(value);
    expect(last()?.[1].status).toBe('valid');
  });

  it('keyboard only: Tab, open, search, arrows, Enter; focus lands in the number', async () => {
    const { number, last } = field({ defaultCountry: 'US' });
    const button = page.getByRole('button', { name: 'Country: United States +1' });
    await userEvent.tab();
    await expect.element(button).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    const search = page.getByRole('combobox', { name: 'Search countries' });
    await expect.element(search).toHaveFocus();
    await expect.element(page.getByRole('dialog', { name: 'Country' })).toBeVisible();
    await expect.element(page.getByRole('listbox', { name: 'Country' })).toBeVisible();
    await userEvent.keyboard('king');
    await expect.element(page.getByRole('option', { name: 'United Kingdom +44', selected: true })).toBeVisible();
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('button', { name: 'Country: United Kingdom +44' })).toBeVisible();
    expect(document.activeElement).toBe(number);
    await userEvent.keyboard('07400 123456');
    await expect.poll(() => last()?.[0]).toBe('+447400123456');
  });

  it('the button toggles the list with the pointer; a press on the list keeps focus in the search', async () => {
    const { element } = field({ defaultCountry: 'US' });
    const button = page.getByRole('button', { name: /^Country/ });
    await userEvent.click(button);
    const search = page.getByRole('combobox');
    await expect.element(search).toHaveFocus();
    const list = element.querySelector<HTMLElement>('[role=listbox]')!;
    const box = list.getBoundingClientRect();
    // The list's scrollbar, at its right edge.
    await userEvent.click(list, { position: { x: box.width - 3, y: 20 } } as Parameters<typeof userEvent.click>[1]);
    await expect.element(search).toHaveFocus();
    await userEvent.click(button);
    await expect.element(page.getByRole('dialog')).not.toBeInTheDocument();
    await expect.element(button).toHaveFocus();
    await expect.element(button).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(button);
    await userEvent.click(page.getByRole('option', { name: 'Canada +1' }));
    await expect.element(page.getByRole('button', { name: 'Country: Canada +1' })).toBeVisible();
  });

  it('the arrows scroll the active option into view inside the list', { timeout: 30_000 }, async () => {
    const { element } = field({ defaultCountry: 'AF' });
    await userEvent.click(page.getByRole('button', { name: /^Country/ }));
    for (let i = 0; i < 20; i++) await userEvent.keyboard('{ArrowDown}');
    const list = element.querySelector('[role=listbox]')!;
    const active = element.querySelector('[role=option][aria-selected=true]')!;
    const [outer, inner] = [list.getBoundingClientRect(), active.getBoundingClientRect()];
    expect(list.scrollTop).toBeGreaterThan(0);
    expect(inner.top).toBeGreaterThanOrEqual(outer.top - 1);
    expect(inner.bottom).toBeLessThanOrEqual(outer.bottom + 1);
    // The page did not scroll: only the list did.
    expect(window.scrollY).toBe(0);
    await userEvent.keyboard('{Escape}');
    await expect.element(page.getByRole('button', { name: /^Country/ })).toHaveFocus();
  });

  it('screen-reader names: the number by its label and description, the button by country, options by name', async () => {
    mount(
      <main>
        <label htmlFor="tel">Phone</label>
        <PhoneInput id="tel" locale="en" defaultCountry="JP" aria-describedby="tel-error" aria-invalid />
        <p id="tel-error">Enter a number of your country.</p>
      </main>,
    );
    const number = page.getByRole('textbox', { name: 'Phone' });
    await expect.element(number).toHaveAccessibleDescription('Enter a number of your country.');
    await expect.element(number).toHaveAttribute('aria-invalid', 'true');
    const button = page.getByRole('button', { name: 'Country: Japan +81', expanded: false });
    await userEvent.click(button);
    await expect.element(page.getByRole('button', { name: 'Country: Japan +81', expanded: true })).toBeVisible();
    await expect.element(page.getByRole('option', { name: 'Japan +81', selected: true })).toBeVisible();
  });

  // axe over the open list checks 245 options: seconds each on a loaded machine.
  it('has no axe violations, closed and open, light', { timeout: 60_000 }, async () => {
    const light = field({ defaultCountry: 'GB' });
    await noAxeViolations(light.element);
    await userEvent.click(page.getByRole('button', { name: /^Country/ }));
    await noAxeViolations(light.element);
  });

  it('has no axe violations, closed and open, dark', { timeout: 60_000 }, async () => {
    const dark = field({ defaultCountry: 'GB', 'aria-invalid': true }, { 'data-theme': 'dark' });
    dark.element.style.background = '#030712';
    dark.element.style.color = '#f9fafb'; // the page's own label
    expect(getComputedStyle(dark.number).color).toBe('rgb(249, 250, 251)');
    await noAxeViolations(dark.element);
    await userEvent.click(page.getByRole('button', { name: /^Country/ }));
    await noAxeViolations(dark.element);
  });

  it('on a right-to-left page: the number stays left to right, the country list reads right to left', async () => {
    document.documentElement.dir = 'rtl';
    const { element, number } = field(
      { defaultCountry: 'SA', locale: 'ar', labels: arPhone },
      { dir: 'rtl', lang: 'ar' },
    );
    await userEvent.click(number);
    await userEvent.keyboard('0512345678');
    await expect.poll(() => number.value).toBe('051 234 5678');
    const button = element.querySelector('.otpkit-country-button')!;
    // The dialling code sits left of the number, as the number is written.
    expect(button.getBoundingClientRect().right).toBeLessThanOrEqual(number.getBoundingClientRect().left + 1);
    expect(getComputedStyle(number).direction).toBe('ltr');
    await userEvent.click(page.getByRole('button', { name: /^الدولة: / }));
    const list = element.querySelector('.otpkit-country-list')!;
    expect(getComputedStyle(list).direction).toBe('rtl');
    await expect.element(page.getByRole('combobox', { name: arPhone.searchCountries })).toHaveFocus();
    await noAxeViolations(element);
  });

  it('the popup fits a 390 px screen under the field', async () => {
    await page.viewport(390, 844);
    const { element } = field({ defaultCountry: 'US' });
    await userEvent.click(page.getByRole('button', { name: /^Country/ }));
    const popup = element.querySelector('.otpkit-country-popup')!.getBoundingClientRect();
    const row = element.querySelector('.otpkit-phone-row')!.getBoundingClientRect();
    expect(popup.top).toBeGreaterThanOrEqual(row.bottom);
    expect(popup.left).toBeGreaterThanOrEqual(0);
    expect(popup.right).toBeLessThanOrEqual(390);
    expect(popup.width).toBeCloseTo(row.width, 0);
    // 44 px touch targets: the button, the number, each option.
    for (const selector of ['.otpkit-country-button', '.otpkit-phone-number', '.otpkit-country-option']) {
      expect(element.querySelector(selector)!.getBoundingClientRect().height).toBeGreaterThanOrEqual(44);
    }
  });
});
