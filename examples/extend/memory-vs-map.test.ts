// memoryStore packs its records and counters into strings (stores/memory-packing.ts) to stay small; the example
// mapStore keeps plain objects and is the plainest reading of the store contract. Driven by the same random calls,
// they must answer alike, call by call: a packing slip (a field, an escape, a count, a window) shows as a
// difference here even where the conformance suite's fixed cases do not reach.
import { type FailureBudget, type LimitRule, memoryStore, type OtpStore, recipientKey } from '@otpkit/bff';
import { describe, expect, it } from 'vitest';
import { mapStore } from './map-store.js';

/** A small deterministic PRNG (mulberry32), so a failure replays from its seed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each([1, 2, 3, 4])('memoryStore answers as mapStore does (seed %i)', (seed) => {
  it('over 3,000 random calls', async () => {
    const next = random(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const stores: OtpStore[] = [memoryStore({ singleInstance: true }), mapStore()];
    // Few recipients, ids and keys, so calls meet each other's records and counters; odd characters included.
    const recipients = ['+14155550100', '+447700900123', 'a\\b\x1fc@example.com', 'ünï@example.com'];
    const prefixes = ['fw:', 'fd:', 'g:', 'n:', 'x\x1f:'];
    const keys = [...recipients.flatMap((to) => prefixes.map((p) => p + recipientKey(to))), 'ip:4:1.2.3.4', 'sb:h'];
    const ids: string[] = [];
    const budgets = (): FailureBudget[] => [
      {
        prefix: 'fw:',
        limit: 1 + Math.floor(next() * 6),
        windowMs: 1000 + Math.floor(next() * 20_000),
        sliding: false,
      },
      { prefix: 'fd:', limit: 3 + Math.floor(next() * 8), windowMs: 5000 + Math.floor(next() * 50_000), sliding: true },
    ];
    const rules = (): LimitRule[] =>
      Array.from({ length: 1 + Math.floor(next() * 4) }, (): LimitRule => {
        const key = pick(keys);
        const roll = next();
        if (roll < 0.15) return { key, limit: 1 + Math.floor(next() * 3), windowMs: 2000, peek: true };
        if (roll < 0.3) {
          return {
            key,
            limit: 1,
            windowMs: 0,
            windowBy: { by: pick(keys), windowsMs: [1000, 2000, 4000].slice(0, 1 + Math.floor(next() * 3)) },
          };
        }
        return { key, limit: Math.floor(next() * 5), windowMs: Math.floor(next() * 10_000) };
      });
    let now = 1_700_000_000_000;

    for (let step = 0; step < 3000; step++) {
      now += Math.floor(next() * 400);
      const id = ids.length > 0 && next() < 0.8 ? pick(ids) : `id-${step}`;
      const reopen = next() < 0.5 ? ['g:'] : [];
      const roll = next();
      let call: (store: OtpStore) => Promise<unknown>;
      if (roll < 0.12) {
        ids.push(id);
        const to = pick(recipients);
        const record = {
          id,
          to,
          channel: pick(['sms', 'email', 'whatsapp'] as const),
          locale: pick([undefined, 'en', 'pt-BR']),
          purpose: pick([undefined, 'sign-in', '']),
          messageId: pick([undefined, '1725407449772531712', 'm\\id\x1f']),
          codeHash: pick([undefined, 'right', '']),
          codeLength: 6,
          createdAt: now,
          expiresAt: now + Math.floor(next() * 10_000),
          resendAt: now + 1000,
          resendCount: Math.floor(next() * 3),
          attempts: 0,
          maxAttempts: 1 + Math.floor(next() * 5),
          verified: false,
        };
        const ttlMs = Math.floor(next() * 20_000);
        call = (s) => s.create({ record: { ...record }, ttlMs, now });
      } else if (roll < 0.2) call = (s) => s.get({ id, now });
      else if (roll < 0.25) call = (s) => s.delete({ id, now });
      else if (roll < 0.5) {
        const b = budgets();
        const codeHash = pick([undefined, 'right', 'wrong']);
        call = (s) => s.reserveAttempt({ id, budgets: b, now, codeHash, reopen });
      } else if (roll < 0.58) {
        const b = budgets();
        call = (s) => s.markVerified({ id, budgets: b, now, reopen });
      } else if (roll < 0.63) {
        const b = budgets();
        call = (s) => s.refundAttempt({ id, budgets: b, now });
      } else if (roll < 0.9) {
        const r = rules();
        // Sometimes a send's take that saves its record, its resend fields decided by a windowBy rule.
        const gate = r.find((rule) => rule.windowBy);
        const create =
          gate && next() < 0.6
            ? {
                record: {
                  id: `sent-${step}`,
                  to: pick(recipients),
                  channel: 'sms' as const,
                  locale: undefined,
                  purpose: undefined,
                  messageId: undefined,
                  codeHash: 'right',
                  codeLength: 6,
                  createdAt: now,
                  expiresAt: now + 5000,
                  resendAt: now,
                  resendCount: Math.floor(next() * 3),
                  attempts: 0,
                  maxAttempts: 3,
                  verified: false,
                },
                ttlMs: 8000,
                resendBy: gate.key,
              }
            : undefined;
        if (create) ids.push(create.record.id);
        call = (s) => s.take({ rules: r, now, create });
      } else if (roll < 0.97) {
        const key = pick(keys);
        call = (s) => s.hits({ key, now });
      } else {
        const k = [pick(keys), pick(keys)];
        call = (s) => s.release({ keys: k, now });
      }
      const [memory, map] = await Promise.all(stores.map(call));
      expect(memory, `step ${step}`).toEqual(map);
    }
  });
});
