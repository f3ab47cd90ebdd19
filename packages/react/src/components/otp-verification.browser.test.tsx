import '../styles.css';
// Every state of the drop-in in real Chromium (React 19, and React 18.3 in the react18 project), driven with the
// keyboard only against the real BFF handler (EngageLab simulator at the provider's edge): where focus lands, what
// the live region says, axe in light, dark and forced colours, 390 and 1280 px and 200 % zoom, the card's height,
// and a screenshot of each state in test-results/flow/ (gitignored).
import type { OtpHandlerOptions } from '@otpkit/bff';
import { unimtx } from '@otpkit/bff';
import { createTestBff, createUnimtxSimulator, type TestBff } from '@otpkit/bff/testing';
import axe from 'axe-core';
import { version } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cdp, page, userEvent } from 'vitest/browser';
import { OtpVerification, type OtpVerificationProps } from './otp-verification.js';

const NUMBER = '+14155550123';
const SHOTS = '../../../../test-results/flow';
const isReact19 = version.startsWith('19');

let root: Root | undefined;
let host: HTMLDivElement | undefined;

/** A hold on the next request to `route`: the flow sits in sending / verifying until `release()`. */
function holdable(bff: TestBff) {
  const held: { route?: string; release?: () => void } = {};
  const fetch = async (input: string, init?: RequestInit) => {
    if (held.route && input.endsWith(`/${held.route}`)) {
      held.route = undefined;
      await new Promise<void>((resolve) => {
        held.release = resolve;
      });
    }
    return bff.fetch(input, init);
  };
  return { fetch, hold: (route: string) => Object.assign(held, { route }), release: () => held.release?.() };
}

function mount(props: Partial<OtpVerificationProps>, handler?: Partial<OtpHandlerOptions>, theme?: 'dark') {
  const bff = createTestBff({ handler });
  const held = holdable(bff);
  host = document.createElement('div');
  // The usual auth page: the card centred in a flex column.
  host.style.cssText =
    'display:flex;justify-content:center;align-items:center;min-height:100vh;padding:16px;box-sizing:border-box';
  if (theme) {
    host.dataset.theme = theme;
    host.style.background = '#030712';
  }
  document.body.style.margin = '0';
  document.body.append(host);
  // Every text the flow's live region takes, in order (one per change).
  const announced: string[] = [];
  root = createRoot(host);
  flushSync(() =>
    root?.render(<OtpVerification fetch={held.fetch} defaultTo={NUMBER} onVerified={() => {}} {...props} />),
  );
  const flow = host.querySelector('.otpkit-flow') as HTMLElement;
  const live = [...flow.querySelectorAll('[role=status]')].at(-1) as HTMLElement;
  new MutationObserver(() => {
    if (live.textContent) announced.push(live.textContent);
  }).observe(live, { childList: true, subtree: true, characterData: true });
  return { bff, flow, announced, ...held };
}

afterEach(() => {
  root?.unmount();
  host?.remove();
  document.documentElement.style.zoom = '';
});

const status = (flow: HTMLElement) => flow.getAttribute('data-status');
const until = (flow: HTMLElement, s: string) => expect.poll(() => status(flow), { timeout: 5000 }).toBe(s);
const wrongOf = (code: string) => (code === '000000' ? '111111' : '000000');

