import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromBase64Url, randomCode, randomId, toBase64, toBase64Url } from './crypto.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Makes crypto.getRandomValues hand out `bytes` in order (then zeros). */
function feed(bytes: number[]) {
  const queue = [...bytes];
  vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
    const view = array as unknown as Uint8Array;
    for (let i = 0; i < view.length; i++) view[i] = queue.shift() ?? 0;
    return array;
  });
}

describe('randomCode', () => {
  it('throws away bytes 250-255 (rejection sampling) instead of folding them onto 0-5', () => {
    // With `byte % 10` alone, 250..255 would give 0..5 and make those digits likelier than 6..9.
    feed([250, 255, 9, 253, 16, 249, 251, 0, 107, 252, 38]);
    expect(randomCode(6)).toBe('969078');
  });

  it('gives digits of the requested length, each of 0-9 about equally often', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 2000; i++) {
      const code = randomCode(10);
      expect(code).toMatch(/^\d{10}$/);
      for (const d of code) counts[Number(d)] = (counts[Number(d)] ?? 0) + 1;
    }
    // 20,000 digits: 2,000 expected per digit, sd ~42; +-300 fails only on a >7 sd fluke.
    for (const n of counts) expect(Math.abs(n - 2000)).toBeLessThan(300);
  });
});

describe('randomId', () => {
  it('is 16 random bytes as 22 base64url characters', () => {
    feed(Array.from({ length: 16 }, (_, i) => 255 - i));
    const id = randomId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fromBase64Url(id)).toEqual(new Uint8Array(Array.from({ length: 16 }, (_, i) => 255 - i)));
  });
});

describe('base64', () => {
  it('round-trips base64url and matches standard base64 with padding', () => {
    const bytes = new Uint8Array([251, 255, 191, 0, 1]);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    for (const bad of ['a', 'ab=', 'a+b', 'a/b', 'ab cd']) expect(fromBase64Url(bad)).toBeNull();
  });
});
