import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeStore, makeRecord } from './conformance.js';
import { memoryStore } from './memory.js';

describeStore('memoryStore', () => memoryStore());

describe('memoryStore sweep', () => {
  const SWEEP = 1000;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  // The sweep is observed through a call with an EARLIER `now`: a record that is still in the map is live at that
  // time, one the sweep dropped is gone.
  it('drops what is expired at the latest `now` the store was given', async () => {
    const t0 = 1_700_000_000_000;
    const store = memoryStore({ sweepIntervalMs: SWEEP });
    const swept = makeRecord({ createdAt: t0 });
    const kept = makeRecord({ createdAt: t0 });
    await store.create({ record: swept, ttlMs: 10_000, now: t0 });
    await store.create({ record: kept, ttlMs: 60_000, now: t0 });
    await store.take({ rules: [{ key: 'short', limit: 5, windowMs: 10_000 }], now: t0 });
    await store.take({ rules: [{ key: 'long', limit: 5, windowMs: 60_000 }], now: t0 });
    // The latest call is at t0 + 30 s; nothing has swept yet, so at t0 everything is still there.
    expect(await store.hits({ key: 'short', now: t0 + 30_000 })).toBe(0);
    expect(await store.get({ id: swept.id, now: t0 })).toEqual(swept);
    await store.hits({ key: 'none', now: t0 + 30_000 });
    vi.advanceTimersByTime(SWEEP);
    expect(await store.get({ id: swept.id, now: t0 })).toBeNull();
    expect(await store.get({ id: kept.id, now: t0 })).toEqual(kept);
    expect(await store.hits({ key: 'long', now: t0 })).toBe(1);
  });

  it('never sweeps a live record because real time is ahead of the test clock', async () => {
    const past = Date.now() - 7 * 24 * 3600_000;
    const store = memoryStore({ sweepIntervalMs: SWEEP });
    const record = makeRecord({ createdAt: past });
    await store.create({ record, ttlMs: 60_000, now: past });
    await store.take({ rules: [{ key: 'k', limit: 1, windowMs: 60_000 }], now: past });
    vi.advanceTimersByTime(10 * SWEEP);
    expect(await store.get({ id: record.id, now: past + 59_999 })).toEqual(record);
    expect(await store.hits({ key: 'k', now: past + 59_999 })).toBe(1);
  });

  it('holds a timer only while something can expire', async () => {
    const t0 = 1_700_000_000_000;
    const store = memoryStore({ sweepIntervalMs: SWEEP });
    expect(vi.getTimerCount()).toBe(0);
    await store.create({ record: makeRecord({ createdAt: t0 }), ttlMs: 10_000, now: t0 });
    await store.take({ rules: [{ key: 'f', limit: 5, windowMs: 10_000 }], now: t0 });
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(SWEEP);
    expect(vi.getTimerCount()).toBe(1);
    await store.get({ id: 'x', now: t0 + 10_000 });
    vi.advanceTimersByTime(SWEEP);
    expect(vi.getTimerCount()).toBe(0);
  });
});
