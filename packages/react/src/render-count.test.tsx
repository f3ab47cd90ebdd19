// Commit counts, not timings: typing a code must re-render only the OtpInput, and a countdown tick only the
// countdown. React's <Profiler> reports every commit of its subtree; Profilers in one commit share `commitTime`,
// and a child Profiler reports before its parent.
import { writeFileSync } from 'node:fs';
import { createOtpHandler, engagelab } from '@otpkit/bff';
import { createEngageLabSimulator } from '@otpkit/bff/testing';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Profiler, type ProfilerOnRenderCallback } from 'react';
import { afterEach, expect, test, vi } from 'vitest';
import { OtpVerification } from './otp-verification.js';

const probe = vi.hoisted(() => ({
  /** commitTime of each OtpInput commit. */
  inputCommits: [] as number[],
  /** Set when the flow itself rendered the OtpInput element (its parent re-rendered), cleared per commit. */
  flowRendered: false,
}));

// Not a stub: the real OtpInput, wrapped in a Profiler so its commits can be told apart from the rest of the flow.
// The wrapper has no state, so it renders only when the flow does.
vi.mock('./otp-input.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./otp-input.js')>();
  const { createElement, Profiler: P } = await import('react');
  return {
    ...actual,
    OtpInput(props: import('./otp-input.js').OtpInputProps) {
      probe.flowRendered = true;
      return createElement(
        P,
        { id: 'otp-input', onRender: (_id, _phase, _a, _b, _s, commitTime) => probe.inputCommits.push(commitTime) },
        createElement(actual.OtpInput, props),
      );
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
  /** Something besides the OtpInput committed: the flow itself, or a countdown. */
  rest: boolean;
}

const NUMBER = '+14155550123';

test('typing six digits commits only the OtpInput; a countdown tick commits only the countdown', {
  timeout: 20_000,
}, async () => {
  // The clock stands still (only Date is faked), so a countdown's timer finds the same second and React skips
  // the render: nothing ticks while typing unless the test moves the clock.
  vi.useFakeTimers({ toFake: ['Date'] });
  const settle = (done: () => boolean) => waitFor(() => expect(done()).toBe(true));

  const sim = createEngageLabSimulator();
  const handler = createOtpHandler({
    provider: engagelab({ devKey: sim.devKey, devSecret: sim.devSecret, templateId: sim.templateId, fetch: sim.fetch }),
    secret: 'test-secret-test-secret-test-secret-0123',
    logger: { info() {}, warn() {}, error() {} },
  });
  const fetch = (input: string, init: RequestInit) =>
    handler.handle(new Request(new URL(input, 'http://localhost'), init), { clientIp: '127.0.0.1' });

  const commits: Commit[] = [];
  const onRender: ProfilerOnRenderCallback = (_id, _phase, _a, _b, _s, commitTime) => {
    const input = probe.inputCommits.at(-1) === commitTime;
    commits.push({
      status: document.querySelector('.otpkit-flow')?.getAttribute('data-status') ?? null,
      input,
      rest: !input || probe.flowRendered,
    });
    probe.flowRendered = false;
  };
  render(
    <Profiler id="flow" onRender={onRender}>
      <OtpVerification fetch={fetch} defaultTo={NUMBER} />
    </Profiler>,
  );
  const user = userEvent.setup({ delay: null });
  await user.click(screen.getByRole('button', { name: 'Send code' }));
  await settle(() => screen.queryByLabelText('Verification code') !== null);
  const input = screen.getByLabelText('Verification code');
  await settle(() => document.activeElement === input);

  // Typing: count the commits before the one in which the verify starts (the sixth digit completes the code and
  // onComplete starts the verify; that commit re-renders the flow, as it should, to say "Checking the code…").
  commits.length = 0;
  await user.type(input, sim.lastCode(NUMBER)!);
  const start = commits.findIndex((c) => c.status === 'verifying');
  expect(start).toBeGreaterThanOrEqual(0);
  const typing = commits.slice(0, start);
  const inputCommits = typing.filter((c) => c.input).length;
  const restCommits = typing.filter((c) => c.rest).length;
  expect(inputCommits).toBeGreaterThan(0);
  expect(inputCommits).toBeLessThanOrEqual(6);
  expect(restCommits).toBe(0);
  await settle(() => document.querySelector('.otpkit-flow')?.getAttribute('data-status') === 'verified');

  // A tick of a running countdown, on a fresh verification: the input does not commit, nor does the flow.
  cleanup();
  const user2 = userEvent.setup({ delay: null });
  render(
    <Profiler id="flow" onRender={onRender}>
      <OtpVerification fetch={fetch} defaultTo="+14155550124" />
    </Profiler>,
  );
  await user2.click(screen.getByRole('button', { name: 'Send code' }));
  await settle(() => screen.queryByLabelText('Verification code') !== null);
  await settle(() => document.activeElement === screen.getByLabelText('Verification code'));
  commits.length = 0;
  probe.flowRendered = false;
  // Three seconds pass; each countdown's own timer (real, at most a second away) picks them up.
  for (let second = 1; second <= 3; second++) {
    vi.setSystemTime(Date.now() + 1000);
    await new Promise((resolve) => setTimeout(resolve, 1010));
  }
  const tickCommits = commits.length;
  const tickInputCommits = commits.filter((c) => c.input).length;
  const tickFlowRenders = commits.filter((c) => c.input && c.rest).length;
  expect(tickCommits).toBeGreaterThanOrEqual(3);
  expect(tickInputCommits).toBe(0);
  expect(tickFlowRenders).toBe(0);
  expect(screen.getByRole('timer')).toHaveTextContent(/^Code expires in 4:5\d$/);

  // bench/render.mjs reads the figures from here.
  if (process.env.OTPKIT_RENDER_COUNTS) {
    writeFileSync(
      process.env.OTPKIT_RENDER_COUNTS,
      JSON.stringify({ digits: 6, inputCommits, restCommits, tickSeconds: 3, tickCommits, tickInputCommits }),
    );
  }
});
