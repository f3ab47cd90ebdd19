import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { ja } from '../i18n/locales/ja.js';
import { ExpiryCountdown } from './expiry-countdown.js';

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

test('counts down from the deadline and expires once', () => {
  const onExpire = vi.fn();
  const { container } = render(<ExpiryCountdown expiresAt={Date.now() + 299_500} onExpire={onExpire} />);
  const timer = screen.getByRole('timer');
  expect(timer).toHaveTextContent('Code expires in 5:00');
  expect(timer.tagName).toBe('TIME');
  expect(timer).toHaveAttribute('datetime', 'PT300S');
  act(() => vi.advanceTimersByTime(500));
  expect(screen.getByRole('timer')).toHaveTextContent('Code expires in 4:59');
  expect(screen.getByRole('status')).toHaveTextContent('');

  act(() => vi.advanceTimersByTime(299_000));
  expect(screen.queryByRole('timer')).toBeNull();
  expect(screen.getByRole('status')).toHaveTextContent('Code expired. Send a new code.');
  expect(container.firstElementChild).toHaveAttribute('data-state', 'expired');
  act(() => vi.advanceTimersByTime(10_000));
  expect(onExpire).toHaveBeenCalledTimes(1);
  expect(vi.getTimerCount()).toBe(0);
});

test('re-syncs on visibilitychange after a throttled background tab', () => {
  const onExpire = vi.fn();
  render(<ExpiryCountdown expiresAt={Date.now() + 120_000} onExpire={onExpire} />);
  vi.setSystemTime(Date.now() + 100_000);
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
  expect(screen.getByRole('timer')).toHaveTextContent('Code expires in 0:20');
  vi.setSystemTime(Date.now() + 60_000);
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
  expect(screen.getByRole('status')).toHaveTextContent('Code expired.');
  expect(onExpire).toHaveBeenCalledTimes(1);
});

test('a new deadline restarts it', () => {
  const { rerender } = render(<ExpiryCountdown expiresAt={Date.now() - 1} />);
  expect(screen.getByRole('status')).toHaveTextContent('Code expired.');
  rerender(<ExpiryCountdown expiresAt={Date.now() + 60_000} />);
  expect(screen.getByRole('timer')).toHaveTextContent('Code expires in 1:00');
  expect(screen.getByRole('status')).toHaveTextContent('');
});

test('takes its words from messages', () => {
  render(<ExpiryCountdown expiresAt={Date.now() + 61_000} messages={ja} />);
  expect(screen.getByRole('timer')).toHaveTextContent('コードの有効期限まで 1:01');
});
