import type { VerificationRecord } from './types.js';

/*
 * How the memory store keeps 100,000 open verifications small: each record, and each recipient's counters, as ONE
 * flat string in a Map. Objects, numbers and strings cost far more than their content in V8 (Node 20, 64-bit, no
 * pointer compression; measured with 100,000 entries):
 * - a record object with 16 fields took 406 bytes with its strings and time values (times past 2^31 are boxed
 *   numbers, 16 bytes each); packed here it takes about 170;
 * - each counter was its own Map entry under a key like `n:{tag}+8613000000001`: three of them for each recipient
 *   took about 270 bytes; the recipient's counters packed together under one key take about 115;
 * - a string built with `+` or a template is a tree of pieces (a ConsString), and a `slice` is a view that keeps its
 *   whole parent alive (a SlicedString): held as they come, the keys alone took twice their characters. A string made
 *   by `join` is one flat run of bytes;
 * - a 26-character id as a Map key is a string of its own (48 bytes): `PackedMap` keeps the key inside the entry's one
 *   string and keys the Map by a small-integer hash of it instead, which V8 stores inline.
 * Times are kept as base-36 offsets from the store's first `now`, so they stay short and exact.
 */

/** Field separator. A field that holds it (or the escape character) is escaped, so any string survives. */
const SEP = '\x1f';

const esc = (s: string): string =>
  s.includes('\\') || s.includes(SEP) ? s.replaceAll('\\', '\\\\').replaceAll(SEP, '\\s') : s;
const unesc = (s: string): string =>
  s.includes('\\') ? s.replace(/\\(.)/g, (_, c: string) => (c === 's' ? SEP : c === 'e' ? '' : c)) : s;
/** An optional string: absent is an empty field, an empty string `\e`. */
const opt = (s: string | undefined): string => (s === undefined ? '' : s === '' ? '\\e' : esc(s));
const unopt = (s: string): string | undefined => (s === '' ? undefined : unesc(s));

/**
 * A number as an offset from `ref` in base 36 when both are safe integers (every epoch-ms clock), else absolute
 * after `~` (a fractional test clock, Infinity): exact either way.
 */
export const num = (n: number, ref = 0): string =>
  Number.isSafeInteger(n) && Number.isSafeInteger(ref) ? (n - ref).toString(36) : `~${n}`;
export const unnum = (s: string, ref = 0): number => (s[0] === '~' ? Number(s.slice(1)) : ref + parseInt(s, 36));

/**
 * The first field of a packed entry (when it ends), read without splitting it: `parseInt` stops at the separator.
 * What the sweep reads on each of 100,000 entries.
 */
export const lead = (packed: string, base: number): number =>
  packed[0] === '~' ? Number(packed.slice(1, packed.indexOf(SEP))) : base + parseInt(packed, 36);

/** A record's fields, and the moment it disappears first (the entry's end, for the sweep). */
export function packRecord(r: VerificationRecord, until: number, base: number): string[] {
  return [
    num(until, base),
    esc(r.to),
    esc(r.channel),
    opt(r.locale),
    opt(r.purpose),
    opt(r.messageId),
    opt(r.codeHash),
    num(r.codeLength),
    num(r.createdAt, base),
    num(r.expiresAt, r.createdAt),
    num(r.resendAt, r.createdAt),
    num(r.resendCount),
    num(r.attempts),
    num(r.maxAttempts),
    r.verified ? '1' : '',
  ];
}

export function unpackRecord(id: string, f: readonly string[], base: number): VerificationRecord & { until: number } {
  const at = (i: number): string => f[i] ?? '';
  const createdAt = unnum(at(8), base);
  return {
    id,
    to: unesc(at(1)),
    channel: unesc(at(2)) as VerificationRecord['channel'],
    locale: unopt(at(3)),
    purpose: unopt(at(4)),
    messageId: unopt(at(5)),
    codeHash: unopt(at(6)),
    codeLength: unnum(at(7)),
    createdAt,
    expiresAt: unnum(at(9), createdAt),
    resendAt: unnum(at(10), createdAt),
    resendCount: unnum(at(11)),
    attempts: unnum(at(12)),
    maxAttempts: unnum(at(13)),
    verified: at(14) === '1',
    until: unnum(at(0), base),
  };
}

/** One counter of a group: its key's prefix, when its window ends, its hits. */
export interface Counter {
  prefix: string;
  reset: number;
  count: number;
}

/** A recipient's counters as fields: the latest window end first (the sweep drops the whole group then). A count of
 * one, the most common, is an empty field. */
