/// <reference types="vite/client" />
// styles.css sits in a cascade layer (`components.otpkit`): Tailwind v4's utilities and any unlayered rule of the app
// override it, whichever of the two stylesheets loads first. Real Tailwind v4 (its Vite plugin compiles
// tailwind.test.css), real Chromium.
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { OtpInput } from './components/otp-input.js';
import { OtpVerification } from './components/otp-verification.js';
import otpkitCss from './styles.css?inline';
import tailwindCss from './tailwind.test.css?inline';

let root: Root | undefined;
const added: Element[] = [];

function stylesheets(...sheets: string[]) {
  for (const css of sheets) {
    const style = document.createElement('style');
    style.textContent = css;
    document.head.append(style);
    added.push(style);
  }
}

function mount(node: React.ReactNode) {
  const host = document.createElement('div');
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

const orders = {
  'styles.css loaded before Tailwind': () => stylesheets(otpkitCss, tailwindCss),
  'styles.css loaded after Tailwind': () => stylesheets(tailwindCss, otpkitCss),
};

describe.each(Object.entries(orders))('%s', (_, load) => {
  it('Tailwind utilities on the OtpInput root win over the kit', () => {
    load();
    const host = mount(<OtpInput className="[--otpkit-gap:0px] text-red-600" defaultValue="12" />);
    const otp = host.querySelector('.otpkit') as HTMLElement;
    expect(getComputedStyle(otp.firstElementChild as Element).columnGap).toBe('0px');
    // text-red-600 (an oklch colour), not the kit's --otpkit-fg #111827.
    expect(getComputedStyle(otp).color).not.toBe('rgb(17, 24, 39)');
    expect(getComputedStyle(otp).color).toMatch(/^oklch|^rgb\(2\d\d,/);
  });

  it("Tailwind utilities restyle the drop-in's parts, and its preflight does not undo the kit's buttons", () => {
    load();
    const host = mount(<OtpVerification className="rounded-none p-2" fetch={() => new Promise(() => {})} />);
    const flow = host.querySelector('.otpkit-flow') as HTMLElement;
    expect(getComputedStyle(flow).borderTopLeftRadius).toBe('0px');
    expect(getComputedStyle(flow).paddingTop).toBe('8px');
    // Preflight (`@layer base`) resets button backgrounds; the kit's layer comes after it.
    const send = host.querySelector('.otpkit-send') as HTMLElement;
    expect(getComputedStyle(send).backgroundColor).toBe('rgb(37, 99, 235)');
  });

  it("an app's unlayered rule wins over the kit's without !important or extra specificity", () => {
    load();
    stylesheets('.otpkit-slot { border-radius: 0 }');
    const host = mount(<OtpInput />);
    expect(getComputedStyle(host.querySelector('.otpkit-slot') as Element).borderTopLeftRadius).toBe('0px');
  });
});
