export { ERROR_STATUS, type ErrorCode, type ErrorExtra, OtpError } from './errors.js';
export { createOtpHandler } from './handler.js';
export { memoryStore } from './memory-store.js';
export { engagelab, type EngageLabOptions } from './providers/engagelab.js';
export { unimtx, type UniMtxOptions } from './providers/unimtx.js';
export * from './types.js';