export function packCounters(counters: readonly Counter[], base: number): string[] {
  const fields = [num(Math.max(...counters.map((c) => c.reset)), base)];
  for (const c of counters) fields.push(esc(c.prefix), num(c.reset, base), c.count === 1 ? '' : num(c.count));
  return fields;
}

export function unpackCounters(f: readonly string[], base: number): Counter[] {
  const counters: Counter[] = [];
  for (let i = 1; i + 2 < f.length; i += 3)
    counters.push({
      prefix: unesc(f[i] ?? ''),
      reset: unnum(f[i + 1] ?? '', base),
      count: f[i + 2] ? unnum(f[i + 2] ?? '') : 1,
    });
  return counters;
}

/** How many counters a packed group entry holds (three fields each, after its end and its key). */
export const countersIn = (packed: string): number => (packed.split(SEP).length - 2) / 3;

/**
 * String keys to packed entries, each held as ONE flat string `end␟key␟fields…` (see the top of this file), in a
 * Map keyed by a 30-bit hash of the key. The hash is seeded per map, so nobody can choose recipients whose entries
 * pile up in one slot; entries that do share a slot are kept in an array and told apart by their key.
 */
export class PackedMap {
  readonly #slots = new Map<number, string | string[]>();
  readonly #seed = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The entry's fields (its end first), or undefined. */
  get(key: string): string[] | undefined {
    const packed = this.#find(key);
    if (packed === undefined) return undefined;
    const f = packed.split(SEP);
    f.splice(1, 1);
    return f;
  }

  has(key: string): boolean {
    return this.#find(key) !== undefined;
  }

  /** Stores `fields` (the entry's end first) under `key`, replacing any entry there. */
  set(key: string, fields: readonly string[]): void {
    const packed = [fields[0], esc(key), ...fields.slice(1)].join(SEP);
    const h = this.#hash(key);
    const slot = this.#slots.get(h);
    if (slot === undefined) {
      this.#slots.set(h, packed);
      this.#size += 1;
      return;
    }
    const list = typeof slot === 'string' ? [slot] : slot;
    const i = list.findIndex((entry) => this.#holds(entry, key));
    if (i >= 0) list[i] = packed;
    else {
      list.push(packed);
      this.#size += 1;
    }
    this.#slots.set(h, list.length === 1 ? packed : list);
  }

  delete(key: string): boolean {
    const h = this.#hash(key);
    const slot = this.#slots.get(h);
    if (slot === undefined) return false;
    const list = typeof slot === 'string' ? [slot] : slot;
    const i = list.findIndex((entry) => this.#holds(entry, key));
    if (i < 0) return false;
    list.splice(i, 1);
    this.#size -= 1;
    if (list.length === 0) this.#slots.delete(h);
    else this.#slots.set(h, list.length === 1 ? (list[0] as string) : list);
    return true;
  }

  /** Every entry as key and fields (end first): for the rare full-store paths, which read them all. */
  *entries(): Generator<[key: string, fields: string[]]> {
    for (const slot of [...this.#slots.values()])
      for (const packed of typeof slot === 'string' ? [slot] : [...slot]) {
        const f = packed.split(SEP);
        const [key] = f.splice(1, 1);
        yield [unesc(key ?? ''), f];
      }
  }

  /** Removes every entry whose packed string passes `test` (which reads its end with `lead`), telling `removed`. */
  removeWhere(test: (packed: string) => boolean, removed?: (packed: string) => void): void {
    for (const [h, slot] of this.#slots) {
      if (typeof slot === 'string') {
        if (!test(slot)) continue;
        removed?.(slot);
        this.#slots.delete(h);
        this.#size -= 1;
        continue;
      }
      const keep = slot.filter((packed) => {
        if (!test(packed)) return true;
        removed?.(packed);
        return false;
      });
      this.#size -= slot.length - keep.length;
      if (keep.length === 0) this.#slots.delete(h);
      else if (keep.length < slot.length) this.#slots.set(h, keep.length === 1 ? (keep[0] as string) : keep);
    }
  }

  #find(key: string): string | undefined {
    const slot = this.#slots.get(this.#hash(key));
    if (slot === undefined) return undefined;
    if (typeof slot === 'string') return this.#holds(slot, key) ? slot : undefined;
    return slot.find((entry) => this.#holds(entry, key));
  }

  /** Whether the packed entry is the one under `key` (its second field). */
  #holds(packed: string, key: string): boolean {
    const at = packed.indexOf(SEP) + 1;
    const k = esc(key);
    return packed.startsWith(k, at) && packed.charCodeAt(at + k.length) === 0x1f;
  }

  /** FNV-1a from a random offset, cut to 30 bits: a small integer on every V8 build. */
  #hash(key: string): number {
    let h = this.#seed;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return h >>> 2;
  }
}
