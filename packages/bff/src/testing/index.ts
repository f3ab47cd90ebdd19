// Test doubles for the providers: faithful fakes of the documented EngageLab, UniMTX and Twilio Verify APIs (and of
// the Turnstile, hCaptcha and reCAPTCHA siteverify APIs), usable
// as a `fetch` (Node or browser) or as a loopback HTTP server. Mocks belong at the network edge, so tests use these.

export {
  createEngageLabSimulator,
  type EngageLabPath,
  type EngageLabSimulator,
  type EngageLabSimulatorOptions,
  type EngageLabTemplate,
  type SimulatedEngageLabMessage,
} from './engagelab-simulator.js';
export type { Fault, InjectOptions } from './faults.js';
export { type FetchLike, type LoopbackServer, listenLoopback } from './loopback.js';
export type { ProviderSimulator } from './shell.js';
export {
  createSiteverifySimulator,
  type IssueOptions,
  type SiteverifyRequest,
  type SiteverifyService,
  type SiteverifySimulator,
  type SiteverifySimulatorOptions,
} from './siteverify-simulator.js';
export { createTestBff, TEST_SECRET, type TestBff, type TestBffOptions } from './test-bff.js';
export {
  createTwilioSimulator,
  type SimulatedTwilioMessage,
  type TwilioPath,
  type TwilioSimulator,
  type TwilioSimulatorOptions,
} from './twilio-simulator.js';
export {
  createUnimtxSimulator,
  type SimulatedUnimtxMessage,
  type UnimtxAction,
  type UnimtxSimulator,
  type UnimtxSimulatorOptions,
} from './unimtx-simulator.js';
