// Commit counts, not timings: typing a code must re-render only the OtpInput, and a countdown tick only the
// countdown. React's <Profiler> reports every commit of its subtree; Profilers in one commit share `commitTime`,
// and a child Profiler reports before its parent. bench/render.mjs reads the figures from this test's meta (the
// JSON reporter's `meta.renderCounts`).

import { createTestBff } from '@otpkit/bff/testing';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Profiler, type ProfilerOnRenderCallback } from 'react';
import { afterEach, expect, test, vi } from 'vitest';
import { OtpVerification } from './otp-verification.js';

declare module 'vitest' {
  interface TaskMeta {
    renderCounts?: Record<string, number>;
  }
}

const probe = vi.hoisted(() => {
  const probe = {
    /** commitTime of each OtpInput commit. */
    inputCommits: [] as number[],
    /** commitTime of each ExpiryCountdown / ResendButton commit. */
    countdownCommits: [] as number[],
    /** Set when the flow's own body rendered (it called its hook), cleared per commit. */
    flowRendered: false,
    /** The module's components, each wrapped in a Profiler that notes its commits in `probe[into]`. Not stubs:
     * the real components; the wrappers have no state, so they render only when the flow does. */
    async profiled(actual: Record<string, unknown>, into: 'inputCommits' | 'countdownCommits') {
      const { createElement, Profiler } = await import('react');
      const wrapped = Object.entries(actual).map(([name, value]) => [
        name,
        // A component: a function, or the object forwardRef makes (OtpInput; its ref travels in props on React 19).
        (typeof value === 'function' || (typeof value === 'object' && value !== null && '$$typeof' in value)) &&
        /^[A-Z]/.test(name)
          ? (props: object) =>
              createElement(
                Profiler,
                { id: name, onRender: (_id, _phase, _a, _b, _s, commitTime) => probe[into].push(commitTime) },
                createElement(value as (props: object) => null, props),
              )
          : value,
      ]);
      return Object.fromEntries(wrapped);
    },
  };
  return probe;
});

vi.mock('./otp-input.js', async (importOriginal) => probe.profiled(await importOriginal(), 'inputCommits'));
vi.mock('./expiry-countdown.js', async (importOriginal) => probe.profiled(await importOriginal(), 'countdownCommits'));
vi.mock('./resend-button.js', async (importOriginal) => probe.profiled(await importOriginal(), 'countdownCommits'));
// The flow calls its hook once per render of its own body.
vi.mock('../hooks/use-otp-verification.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../hooks/use-otp-verification.js')>();
  return {
    ...actual,
    useOtpVerification: (options: import('../hooks/use-otp-verification.js').UseOtpVerificationOptions) => {
      probe.flowRendered = true;
      return actual.useOtpVerification(options);
    },
  };
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

interface Commit {
  status: string | null;
  input: boolean;
  countdown: boolean;
  /** The flow's own body rendered in this commit. */
  flow: boolean;
}

const NUMBER = '+14155550123';

test('typing six digits commits only the OtpInput; a countdown tick commits only the countdown', async ({ task }) => {
  // The clock stands still (only Date is faked), so a countdown's timer finds the same second and React skips the
  // render: nothing ticks while typing unless the test moves the clock.
  vi.useFakeTimers({ toFake: ['Date'] });
  const settle = (done: () => boolean) => waitFor(() => expect(done()).toBe(true));
  const bff = createTestBff();

  const commits: Commit[] = [];
  const onRender: ProfilerOnRenderCallback = (_id, _phase, _a, _b, _s, commitTime) => {
    commits.push({
      status: document.querySelector('.otpkit-flow')?.getAttribute('data-status') ?? null,
      input: probe.inputCommits.at(-1) === commitTime,
      countdown: probe.countdownCommits.at(-1) === commitTime,
      flow: probe.flowRendered,
    });
    probe.flowRendered = false;
  };
  const flow = (to: string) => (
    <Profiler id="flow" onRender={onRender}>
      <OtpVerification fetch={bff.fetch} defaultTo={to} />
    </Profiler>
  );
  render(flow(NUMBER));
  const user = userEvent.setup({ delay: null });
  await user.click(screen.getByRole('button', { name: 'Send code' }));
  await settle(() => screen.queryByLabelText('Verification code') !== null);
  const input = screen.getByLabelText('Verification code');
  await settle(() => document.activeElement === input);

  // Typing: count the commits before the one in which the verify starts (the sixth digit completes the code and
  // onComplete starts the verify; that commit re-renders the flow, as it should, to say "Checking the code…").
  commits.length = 0;
  await user.type(input, bff.sim.lastCode(NUMBER)!);
  const start = commits.findIndex((c) => c.status === 'verifying');
  expect(start).toBeGreaterThanOrEqual(0);
  const typing = commits.slice(0, start);
  const inputCommits = typing.filter((c) => c.input).length;
  const restCommits = typing.filter((c) => !c.input || c.flow).length;
  expect(inputCommits).toBeGreaterThan(0);
  expect(inputCommits).toBeLessThanOrEqual(6);
  expect(restCommits).toBe(0);
  await settle(() => document.querySelector('.otpkit-flow')?.getAttribute('data-status') === 'verified');

  // A tick of a running countdown, on a fresh verification: only the countdowns commit, never the flow's body
  // nor the input.
  cleanup();
  render(flow('+14155550124'));
  await user.click(screen.getByRole('button', { name: 'Send code' }));
  await settle(() => screen.queryByLabelText('Verification code') !== null);
  await settle(() => document.activeElement === screen.getByLabelText('Verification code'));
  expect(screen.getByRole('timer')).toHaveTextContent('Code expires in 5:00');
  // The tick window runs on fake timers as well, so the countdowns' own timers fire when the test moves the clock,
  // with no real wait. (Only here: Testing Library's waitFor and user-event drain on a real setTimeout.) The
  // countdowns re-arm their timers on visibilitychange; the second is unchanged, so that renders nothing.
  const frozen = Date.now();
  vi.useRealTimers();
  vi.useFakeTimers({ now: frozen, toFake: ['Date', 'setTimeout', 'clearTimeout'], shouldClearNativeTimers: true });
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
  commits.length = 0;
  probe.flowRendered = false;
  for (let second = 1; second <= 3; second++) await act(() => vi.advanceTimersByTimeAsync(1000));
  expect(screen.getByRole('timer')).toHaveTextContent('Code expires in 4:57');
  const tickCommits = commits.length;
  const tickInputCommits = commits.filter((c) => c.input).length;
  expect(tickCommits).toBeGreaterThanOrEqual(3);
  expect(commits.filter((c) => c.flow)).toEqual([]);
  expect(commits.filter((c) => !c.countdown)).toEqual([]);
  expect(tickInputCommits).toBe(0);

  task.meta.renderCounts = { digits: 6, inputCommits, restCommits, tickSeconds: 3, tickCommits, tickInputCommits };
});
