import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { ResendButton } from './resend-button.js';

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

test('counts down from the deadline, disabled while cooling, then enabled', () => {
  const onResend = vi.fn();
  render(<ResendButton resendAt={Date.now() + 27_000} onResend={onResend} />);
  const button = screen.getByRole('button');
  expect(button).toHaveTextContent('Resend code in 0:27');
  expect(button).toBeDisabled();
  expect(button).toHaveAttribute('data-state', 'cooling');
  fireEvent.click(button);
  expect(onResend).not.toHaveBeenCalled();

  act(() => vi.advanceTimersByTime(1000));
  expect(button).toHaveTextContent('Resend code in 0:26');
  act(() => vi.advanceTimersByTime(26_000));
  expect(button).toHaveTextContent(/^Resend code$/);
  expect(button).toBeEnabled();
  fireEvent.click(button);
  expect(onResend).toHaveBeenCalledTimes(1);
});

test('announces once, when it becomes available, not on every tick', () => {
  render(<ResendButton resendAt={Date.now() + 3_000} onResend={() => {}} />);
  const status = screen.getByRole('status');
  const seen: string[] = [];
  for (let i = 0; i < 5; i++) {
    act(() => vi.advanceTimersByTime(1000));
    seen.push(status.textContent ?? '');
  }
  // Silent while counting (0:02, 0:01), the message once at 0, and no repeat afterwards.
  expect(seen).toEqual([
    '',
    '',
    'You can resend the code now.',
    'You can resend the code now.',
    'You can resend the code now.',
  ]);
  // The ticking text is the button's, never the live region's.
  expect(screen.getByRole('button')).not.toHaveAttribute('aria-live');
});

test('says nothing when it is available from the start', () => {
  render(<ResendButton resendAt={Date.now() - 1} onResend={() => {}} />);
  act(() => vi.advanceTimersByTime(5000));
  expect(screen.getByRole('status')).toHaveTextContent('');
  expect(screen.getByRole('button')).toBeEnabled();
});

test('a throttled timer still shows the right time: the deadline, not a decrement, decides', () => {
  render(<ResendButton resendAt={Date.now() + 60_000} onResend={() => {}} />);
  // A background tab: the clock moves 40 s while no timer fires, then the tab becomes visible again.
  vi.setSystemTime(Date.now() + 40_000);
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
  expect(screen.getByRole('button')).toHaveTextContent('Resend code in 0:20');
});

test('shows the rate-limited wait from retryAt when it is the longer one', () => {
  render(<ResendButton resendAt={Date.now() - 1} retryAt={Date.now() + 90_000} onResend={() => {}} />);
  const button = screen.getByRole('button');
  expect(button).toHaveTextContent('Try again in 1:30');
  expect(button).toHaveAttribute('data-state', 'rate-limited');
  expect(button).toBeDisabled();
  act(() => vi.advanceTimersByTime(90_000));
  expect(button).toBeEnabled();
});

test('messages, disabled (aria-disabled: focus stays, clicks do nothing) and the render override', async () => {
  const onResend = vi.fn();
  const { rerender } = render(
    <ResendButton resendAt={Date.now() + 5_000} onResend={() => {}} messages={{ resendIn: (t) => `Encore ${t}` }} />,
  );
  expect(screen.getByRole('button')).toHaveTextContent('Encore 0:05');
  rerender(
    <ResendButton resendAt={null} onResend={onResend} disabled>
      {({ label, secondsLeft }) => `${label} (${secondsLeft})`}
    </ResendButton>,
  );
  const button = screen.getByRole('button');
  expect(button).toHaveTextContent('Resend code (0)');
  expect(button).toHaveAttribute('aria-disabled', 'true');
  button.focus();
  act(() => button.click());
  expect(onResend).not.toHaveBeenCalled();
  expect(document.activeElement).toBe(button);
});

test('leaves no timer behind on unmount, mid-countdown', () => {
  const { unmount } = render(<ResendButton resendAt={Date.now() + 30_000} onResend={() => {}} />);
  act(() => vi.advanceTimersByTime(10_000));
  expect(screen.getByRole('button')).toHaveTextContent('Resend code in 0:20');
  unmount();
  expect(vi.getTimerCount()).toBe(0);
});
