// Closed-loop load generator: `connections` workers, each sending its next request as soon as the last one
// answered, over keep-alive connections (the global fetch's undici pool), for a warmup and then a measured window.
// Gets { url, bodies, connections, warmupMs, durationMs } over IPC; answers { count, total, errors, seconds, latencies }.
import { performance } from 'node:perf_hooks';

process.once('message', async ({ url, bodies, connections, warmupMs, durationMs }) => {
  const latencies = [];
  let errors = 0;
  let total = 0;
  let next = 0;
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + durationMs;
  async function worker() {
    while (performance.now() < end) {
      const body = bodies[next++ % bodies.length];
      const t0 = performance.now();
      let ok = false;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        const answer = await res.json();
        // Every measured request must be the same work: a wrong code, checked by the provider.
        ok = res.status === 200 && answer.verified === false;
      } catch {}
      const t1 = performance.now();
      total += 1;
      if (t1 >= measureFrom && t1 <= end) {
        latencies.push(t1 - t0);
        if (!ok) errors += 1;
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, worker));
  process.send({ count: latencies.length, total, errors, seconds: durationMs / 1000, latencies });
  process.disconnect();
});
