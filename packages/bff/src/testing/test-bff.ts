import { createOtpHandler } from '../index.js';
import { engagelab } from '../providers/engagelab.js';
import { memoryStore } from '../stores/memory.js';
import type { OtpHandler, OtpHandlerOptions } from '../types.js';
import {
  createEngageLabSimulator,
  type EngageLabSimulator,
  type EngageLabSimulatorOptions,
} from './engagelab-simulator.js';

export interface TestBffOptions {
  /** Handler options over the test defaults (the simulator as provider, a fixed test secret, a silent logger, the
   * shared clock and a memory store on it). */
  handler?: Partial<OtpHandlerOptions>;
  sim?: EngageLabSimulatorOptions;
  /** The client IP every request comes from. @defaultValue '203.0.113.7' (TEST-NET-3) */
  clientIp?: string;
  /** Read EngageLab's delivery callbacks (`engagelab({ callbacks })`), so `report()` can push one, as EngageLab
   * does, and the browser's `POST …/status` answers more than `unknown`. @defaultValue false */
  deliveryReports?: boolean;
  /** What relative `fetch` inputs resolve against. @defaultValue location.href in a browser, else http://localhost */
  baseUrl?: string;
}

export interface TestBff {
  /** An in-process `fetch` that calls the real handler: pass it to the React kit or to `createOtpClient`. */
  fetch(input: string, init?: RequestInit): Promise<Response>;
  handler: OtpHandler;
  sim: EngageLabSimulator;
  /** One clock for handler, store and simulator: move it past a code's expiry without sleeping. */
  clock: { now(): number; advance(ms: number): void };
  /** The id of the last verification the handler opened (send or resend). */
  lastVerificationId(): string | undefined;
  /** Every request the fetch saw: its route and parsed JSON body (undefined when not JSON). */
  requests: { path: string; body: unknown }[];
  /** Pushes a signed EngageLab delivery callback for the last message (`deliveryReports` only), as EngageLab's
   * servers would: `sent`, `delivered`, `delivered_failed`, … (providers.md, "message_status"). */
  report(status: string): Promise<void>;
}

const CALLBACK_SECRET = 'otpkit-test-callback-secret';
const CALLBACK_USERNAME = 'otpkit-test';

const quiet = { info() {}, warn() {}, error() {} };

/** The secret of test handlers only: a fixed key is fine for a simulator that never sends a real message. */
export const TEST_SECRET = 'otpkit-test-secret-never-use-in-production-0123';

/**
 * The real handler over the EngageLab simulator, in process (Node or a browser: the handler is Web-standard).
 * What the React tests, Storybook and examples use instead of a mock of the contract.
 */
export function createTestBff(options: TestBffOptions = {}): TestBff {
  let offset = 0;
  const now = () => Date.now() + offset;
  // The handler's code lifetime goes to the simulated template too: the two must agree, or EngageLab's 3004 would
  // refuse a new code while the old one lives on in the provider.
  const ttlSeconds = options.handler?.codeTtlSeconds;
  const templateId = options.sim?.templateId ?? 'otpkit-demo';
  const sim = createEngageLabSimulator({
    now,
    templates: { [templateId]: { ttlSeconds } },
    ...options.sim,
    templateId,
  });
  const callbacks = { secret: CALLBACK_SECRET, username: CALLBACK_USERNAME };
  const handler = createOtpHandler({
    provider: engagelab({ ...sim.providerOptions, ...(options.deliveryReports ? { callbacks } : {}) }),
    secret: TEST_SECRET,
    logger: quiet,
    store: memoryStore(),
    now,
    ...options.handler,
  });
  const base = options.baseUrl ?? (typeof location === 'undefined' ? 'http://localhost' : (location as Location).href);
  const clientIp = options.clientIp ?? '203.0.113.7';
  let verificationId: string | undefined;
  const requests: TestBff['requests'] = [];

  return {
    handler,
    sim,
    requests,
    clock: {
      now,
      advance: (ms) => {
        offset += ms;
      },
    },
    lastVerificationId: () => verificationId,
    async fetch(input, init) {
      const request = new Request(new URL(input, base), init);
      const text = await request.clone().text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {}
      const path = new URL(request.url).pathname.split('/').at(-1) ?? '';
      requests.push({ path, body });
      const response = await handler.handle(request, { clientIp });
      if (response.ok && (path === 'send' || path === 'resend')) {
        verificationId = ((await response.clone().json()) as { verificationId: string }).verificationId;
      }
      return response;
    },
    async report(status) {
      const message = sim.messages.at(-1);
      if (!message || !options.deliveryReports) throw new Error('report(): no message sent, or deliveryReports off');
      const url = new URL('/api/otp/callbacks', base).href;
      const response = await handler.handle(
        await sim.callbackRequest(message.messageId, status, { url, ...callbacks }),
      );
      if (!response.ok) throw new Error(`report(): the handler answered ${response.status}`);
    },
  };
}