/** What must hold in every state: focus on something in the card (never <body>), no axe violation. */
async function check(flow: HTMLElement, name: string) {
  // Colour transitions finished: axe measures contrast as painted.
  await expect.poll(() => document.getAnimations().filter((a) => a instanceof CSSTransition).length).toBe(0);
  await expect.poll(() => document.activeElement !== document.body && flow.contains(document.activeElement)).toBe(true);
  const { violations } = await axe.run(flow);
  expect(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`),
    name,
  ).toEqual([]);
  const box = flow.getBoundingClientRect();
  // Never wider than the viewport (the card shrinks in the flex layout), nothing scrolls sideways.
  expect(box.left, name).toBeGreaterThanOrEqual(0);
  expect(box.right, name).toBeLessThanOrEqual(document.documentElement.clientWidth + 0.5);
  expect(document.documentElement.scrollWidth, name).toBeLessThanOrEqual(document.documentElement.clientWidth);
  return box.height;
}

/** Each state, reached with the keyboard only. Returns the flow in that state. */
const STATES: Record<
  string,
  {
    props?: Partial<OtpVerificationProps>;
    handler?: Partial<OtpHandlerOptions>;
    drive: (m: ReturnType<typeof mount>) => Promise<void>;
  }
> = {
  'number entry': {
    drive: async () => {
      await userEvent.keyboard('{Tab}');
    },
  },
  'bad number': {
    props: { defaultTo: '' },
    drive: async ({ flow }) => {
      await userEvent.keyboard('{Tab}4155550123{Enter}');
      await expect.poll(() => flow.querySelector('.otpkit-message')?.textContent).toContain('country code');
    },
  },
  sending: {
    drive: async ({ flow, hold }) => {
      hold('send');
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'sending');
    },
  },
  'code sent': {
    drive: async ({ flow }) => {
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'code_sent');
    },
  },
  'wrong code': {
    drive: async ({ flow, bff }) => {
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'code_sent');
      await expect.poll(() => document.activeElement?.className).toBe('otpkit-input');
      await userEvent.keyboard(wrongOf(bff.sim.lastCode(NUMBER) ?? ''));
      await until(flow, 'invalid_code');
    },
  },
  verifying: {
    drive: async ({ flow, bff, hold }) => {
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'code_sent');
      hold('verify');
      await userEvent.keyboard(bff.sim.lastCode(NUMBER) ?? '');
      await until(flow, 'verifying');
    },
  },
  verified: {
    drive: async ({ flow, bff }) => {
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'code_sent');
      await userEvent.keyboard(bff.sim.lastCode(NUMBER) ?? '');
      await until(flow, 'verified');
    },
  },
  expired: {
    drive: async ({ flow, bff }) => {
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'code_sent');
      bff.clock.advance(301_000);
      await userEvent.keyboard(bff.sim.lastCode(NUMBER) ?? '');
      await until(flow, 'expired');
    },
  },
  'already used': {
    drive: async ({ flow, bff }) => {
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'code_sent');
      const code = bff.sim.lastCode(NUMBER) ?? '';
      await bff.fetch('/api/otp/verify', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ verificationId: bff.lastVerificationId(), code }),
      });
      await userEvent.keyboard(code);
      await until(flow, 'already_verified');
    },
  },
  'locked out': {
    handler: { maxAttempts: 1 },
    drive: async ({ flow, bff }) => {
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'code_sent');
      await userEvent.keyboard(wrongOf(bff.sim.lastCode(NUMBER) ?? ''));
      await until(flow, 'too_many_attempts');
    },
  },
  'rate limited': {
    drive: async ({ flow, bff }) => {
      await bff.fetch('/api/otp/send', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: NUMBER }),
      });
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'rate_limited');
    },
  },
  'provider unavailable': {
    drive: async ({ flow, bff }) => {
      bff.sim.inject('http500');
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'error');
    },
  },
  'verify failed, try again': {
    drive: async ({ flow, bff }) => {
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'code_sent');
      bff.sim.inject('http500', { path: '/v1/verifications' });
      await userEvent.keyboard(bff.sim.lastCode(NUMBER) ?? '');
      await until(flow, 'error');
    },
  },
  'e-mail code sent': {
    props: { recipient: 'email', defaultTo: 'jane.doe@example.com' },
    handler: { allowEmail: true },
    drive: async ({ flow }) => {
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'code_sent');
    },
  },
};

beforeAll(async () => {
  await page.viewport(1280, 800);
});

describe(`the drop-in in Chromium, React ${version}: every state`, () => {
  const heights: Record<string, Record<string, number>> = {};
  for (const [name, state] of Object.entries(STATES)) {
    it(name, async () => {
      const slug = name.replace(/\W+/g, '-');
      for (const width of [390, 1280]) {
        for (const theme of [undefined, 'dark'] as const) {
          await page.viewport(width, 800);
          const m = mount(state.props ?? {}, state.handler, theme);
          await state.drive(m);
          const height = await check(m.flow, `${name} ${width} ${theme ?? 'light'}`);
          // biome-ignore lint/suspicious/noAssignInExpressions: collect per layout
          (heights[`${width} ${theme ?? 'light'}`] ??= {})[name] = Math.round(height);
          // Never "star star star", never the same text twice in a row.
          expect(m.announced.join(' ')).not.toContain('*');
          expect(m.announced.filter((text, i) => text === m.announced[i - 1])).toEqual([]);
          if (isReact19) await page.screenshot({ path: `${SHOTS}/${slug}--${width}--${theme ?? 'light'}.png` });
          m.release();
          root?.unmount();
          host?.remove();
        }
      }
    });
  }

  it('keeps one card height across all those states (±4 px per width and theme)', () => {
    expect(Object.keys(heights)).toHaveLength(4);
    for (const [layout, byState] of Object.entries(heights)) {
      // (The e-mail flow is another configuration, with its own text: compared with itself only.)
      const list = Object.entries(byState).flatMap(([state, h]) => (state.startsWith('e-mail') ? [] : [h]));
      expect(list).toHaveLength(Object.keys(STATES).length - 1);
      expect(Math.max(...list) - Math.min(...list), `${layout}: ${JSON.stringify(byState)}`).toBeLessThanOrEqual(4);
    }
  });
});

describe(`the drop-in in Chromium, React ${version}: behaviour`, () => {
  it('keyboard only: number, code, verified; focus moves with each step; one announcement per change', async () => {
    await page.viewport(390, 800);
    const { flow, bff, announced } = mount({});
    await userEvent.keyboard('{Tab}');
    expect(document.activeElement?.getAttribute('type')).toBe('tel');
    await userEvent.keyboard('{Tab}{Enter}');
    await until(flow, 'code_sent');
    const code = flow.querySelector('.otpkit-input') as HTMLInputElement;
    expect(document.activeElement).toBe(code);
    // The code field has a visible label, and its description is the message under it once there is one.
    expect(flow.querySelector(`label[for="${code.id}"]`)?.textContent).toBe('Verification code');
    await userEvent.keyboard(wrongOf(bff.sim.lastCode(NUMBER) ?? ''));
    await until(flow, 'invalid_code');
    const describedBy = code.getAttribute('aria-describedby') as string;
    expect(document.getElementById(describedBy)?.textContent).toBe('Wrong code. 4 attempts left.');
    expect(code.getAttribute('aria-invalid')).toBe('true');
    // Editing clears the error: no red slots for digits not yet checked, no stale message.
    await userEvent.keyboard('1');
    await expect.poll(() => code.getAttribute('aria-invalid')).toBe(null);
    expect(flow.querySelectorAll('.otpkit-slot[data-invalid]')).toHaveLength(0);
    expect(code.getAttribute('aria-describedby')).toBe(null);
    await userEvent.keyboard('{Backspace}');
    await userEvent.keyboard(bff.sim.lastCode(NUMBER) ?? '');
    await until(flow, 'verified');
    expect(document.activeElement?.textContent).toBe('Verified');
    expect(announced).toEqual([
      expect.stringMatching(/^We sent a code to \+1( \d)* …( \d)+ by SMS\.$/),
      'Checking the code…',
      'Wrong code. 4 attempts left.',
      'Checking the code…',
      'Verified.',
    ]);
  });

  it('change number, then the same number: back to the open code, no second message', async () => {
    const { flow, bff } = mount({});
    await userEvent.keyboard('{Tab}{Tab}{Enter}');
    await until(flow, 'code_sent');
    await userEvent.keyboard('{Shift>}{Tab}{/Shift}');
    expect(document.activeElement?.textContent).toBe('Change number');
    await userEvent.keyboard('{Enter}');
    await until(flow, 'idle');
    expect(document.activeElement?.getAttribute('type')).toBe('tel');
    await userEvent.keyboard('{Tab}{Enter}');
    await until(flow, 'code_sent');
    expect(bff.sim.messages).toHaveLength(1);
    await userEvent.keyboard(bff.sim.lastCode(NUMBER) ?? '');
    await until(flow, 'verified');
  });

  it('locked, expired and used codes get a working "Send a new code" (focused), and a failed verify "Try again"', async () => {
    const { flow, bff } = mount({}, { maxAttempts: 1 });
    await userEvent.keyboard('{Tab}{Tab}{Enter}');
    await until(flow, 'code_sent');
    await userEvent.keyboard(wrongOf(bff.sim.lastCode(NUMBER) ?? ''));
    await until(flow, 'too_many_attempts');
    expect(document.activeElement?.textContent).toBe('Send a new code');
    bff.clock.advance(301_000); // EngageLab refuses a second code while the first is valid
    await userEvent.keyboard('{Enter}');
    await until(flow, 'code_sent');
    expect(bff.sim.messages).toHaveLength(2);
    root?.unmount();
    host?.remove();

    // A verify that failed on the way: "Try again" (focused) sends the same code again, no digit to edit.
    const second = mount({});
    await userEvent.keyboard('{Tab}{Tab}{Enter}');
    await until(second.flow, 'code_sent');
    second.bff.sim.inject('http500', { path: '/v1/verifications' });
    await userEvent.keyboard(second.bff.sim.lastCode(NUMBER) ?? '');
    await until(second.flow, 'error');
    expect(document.activeElement?.textContent).toBe('Try again');
    await userEvent.keyboard('{Enter}');
    await until(second.flow, 'verified');
  });

  it('e-mail: its own title, label and field type, end to end with the BFF', async () => {
    const { flow, bff } = mount({ recipient: 'email', defaultTo: '' }, { allowEmail: true });
    expect(flow.querySelector('h2')?.textContent).toBe('Verify your email address');
    await userEvent.keyboard('{Tab}');
    expect(document.activeElement?.getAttribute('type')).toBe('email');
    await userEvent.keyboard('Jane.Doe@Example.com{Enter}');
    await until(flow, 'code_sent');
    expect(flow.querySelector('.otpkit-sent')?.textContent).toContain('by email.');
    expect(flow.querySelector('.otpkit-change')?.textContent).toBe('Change email');
    await userEvent.keyboard(
      bff.sim.lastCode('jane.doe@example.com') ?? bff.sim.lastCode('Jane.Doe@Example.com') ?? '',
    );
    await until(flow, 'verified');
  });

  it('"Send by WhatsApp" once a resend is allowed (UniMTX maps it); a channel the server lacks is refused in words', async () => {
    const sim = createUnimtxSimulator();
    const { flow } = mount(
      { channels: ['whatsapp', 'email'] },
      { provider: unimtx(sim.providerOptions), resendCooldownSeconds: 1 },
    );
    await userEvent.keyboard('{Tab}{Tab}{Enter}');
    await until(flow, 'code_sent');
    const button = (label: string) =>
      [...flow.querySelectorAll('button')].find((b) => b.textContent === label) as HTMLButtonElement;
    // Cooling down with the resend button: not yet.
    expect(button('Send by WhatsApp').disabled).toBe(true);
    await expect.poll(() => button('Send by WhatsApp').disabled, { timeout: 3000 }).toBe(false);
    button('Send by WhatsApp').focus();
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => sim.messages.map((m) => m.requestedChannel)).toEqual(['auto', 'whatsapp']);
    await until(flow, 'code_sent');
    expect(flow.querySelector('.otpkit-sent')?.textContent).toContain('by WhatsApp');
    // E-mail is no channel for a phone number: the contract's 422, in words next to the code.
    await expect.poll(() => button('Send by email').disabled, { timeout: 3000 }).toBe(false);
    button('Send by email').focus();
    await userEvent.keyboard('{Enter}');
    await expect
      .poll(() => flow.querySelector('.otpkit-step-code .otpkit-message')?.textContent)
      .toBe('That option is not available here. Try another way.');
    expect(sim.messages).toHaveLength(2);
  });

  it('one clock at a time: the expiry line is hidden while the resend button counts down', async () => {
    const { flow } = mount({}, { resendCooldownSeconds: 60 });
    await userEvent.keyboard('{Tab}{Tab}{Enter}');
    await until(flow, 'code_sent');
    const visible = [...flow.querySelectorAll('[role=timer], .otpkit-resend')].filter(
      (el) => getComputedStyle(el).visibility === 'visible' && /\d:\d\d/.test(el.textContent ?? ''),
    );
    expect(visible.map((el) => el.className || el.getAttribute('role'))).toEqual(['otpkit-resend']);
  });

  it('theme: light on a light page even when the OS is dark; dark under data-theme="dark" or color-scheme: dark', async () => {
    await cdp().send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value: 'dark' }] });
    try {
      const light = mount({});
      expect(getComputedStyle(light.flow).backgroundColor).toBe('rgb(255, 255, 255)');
      root?.unmount();
      host?.remove();
      const dark = mount({}, undefined, 'dark');
      expect(getComputedStyle(dark.flow).backgroundColor).toBe('rgb(17, 24, 39)');
      root?.unmount();
      host?.remove();
      document.documentElement.style.colorScheme = 'light dark'; // the page asks to follow the OS
      const auto = mount({});
      expect(getComputedStyle(auto.flow).backgroundColor).toBe('rgb(17, 24, 39)');
    } finally {
      document.documentElement.style.colorScheme = '';
      await cdp().send('Emulation.setEmulatedMedia', { features: [] });
    }
  });

  it('forced colours: axe passes, the real input stays invisible, the active slot keeps an outline', async () => {
    await cdp().send('Emulation.setEmulatedMedia', { features: [{ name: 'forced-colors', value: 'active' }] });
    try {
      expect(matchMedia('(forced-colors: active)').matches).toBe(true);
      const { flow, bff } = mount({});
      await userEvent.keyboard('{Tab}{Tab}{Enter}');
      await until(flow, 'code_sent');
      await userEvent.keyboard(wrongOf(bff.sim.lastCode(NUMBER) ?? '').slice(0, 3));
      await check(flow, 'forced colours');
      const input = flow.querySelector('.otpkit-input') as HTMLElement;
      expect(getComputedStyle(input).color).toBe('rgba(0, 0, 0, 0)');
      const active = flow.querySelector('.otpkit-slot[data-active]') as HTMLElement;
      expect(getComputedStyle(active).outlineStyle).toBe('solid');
      if (isReact19) await page.screenshot({ path: `${SHOTS}/forced-colors--code.png` });
    } finally {
      await cdp().send('Emulation.setEmulatedMedia', { features: [] });
    }
  });

  it('200 % zoom: the card and its message fit, nothing scrolls sideways', async () => {
    await page.viewport(640, 800);
    document.documentElement.style.zoom = '2';
    const { flow, bff } = mount({});
    await userEvent.keyboard('{Tab}{Tab}{Enter}');
    await until(flow, 'code_sent');
    await userEvent.keyboard(wrongOf(bff.sim.lastCode(NUMBER) ?? ''));
    await until(flow, 'invalid_code');
    await check(flow, 'zoom 200%');
    // The error sits right under the slots, not a screen away.
    const slots = (flow.querySelector('.otpkit-step-code .otpkit') as HTMLElement).getBoundingClientRect();
    const message = (flow.querySelector('.otpkit-step-code .otpkit-message') as HTMLElement).getBoundingClientRect();
    expect(message.top - slots.bottom).toBeLessThan(40);
    if (isReact19) await page.screenshot({ path: `${SHOTS}/zoom-200--wrong-code.png` });
  });

  it('320 px: the card shrinks in the centred flex layout', async () => {
    await page.viewport(320, 700);
    const { flow } = mount({});
    await userEvent.keyboard('{Tab}{Tab}{Enter}');
    await until(flow, 'code_sent');
    await check(flow, '320');
    const slots = [...flow.querySelectorAll('.otpkit-step-code .otpkit-slot')].map((s) => s.getBoundingClientRect());
    expect(slots.at(-1)?.right).toBeLessThanOrEqual(flow.getBoundingClientRect().right);
    if (isReact19) await page.screenshot({ path: `${SHOTS}/code-sent--320.png` });
  });
});
