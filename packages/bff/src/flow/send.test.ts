// What a send costs the store (issue #14.2), through the real handler on the simulators: every limit, the
// recipient's lock and the resend gate in one call before the provider; a code checked here has its record saved by
// that same call, a provider's code by one more after it. And a send the provider fails leaves nothing open.
import { describe, expect, it } from 'vitest';
import { setup } from '../http/handler.test-helpers.js';
import { memoryStore } from '../stores/memory.js';
import type { OtpStore } from '../stores/types.js';

const TO = '+8618701235678';

/** A memory store that lists the methods called on it, and the ids of the records its takes saved. */
function counted() {
  const inner = memoryStore();
  const calls: string[] = [];
  const savedByTake: string[] = [];
  const store = Object.fromEntries(
    Object.entries(inner).map(([name, method]) => [
      name,
      typeof method === 'function'
        ? (...args: unknown[]) => {
            calls.push(name);
            const id = name === 'take' ? (args[0] as Parameters<OtpStore['take']>[0]).create?.record.id : undefined;
            if (id) savedByTake.push(id);
            return (method as (...a: unknown[]) => unknown).apply(inner, args);
          }
        : method,
    ]),
  ) as unknown as OtpStore;
  return { store, calls, savedByTake };
}

describe('store calls per send', () => {
  it.each([
    ['engagelab custom', ['take']],
    ['engagelab platform', ['take', 'create']],
    ['unimtx', ['take', 'create']],
  ] as const)('%s: %j', async (mode, expected) => {
    const { store, calls } = counted();
    const t = setup(mode, { store });
    const { id, code } = await t.sendCode(TO);
    expect(calls).toEqual(expected);
    // The record the single call saved is the one the answer speaks of: the code verifies.
    expect((await t.post('verify', { verificationId: id, code })).body.verified).toBe(true);
  });

  it('a local code the provider failed to send leaves no record, and the user may send again at once', async () => {
    const { store, calls, savedByTake } = counted();
    const t = setup('engagelab custom', { store, timeoutMs: 1000 });
    t.sim.inject('http500');
    expect((await t.post('send', { to: TO })).status).toBe(503);
    expect(calls).toEqual(['take', 'release', 'delete']);
    expect(await store.get({ id: savedByTake[0] ?? '', now: t.clock.now() })).toBeNull();
    // The gate reopened: a fresh send to the number goes through at once, and its code verifies.
    const { id, code } = await t.sendCode(TO);
    expect((await t.post('verify', { verificationId: id, code })).body.verified).toBe(true);
  });

  it('the record saved with the limits carries the cooldown the answer promised', async () => {
    const { store } = counted();
    const t = setup('engagelab custom', { store });
    const sentAt = t.clock.now();
    const first = await t.post('send', { to: TO });
    const record = await store.get({ id: first.body.verificationId as string, now: t.clock.now() });
    expect(record?.resendAt).toBe(Date.parse(first.body.resendAt as string));
    expect(record?.expiresAt).toBe(Date.parse(first.body.expiresAt as string));
    const firstWait = Date.parse(first.body.resendAt as string) - sentAt;
    // The second send of the day: its resend fields, in the answer and in the record alike.
    t.clock.advance(firstWait / 1000);
    const second = await t.post('resend', { verificationId: first.body.verificationId });
    expect(second.status).toBe(200);
    const again = await store.get({ id: second.body.verificationId as string, now: t.clock.now() });
    expect(again?.resendAt).toBe(Date.parse(second.body.resendAt as string));
    expect(again?.resendCount).toBe(1);
  });
});
