import { createTestBff } from '@otpkit/bff/testing';
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOtpClient } from '../core/client.js';
import { useDelivery } from './use-delivery.js';

const NUMBER = '+14155550123';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs the timers due within `ms` and lets the reads they start settle. */
const pass = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

describe('useDelivery', () => {
  it('reads every few seconds until a final answer, then stops', async () => {
    const bff = createTestBff({ deliveryReports: true });
    const { verificationId } = await createOtpClient({ fetch: bff.fetch }).send({ to: NUMBER });
    const { result } = renderHook(() => useDelivery(verificationId, { fetch: bff.fetch }));
    const reads = () => bff.requests.filter((r) => r.path === 'status').length;
    expect(result.current).toBeNull();
    await pass(2000);
    expect([result.current, reads()]).toEqual(['pending', 1]);
    await bff.report('sent');
    await pass(3000);
    expect([result.current, reads()]).toEqual(['sent', 2]);
    await bff.report('delivered_failed');
    await pass(5000);
    expect([result.current, reads()]).toEqual(['failed', 3]);
    await pass(60_000);
    expect(reads()).toBe(3);
  });

  it('reads once where the server reads no reports (`unknown`), and not at all without an id', async () => {
    const bff = createTestBff();
    const { verificationId } = await createOtpClient({ fetch: bff.fetch }).send({ to: NUMBER });
    const { result, rerender } = renderHook(({ id }) => useDelivery(id, { fetch: bff.fetch }), {
      initialProps: { id: null as string | null },
    });
    await pass(30_000);
    expect(bff.requests.filter((r) => r.path === 'status')).toHaveLength(0);
    rerender({ id: verificationId });
    await pass(30_000);
    expect(result.current).toBe('unknown');
    expect(bff.requests.filter((r) => r.path === 'status')).toHaveLength(1);
  });

  it('keeps reading through network errors, stops on not_found, at `until`, and on unmount', async () => {
    const bff = createTestBff({ deliveryReports: true });
    const { verificationId } = await createOtpClient({ fetch: bff.fetch }).send({ to: NUMBER });
    let offline = true;
    const calls: string[] = [];
    const fetch = (input: string, init: RequestInit) => {
      calls.push(input);
      return offline ? Promise.reject(new TypeError('Failed to fetch')) : bff.fetch(input, init);
    };
    const { result, unmount } = renderHook(() => useDelivery(verificationId, { fetch }));
    await pass(2000 + 3000);
    expect([result.current, calls.length]).toEqual([null, 2]);
    offline = false;
    await pass(5000);
    expect(result.current).toBe('pending');
    unmount();
    await pass(60_000);
    expect(calls).toHaveLength(3);

    const gone = renderHook(() => useDelivery('A'.repeat(22), { fetch: bff.fetch }));
    await pass(60_000);
    expect(gone.result.current).toBeNull();
    expect(
      bff.requests.filter(
        (r) => r.path === 'status' && (r.body as { verificationId: string }).verificationId === 'A'.repeat(22),
      ),
    ).toHaveLength(1);

    // A code already past its expiry: one read, no more.
    const bounded: string[] = [];
    const counted = (input: string, init: RequestInit) => {
      bounded.push(input);
      return bff.fetch(input, init);
    };
    renderHook(() => useDelivery(verificationId, { fetch: counted, until: Date.now() - 1 }));
    await pass(60_000);
    expect(bounded).toHaveLength(1);
  });
});
