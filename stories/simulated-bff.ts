// The REAL @otpkit/bff handler with the EngageLab simulator as its provider, running inside the browser: the
// handler is Web-standard (Request -> Response), so the flow's `fetch` can call it directly. No server.
import { createOtpHandler, engagelab, type OtpHandlerOptions } from '@otpkit/bff';
import { createEngageLabSimulator } from '@otpkit/bff/testing';

export interface SimulatedBff {
  /** Pass to `<OtpVerification fetch={...}>`. */
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  sim: ReturnType<typeof createEngageLabSimulator>;
  /** Moves the server's (and the simulated provider's) clock forward, e.g. past a code's expiry. */
  advance(ms: number): void;
  /** The id of the last verification the server opened (for the "already verified in another tab" story). */
  lastVerificationId(): string | undefined;
}

const quiet = { info() {}, warn() {}, error() {} };
const TEMPLATE = 'otpkit-demo';

export function simulatedBff(
  options: Partial<Omit<OtpHandlerOptions, 'provider' | 'secret' | 'now'>> = {},
): SimulatedBff {
  let offset = 0;
  const now = () => Date.now() + offset;
  // A shorter code lifetime (for the expiry stories) goes to the simulated template too, as it must match the
  // handler's; otherwise EngageLab's 3004 would refuse the new code while the old one lives on in the provider.
  const ttlSeconds = options.codeTtlSeconds;
  const sim = createEngageLabSimulator({ now, templateId: TEMPLATE, templates: { [TEMPLATE]: { ttlSeconds } } });
  const handler = createOtpHandler({
    provider: engagelab({ devKey: sim.devKey, devSecret: sim.devSecret, templateId: sim.templateId, fetch: sim.fetch }),
    // Stories only: a fixed key is fine for a simulator that never sends a real message.
    secret: 'storybook-only-secret-not-for-production-use',
    logger: quiet,
    now,
    ...options,
  });
  let verificationId: string | undefined;
  return {
    sim,
    advance: (ms) => {
      offset += ms;
    },
    lastVerificationId: () => verificationId,
    async fetch(input, init) {
      const response = await handler.handle(new Request(new URL(input, location.href), init), {
        clientIp: '127.0.0.1',
      });
      if (response.ok && /\/(send|resend)$/.test(input)) {
        verificationId = (await response.clone().json()).verificationId;
      }
      return response;
    },
  };
}
