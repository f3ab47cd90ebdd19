// Shared by handler.test.ts and security.test.ts: a handler wired to a provider simulator, with a fake clock
// shared by handler, store and simulator (expiry without sleeping).
import { createOtpHandler } from './handler.js';
import { memoryStore } from './memory-store.js';
import { engagelab } from './providers/engagelab.js';
import { unimtx } from './providers/unimtx.js';
import { createEngageLabSimulator, createUniMtxSimulator } from './testing/index.js';
import type { OtpHandlerOptions, OtpLogger } from './types.js';

export const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
export const BASE = 'https://app.test/api/otp';

export type ModeName = 'engagelab platform' | 'engagelab custom' | 'unimtx';
export const MODES: ModeName[] = ['engagelab platform', 'engagelab custom', 'unimtx'];

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

export function setup(mode: ModeName, options: Partial<OtpHandlerOptions> = {}) {
  let time = Date.UTC(2026, 10, 1, 12, 0, 0);
  const clock = {
    now: () => time,
    advance: (seconds: number) => {
      time += seconds * 1000;
    },
  };
  const logs: LogLine[] = [];
  const logger: OtpLogger = {
    info: (message, fields) => logs.push({ level: 'info', message, fields }),
    warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
    error: (message, fields) => logs.push({ level: 'error', message, fields }),
  };

  let sim: ReturnType<typeof createEngageLabSimulator> | ReturnType<typeof createUniMtxSimulator>;
  let provider: OtpHandlerOptions['provider'];
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
    const s = createUniMtxSimulator({
      // Real time here: the provider signs requests with Date.now() and the simulator refuses a timestamp more
      // than 10 minutes off. Expiry is the handler's own check (from its record), before the provider is asked.
      accessKeySecret: 'unimtx-sim-secret-for-signing-0123456789',
    });
    sim = s;
    provider = unimtx({ accessKeyId: s.accessKeyId, accessKeySecret: s.accessKeySecret, fetch: recordIds(s.fetch) });
    providerVerifies = () => s.calls.verify;
    providerSends = () => s.calls.send;
    secrets = [s.accessKeySecret as string];
  } else {
    const s = createEngageLabSimulator({ now: clock.now });
    sim = s;
    provider = engagelab({
      devKey: s.devKey,
      devSecret: s.devSecret,
      templateId: s.templateId,
      fetch: recordIds(s.fetch),
      ...(mode === 'engagelab custom' ? { mode: 'custom' as const } : {}),
    });
    providerVerifies = () => s.calls.verifications;
    providerSends = () => s.calls.messages + s.calls.codes;
    secrets = [s.devSecret];
  }

  const otp = createOtpHandler({
    provider,
    secret: SECRET,
    store: memoryStore({ now: clock.now }),
    logger,
    now: clock.now,
    ...options,
  });
  const responses: string[] = [];

  async function call(path: string, init: RequestInit & { ip?: string } = {}) {
    const { ip = '203.0.113.7', ...rest } = init;
    const response = await otp.handle(new Request(`${BASE}/${path}`, { method: 'POST', ...rest }), {
      clientIp: ip,
    });
    const text = await response.text();
    responses.push(text);
    // biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field
    return { status: response.status, headers: response.headers, body: JSON.parse(text) as any };
  }
  const post = (path: string, body: unknown, init: RequestInit & { ip?: string } = {}) =>
    call(path, {
      body: JSON.stringify(body),
      ...init,
      headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
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
    provider,
    clock,
    logs,
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
