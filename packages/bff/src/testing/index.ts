// Test doubles for the providers: faithful fakes of the documented EngageLab and UniMTX APIs, usable as a `fetch`
// (Node or browser) or as a loopback HTTP server. Mocks belong at the network edge, so tests use these.

export { uniMtxStringToSign } from '../providers/unimtx.js';
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
export {
  createUniMtxSimulator,
  type SimulatedUniMtxMessage,
  type UniMtxAction,
  type UniMtxSimulator,
  type UniMtxSimulatorOptions,
} from './unimtx-simulator.js';
