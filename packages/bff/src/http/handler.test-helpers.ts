// Shared by the handler, security and provider tests: a handler wired to a provider simulator, with a fake clock
// shared by handler, store and simulator (expiry without sleeping). Every response that passes through `call` is
// checked against the contract's invariants, so each test also tests those.
import { expect } from 'vitest';
import { ERROR_STATUS } from '../contract.js';
import { type EngageLabOptions, engagelab } from '../providers/engagelab.js';
import type { OtpProvider } from '../providers/types.js';
import { unimtx } from '../providers/unimtx.js';
import { memoryStore } from '../stores/memory.js';
import {
  createEngageLabSimulator,
  createUnimtxSimulator,
  type EngageLabPath,
  type Fault,
  type UnimtxAction,
} from '../testing/index.js';
import type { OtpHandlerOptions, OtpLogger } from '../types.js';
import { createOtpHandler } from './handler.js';

export const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
export const BASE = 'https://app.test/api/otp';

export type ModeName = 'engagelab platform' | 'engagelab custom' | 'unimtx';
export const MODES: ModeName[] = ['engagelab platform', 'engagelab custom', 'unimtx'];

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** The contract's invariants: JSON, no-store, and for errors exactly `{ error: { code, message, retryAfter? } }`
 * with the code's status, `Retry-After` on every 429 and `Allow: POST` on 405. */
export function expectContractResponse(status: number, headers: Headers, body: unknown): void {
  expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('content-type')).toMatch(/^application\/json/);
  if (status === 200) return;
  const { error } = body as { error: { code: keyof typeof ERROR_STATUS; message: unknown; retryAfter?: unknown } };
  expect(Object.keys(body as object)).toEqual(['error']);
  expect(ERROR_STATUS[error.code]).toBe(status);
  expect(typeof error.message).toBe('string');
  expect(Object.keys(error).filter((k) => k !== 'code' && k !== 'message' && k !== 'retryAfter')).toEqual([]);
  if (status === 429) {
    expect(Number.isInteger(error.retryAfter) && (error.retryAfter as number) > 0).toBe(true);
    expect(headers.get('retry-after')).toBe(String(error.retryAfter));
  } else {
    expect(error.retryAfter).toBeUndefined();
    expect(headers.get('retry-after')).toBeNull();
  }
  expect(headers.get('allow')).toBe(status === 405 ? 'POST' : null);
}

/** A handler over `provider` with a capturing logger; `post` and `call` check every response with
 * expectContractResponse. */
