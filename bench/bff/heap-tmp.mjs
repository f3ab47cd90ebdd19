// Run with --expose-gc. 100,000 open verifications in memoryStore, created through the real handler (so the
// store holds exactly what a send writes: the record plus its per-number counters), then the clock moves past
// their lifetime and the store's sweep must drop them all.
import { createOtpHandler, memoryStore } from '@otpkit/bff';

const COUNT = 100_000;
let clock = Date.now();
const now = () => clock;
// The store has no clock: the handler passes its `now` to every call, and the sweep judges by the latest one.
const store = memoryStore({ sweepIntervalMs: 200 });

// The provider's network edge, answered in-process: this measures the store, and the EngageLab simulator would
// keep its own copy of every message in the same heap. The message id has the shape of EngageLab's (19 digits).
let n = 0;
const provider = {
  name: 'bench',
  codeSource: 'provider',
  resend: 'blocked-while-valid',
  codeLength: 6,
  send: async () => ({ messageId: String(1725407449772531712n + BigInt(n++)), channel: 'sms' }),
  verify: async () => false,
};
const otp = createOtpHandler({
  provider,
  secret: 'bench-secret-bench-secret-bench-secret-0123',
  store,
  now,
  ipLimit: { limit: COUNT * 2, windowSeconds: 3600 },
  // 100,000 sends to one country's consecutive numbers are what the pumping budgets stop: raised, so every send is
  // stored (their counters are still kept, and counted in the heap).
  sendBudget: { perHour: COUNT * 2, perDay: COUNT * 2 },
  countryBudget: { default: COUNT * 2 },
  prefixVelocity: { digits: 2, limit: COUNT * 2, windowSeconds: 3600 },
  // Each send arms an AbortSignal.timeout for the provider call; those timers (and their signals) live on for
  // timeoutMs after the call. Short here, and waited out below, so the heap figure is the store's, not theirs.
  timeoutMs: 1000,
});
const settle = () => new Promise((r) => setTimeout(r, 1500));

/** Heap after a full collection. AbortSignal.timeout keeps its Timeout in a FinalizationRegistry until the
 * signal is collected AND the registry's cleanup task has run, so collect, yield, and collect again. */
const heap = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
};
const send = (to) =>
  otp.handle(
    new Request('http://127.0.0.1/api/otp/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to }),
    }),
    { clientIp: '127.0.0.1' },
  );

// Warm the code paths once so the baseline includes compiled code, not only the store.
for (let i = 0; i < 5000; i++) {
  const first = await send(`+86131${String(i).padStart(8, '0')}`);
  if (first.status !== 200) throw new Error(`send answered ${first.status}: ${await first.text()}`);
}
clock += 24 * 3600_000;
// Any call tells the store the time; the sweep then drops the warm-up send's record and counters.
await store.hits({ key: 'clock', now: clock });
await settle();

const before = await heap();
const started = Date.now();
const ids = [];
for (let i = 1; i <= COUNT; i++) {
  const res = await send(`+86130${String(i).padStart(8, '0')}`);
  if (res.status !== 200) throw new Error(`send ${i} answered ${res.status}: ${await res.text()}`);
  ids.push((await res.json()).verificationId);
}
const sendSeconds = (Date.now() - started) / 1000;
const sample = ids.filter((_, i) => i % 1000 === 0);
// The ids array itself is the benchmark's, not the store's: keep only a sample before measuring.
ids.length = 0;
await settle();
const open = await heap();
let found = 0;
for (const id of sample) if (await store.get({ id, now: clock })) found += 1;

// Past every record's lifetime (code TTL + the handler's grace) and every counter window, then let the sweep run.
clock += 2 * 24 * 3600_000;
await store.hits({ key: 'clock', now: clock });
await new Promise((r) => setTimeout(r, 1000));
const swept = await heap();
let left = 0;
for (const id of sample) if (await store.get({ id, now: clock })) left += 1;

// Breakdown: the same number of records put straight into a fresh store (no limit counters), to tell the
// records' share from the per-number counters'.
const bare = memoryStore({ sweepIntervalMs: 3600_000 });
const t = Date.now();
const recordsBefore = await heap();
for (let i = 1; i <= COUNT; i++) {
  await bare.create({
    record: {
      id: crypto.randomUUID().replaceAll('-', '').slice(0, 22),
      to: JSON.parse(`"+86130${String(i).padStart(8, '0')}"`),
      channel: 'sms',
      locale: undefined,
      messageId: String(1725407449772531712n + BigInt(i)),
      codeHash: undefined,
      codeLength: 6,
      createdAt: t,
      expiresAt: t + 300_000,
      resendAt: t + 300_000,
      resendCount: 0,
      attempts: 0,
      maxAttempts: 5,
      verified: false,
    },
    ttlMs: 3600_000,
    now: t,
  });
}
const recordsOnly = (await heap()) - recordsBefore;

process.send({
  count: COUNT,
  before,
  open,
  swept,
  recordsOnly,
  sendSeconds,
  sampleFound: found,
  sampleSize: sample.length,
  sampleLeft: left,
});
process.disconnect();
