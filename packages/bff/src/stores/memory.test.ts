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

describe('memoryStore cap', () => {
  const t0 = 1_700_000_000_000;

  it('makes room from expired, then verified records; never evicts an open one, and refuses instead', async () => {
    const store = memoryStore({ maxRecords: 3 });
    const expiring = makeRecord({ createdAt: t0 });
    const finished = makeRecord({ createdAt: t0 });
    const open = makeRecord({ createdAt: t0 });
    await store.create({ record: expiring, ttlMs: 1000, now: t0 });
    await store.create({ record: finished, ttlMs: 60_000, now: t0 });
    await store.create({ record: open, ttlMs: 60_000, now: t0 });
    await store.markVerified({ id: finished.id, budgets: [], now: t0 });

    // Full; at t0 + 2 s the first has expired: it goes.
    const second = makeRecord({ createdAt: t0 + 2000 });
    await store.create({ record: second, ttlMs: 60_000, now: t0 + 2000 });
    // Full again: the verified one goes next.
    const third = makeRecord({ createdAt: t0 + 2000 });
    await store.create({ record: third, ttlMs: 60_000, now: t0 + 2000 });
    expect(await store.get({ id: finished.id, now: t0 + 2000 })).toBeNull();
    // Only open verifications left: a new one is refused, and every open one is still there.
    await expect(
      store.create({ record: makeRecord({ createdAt: t0 + 2000 }), ttlMs: 60_000, now: t0 + 2000 }),
    ).rejects.toThrow(/maxRecords/);
    for (const r of [open, second, third]) expect(await store.get({ id: r.id, now: t0 + 2000 })).not.toBeNull();
    // Replacing an existing record needs no room.
    await store.create({ record: { ...open, attempts: 1 }, ttlMs: 60_000, now: t0 + 2000 });
  });

  it('never evicts a live counter (that would reopen its limit): ended windows go, else the call fails', async () => {
    const store = memoryStore({ maxCounters: 3 });
    await store.take({ rules: [{ key: 'a', limit: 5, windowMs: 1000 }], now: t0 });
    await store.take({ rules: [{ key: 'b', limit: 1, windowMs: 60_000 }], now: t0 });
    await store.take({ rules: [{ key: 'c', limit: 5, windowMs: 60_000 }], now: t0 });
    // All or nothing: two new counters do not fit, so neither is counted.
    await expect(
      store.take({
        rules: [
          { key: 'd', limit: 5, windowMs: 60_000 },
          { key: 'e', limit: 5, windowMs: 60_000 },
        ],
        now: t0 + 2000,
      }),
    ).rejects.toThrow(/maxCounters/);
    expect(await store.hits({ key: 'd', now: t0 + 2000 })).toBe(0);
    // One fits once `a`'s window has ended; counting on an existing counter needs no room.
    expect(await store.take({ rules: [{ key: 'd', limit: 5, windowMs: 60_000 }], now: t0 + 2000 })).toMatchObject({
      ok: true,
    });
    await store.take({ rules: [{ key: 'c', limit: 5, windowMs: 60_000 }], now: t0 + 2000 });
    expect(await store.hits({ key: 'c', now: t0 + 2000 })).toBe(2);
    // A wrong-code reservation needs room for its failure counter: a full store refuses it, and reserves nothing.
    const record = makeRecord({ createdAt: t0 });
    await store.create({ record, ttlMs: 60_000, now: t0 + 2000 });
    const budgets = [{ prefix: 'fw:', limit: 10, windowMs: 3600_000, sliding: false }];
    await expect(store.reserveAttempt({ id: record.id, budgets, now: t0 + 2000 })).rejects.toThrow(/maxCounters/);
    expect((await store.get({ id: record.id, now: t0 + 2000 }))?.attempts).toBe(0);
    expect(await store.take({ rules: [{ key: 'b', limit: 1, windowMs: 60_000 }], now: t0 + 2000 })).toMatchObject({
      ok: false,
    });
  });
});
