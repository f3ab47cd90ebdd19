// The load of the redis and stores sections: the handler called in the bench's own process (`otp.handle(request)`,
// no HTTP server in front), so the difference between the rows is the store. A run has the shape of bench/bff/
// load.mjs's, so summarize() in ../runtimes/load.mjs pools the rounds into a row.
import { performance } from 'node:perf_hooks';
import { VERIFICATIONS } from '../runtimes/load.mjs';

const request = (path, body) =>
  new Request(`http://127.0.0.1/api/otp/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** One request through the handler; its answer. Throws on any status but 200: the bench would measure the wrong work. */
export async function call(otp, path, body) {
  const res = await otp.handle(request(path, body));
  const answer = await res.json();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(answer)}`);
  return answer;
}

let numberSeq = 0;
/** A number not used before in this process: EngageLab refuses a second send while a code is valid (3004). */
export const newNumber = () => `+8613${String(++numberSeq).padStart(9, '0')}`;

/** Opens VERIFICATIONS verifications; the wrong-code verify bodies for them ('000000': the simulator's codes are
 * random, so it is wrong with probability 1 - 1e-6). */
export async function openVerifications(otp) {
  const bodies = [];
  for (let i = 0; i < VERIFICATIONS; i++) {
    const { verificationId } = await call(otp, 'send', { to: newNumber() });
    bodies.push({ verificationId, code: '000000' });
  }
  return bodies;
}

/**
 * Closed loop: `connections` workers each verify a wrong code, wait for the answer, repeat; the requests answered
 * within the measured window count. Phases go by the clock read in the loop, not by timers: with memoryStore a
 * verify can complete in microtasks alone.
 */
export async function load(otp, bodies, { connections, warmupMs, durationMs }) {
  const latencies = [];
  let errors = 0;
  let total = 0;
  let next = 0;
  const measureFrom = performance.now() + warmupMs;
  const end = measureFrom + durationMs;
  async function worker() {
    while (performance.now() < end) {
      const t0 = performance.now();
      let ok = false;
      try {
        const res = await otp.handle(request('verify', bodies[next++ % bodies.length]));
        ok = res.status === 200 && (await res.json()).verified === false;
      } catch {}
      const t1 = performance.now();
      total += 1;
      if (t1 >= measureFrom && t1 <= end) {
        latencies.push(t1 - t0);
        if (!ok) errors += 1;
      }
      // Let I/O and timers run between requests, as a server's event loop would.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await Promise.all(Array.from({ length: connections }, worker));
  return { count: latencies.length, total, errors, seconds: durationMs / 1000, latencies };
}
