/// <reference types="vite/client" />
import '../../../examples/demo/src/customise.css';
// The README's "Customise" examples (examples/demo/src/customise.*), rendered in Chromium with styles.css under
// real Tailwind v4: each does what the README says it does.
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { queryClient, ShadcnStyleInput, Shapes, TailwindInput } from '../../../examples/demo/src/customise.js';
import { OtpVerification } from './components/otp-verification.js';
import otpkitCss from './styles.css?inline';
import tailwindCss from './tailwind.test.css?inline';

let root: Root | undefined;
const added: Element[] = [];

function mount(node: React.ReactNode, className = '') {
  for (const css of [tailwindCss, otpkitCss]) {
    const style = document.createElement('style');
    style.textContent = css;
    document.head.append(style);
    added.push(style);
  }
  const host = document.createElement('div');
  host.className = className;
  document.body.append(host);
  added.push(host);
  root = createRoot(host);
  flushSync(() => root?.render(node));
  return host;
}

afterEach(() => {
  root?.unmount();
  for (const element of added.splice(0)) element.remove();
});

it('length, charset and mask', async () => {
  const host = mount(<Shapes />);
  const [pin, recovery, masked] = [...host.querySelectorAll<HTMLElement>('.otpkit')];
  expect(pin?.querySelectorAll('.otpkit-slot')).toHaveLength(4);
  expect(recovery?.querySelector('input')?.inputMode).toBe('text');
  await userEvent.click(masked?.querySelector('input') as HTMLElement);
  await userEvent.keyboard('12');
  expect(masked?.textContent).toBe('••');
});

it('a shadcn-style slot through render: groups, placeholder, fake caret', async () => {
  const host = mount(<ShadcnStyleInput />);
  const slots = [...host.querySelectorAll<HTMLElement>('[data-active]')];
  expect(slots).toHaveLength(6);
  expect(host.querySelectorAll('hr')).toHaveLength(2);
  expect(slots[0]?.className).toContain('rounded-l-md');
  expect(slots[3]?.className).toContain('rounded-l-md');
  expect(slots[0]?.textContent).toBe('○');
  await userEvent.click(host.querySelector('input') as HTMLElement);
  await userEvent.keyboard('4');
  await expect.poll(() => slots[0]?.textContent).toBe('4');
  await expect.poll(() => slots[1]?.querySelector('.animate-caret-blink')).not.toBeNull();
  // Tailwind's utilities apply over the kit's styles: the 36 px slot of `h-9 w-9`.
  expect(Math.round(slots[0]?.getBoundingClientRect().height ?? 0)).toBe(36);
});

it('Tailwind utilities set the tokens and the colour', () => {
  const host = mount(<TailwindInput />);
  const otp = host.querySelector('.otpkit') as HTMLElement;
  expect(getComputedStyle(otp.firstElementChild as Element).columnGap).toBe('4px');
  const active = getComputedStyle(otp).getPropertyValue('--otpkit-accent');
  expect(active).not.toBe('');
  expect(active).not.toContain('#2563eb');
});

it('CSS variables and class names restyle the drop-in', () => {
  const host = mount(<OtpVerification fetch={() => new Promise(() => {})} />, 'checkout');
  const flow = host.querySelector('.otpkit-flow') as HTMLElement;
  expect(getComputedStyle(flow).borderTopLeftRadius).toBe('0px');
  expect(getComputedStyle(flow).fontFamily).toContain('Georgia');
  expect(getComputedStyle(host.querySelector('.otpkit-send') as Element).backgroundColor).toBe('rgb(219, 39, 119)');
  expect(getComputedStyle(host.querySelector('.otpkit-slot') as Element).borderTopWidth).toBe('0px');
});

it("a global MutationCache onError skips the kit's mutations", () => {
  expect(queryClient.getMutationCache().config.onError).toBeTypeOf('function');
});
