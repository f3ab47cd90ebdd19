import { describe, expect, it } from 'vitest';
import { makeRecord } from './conformance.js';
import {
  countersIn,
  lead,
  num,
  PackedMap,
  packCounters,
  packRecord,
  unnum,
  unpackCounters,
  unpackRecord,
} from './memory-packing.js';

describe('memory packing', () => {
  const base = 1_700_000_000_000;

  it('a record comes back exactly, whatever its strings and times hold', () => {
    const map = new PackedMap();
    const awkward = [
      makeRecord({ createdAt: base }),
      makeRecord({ createdAt: base, locale: 'pt-BR', purpose: '', messageId: 'a\x1fb\\s\\e\\', codeHash: '\\' }),
      { ...makeRecord({ createdAt: base + 0.5 }), expiresAt: Number.POSITIVE_INFINITY, verified: true, attempts: 4 },
      { ...makeRecord({ createdAt: -12_345 }), id: 'id\x1fwith\\separators', to: 'ünïcødé@example.com\x1f' },
    ];
    for (const record of awkward) {
      const until = record.createdAt + 600_000;
      map.set(record.id, packRecord(record, until, base));
      expect(unpackRecord(record.id, map.get(record.id) ?? [], base)).toEqual({ ...record, until });
    }
    expect(map.size).toBe(awkward.length);
  });

  it('counters come back exactly, and the group leads with its latest window end', () => {
    const map = new PackedMap();
    const counters = [
      { prefix: 'n:', reset: base + 3600_000, count: 1 },
      { prefix: 'f\x1f\\:', reset: base + 86_400_000, count: 99 },
      { prefix: '', reset: base - 5, count: 2 },
    ];
    map.set('{tag}+14155550100', packCounters(counters, base));
    expect(unpackCounters(map.get('{tag}+14155550100') ?? [], base)).toEqual(counters);
    const removed: string[] = [];
    map.removeWhere(
      (packed) => lead(packed, base) <= base + 86_400_000,
      (packed) => removed.push(packed),
    );
    expect(removed.map(countersIn)).toEqual([3]);
    expect(map.size).toBe(0);
  });

  it('keys that share a hash slot are told apart, replaced and removed one by one', () => {
    const map = new PackedMap();
    // 100,000 keys over 2^30 slots: a few collide (about 5 pairs expected); each must keep its own entry.
    const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}`);
    for (const key of keys) map.set(key, [num(1), key]);
    expect(map.size).toBe(keys.length);
    for (const key of keys) expect(map.get(key)).toEqual(['1', key]);
    map.set('k7', [num(2), 'again']);
    expect(map.get('k7')).toEqual(['2', 'again']);
    expect(map.size).toBe(keys.length);
    for (const key of keys) expect(map.delete(key)).toBe(true);
    expect([map.size, map.delete('k1'), map.has('k2'), [...map.entries()].length]).toEqual([0, false, false, 0]);
  });

  it('numbers are short offsets when exact, absolute otherwise', () => {
    expect(num(base + 300_000, base)).toBe('6fhc');
    for (const n of [0.1, Number.NaN, Number.NEGATIVE_INFINITY, 2 ** 60]) expect(unnum(num(n, base), base)).toBe(n);
  });
});