export function mount(provider: OtpProvider, options: Partial<OtpHandlerOptions> = {}) {
  const logs: LogLine[] = [];
  const logger: OtpLogger = {
    info: (message, fields) => logs.push({ level: 'info', message, fields }),
    warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
    error: (message, fields) => logs.push({ level: 'error', message, fields }),
  };
  const otp = createOtpHandler({ provider, secret: SECRET, logger, ...options });
  const responses: string[] = [];

  async function call(path: string, init: RequestInit & { ip?: string } = {}) {
    const { ip = '203.0.113.7', ...rest } = init;
    const response = await otp.handle(new Request(`${BASE}/${path}`, { method: 'POST', ...rest }), {
      clientIp: ip,
    });
    const text = await response.text();
    responses.push(text);
    // biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field
    const body = JSON.parse(text) as any;
    expectContractResponse(response.status, response.headers, body);
    return { status: response.status, headers: response.headers, body };
  }
  const post = (path: string, body: unknown, init: RequestInit & { ip?: string } = {}) =>
    call(path, {
      body: JSON.stringify(body),
      ...init,
      headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
    });
  /** Every log line as one string, to search for leaks or for the provider code an operator needs. */
  const logText = () => logs.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.fields ?? {})}`).join('\n');

  return { otp, logs, logText, responses, call, post };
}

/** `engagelab` lets an EngageLab mode add provider options (callbacks). */
export function setup(
  mode: ModeName,
  options: Partial<OtpHandlerOptions> = {},
  extra: { engagelab?: Partial<EngageLabOptions> } = {},
) {
  let time = Date.UTC(2026, 10, 1, 12, 0, 0);
  const clock = {
    now: () => time,
    advance: (seconds: number) => {
      time += seconds * 1000;
    },
  };
  let sim: ReturnType<typeof createEngageLabSimulator> | ReturnType<typeof createUnimtxSimulator>;
  let provider: OtpHandlerOptions['provider'];
  /** Injects a fault into whichever simulator this mode runs (provider codes are numbers for EngageLab, strings
   * for UniMTX; a path names the endpoint or action). */
  let inject: (fault: Fault<number | string>, options?: { times?: number; path?: string }) => void;
  let providerVerifies: () => number;
  let providerSends: () => number;
  let secrets: string[];
  /** Ids the provider answered with (message ids): they must never reach a response or a log line. */
  const upstreamIds: string[] = [];
  const recordIds =
    (fetch: typeof globalThis.fetch): typeof globalThis.fetch =>
    async (input, init) => {
      const response = await fetch(input, init);
      const text = await response.clone().text();
      for (const m of text.matchAll(/"(?:message_?id|messageId|id)"\s*:\s*"([^"]+)"/gi))
        if (m[1]) upstreamIds.push(m[1]);
      return response;
    };
  if (mode === 'unimtx') {
    const s = createUnimtxSimulator({
      // Real time here: the provider signs requests with Date.now() and the simulator refuses a timestamp more
      // than 10 minutes off. Expiry is the handler's own check (from its record), before the provider is asked.
      accessKeySecret: 'unimtx-sim-secret-for-signing-0123456789',
    });
    sim = s;
    inject = (fault, o) =>
      s.inject(typeof fault === 'object' ? { ...fault, code: String(fault.code) } : fault, {
        ...o,
        path: o?.path as UnimtxAction | undefined,
      });
    provider = unimtx({ accessKeyId: s.accessKeyId, accessKeySecret: s.accessKeySecret, fetch: recordIds(s.fetch) });
    providerVerifies = () => s.calls.verify;
    providerSends = () => s.calls.send;
    secrets = [s.accessKeySecret as string];
  } else {
    const s = createEngageLabSimulator({ now: clock.now });
    sim = s;
    inject = (fault, o) =>
      s.inject(typeof fault === 'object' ? { ...fault, code: Number(fault.code) } : fault, {
        ...o,
        path: o?.path as EngageLabPath | undefined,
      });
    provider = engagelab({
      devKey: s.devKey,
      devSecret: s.devSecret,
      templateId: s.templateId,
      fetch: recordIds(s.fetch),
      ...(mode === 'engagelab custom' ? { mode: 'custom' as const } : {}),
      ...extra.engagelab,
    });
    providerVerifies = () => s.calls.verifications;
    providerSends = () => s.calls.messages + s.calls.codes;
    secrets = [s.devSecret];
  }

  const { otp, logs, logText, responses, call, post } = mount(provider, {
    store: memoryStore(),
    now: clock.now,
    ...options,
  });

  /** Sends to `to` and returns the verification id and the code the simulator delivered. */
  async function sendCode(to = '+8618701235678') {
    const res = await post('send', { to });
    if (res.status !== 200) throw new Error(`send failed: ${JSON.stringify(res.body)}`);
    const code = sim.lastCode(to);
    if (code === undefined) throw new Error('the simulator delivered no code');
    return { id: res.body.verificationId as string, code, body: res.body };
  }

  return {
    otp,
    sim,
    inject,
    provider,
    clock,
    logs,
    logText,
    responses,
    secrets,
    upstreamIds,
    post,
    call,
    sendCode,
    providerVerifies,
    providerSends,
  };
}

/** A code of the same length that is not `code`. */
export const wrong = (code: string) => code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
