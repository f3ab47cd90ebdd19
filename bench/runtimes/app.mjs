// The app every runtime of the runtimes section serves: the real handler over memoryStore, the EngageLab simulator
// answering in-process (the same provider cost everywhere, no upstream server to share the cores with), budgets
// raised so every verify in the load stays a wrong-code 200 that asks the provider. Bundled with each runtime's
// entry (node.mjs, bun.mjs, deno.mjs, worker.mjs) by bench/runtimes.mjs, so each runtime runs the same code.
import { createOtpHandler, engagelab, memoryStore } from '@otpkit/bff';
import { createEngageLabSimulator } from '@otpkit/bff/testing';
import { RAISED_LIMITS } from '../common/raised-limits.mjs';

/** Made on first use: a Worker may not use crypto at module scope. */
export function createApp() {
  const simulator = createEngageLabSimulator();
  return createOtpHandler({
    provider: engagelab(simulator.providerOptions),
    secret: 'runtimes-bench-secret-0123456789abcdef0123',
    // One process (one isolate on workerd): the memory store holds.
    store: memoryStore({ singleInstance: true }),
    logger: { info() {}, warn() {}, error: (message, fields) => console.error(message, fields) },
    ...RAISED_LIMITS,
  });
}
