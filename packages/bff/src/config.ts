import { secretBytes } from './crypto.js';
import type { FlowConfig } from './flow/context.js';
import type { OtpProvider } from './providers/types.js';
import { memoryStore } from './stores/memory.js';
import type { OtpStore } from './stores/types.js';
import type { OtpHandlerOptions, OtpLogger } from './types.js';

// The default logger stays quiet on `info` (one line per request is noise in a server's console) and speaks on
// what an operator must act on: outages, bad credentials, a store that is down, bugs.
const consoleLogger: OtpLogger = {
  info() {},
  warn: (message, fields) => console.warn(`[otpkit] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[otpkit] ${message}`, fields ?? ''),
};

/** Every option checked and defaulted, durations in ms. */
export interface ResolvedConfig extends FlowConfig {
  provider: OtpProvider;
  secret: Uint8Array<ArrayBuffer>;
  store: OtpStore;
  trustProxy: boolean | ((request: Request) => string | undefined);
  allowedOrigins: ReadonlySet<string>;
  logger: OtpLogger;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`otpkit: ${name} must be a positive integer (got ${value}).`);
  return n;
}

function limitOption(
  name: string,
  value: { limit: number; windowSeconds: number } | undefined,
  fallback: [number, number],
) {
  return {
    limit: positiveInt(`${name}.limit`, value?.limit, fallback[0]),
    windowMs: positiveInt(`${name}.windowSeconds`, value?.windowSeconds, fallback[1]) * 1000,
  };
}

function checkProvider(provider: OtpProvider | undefined): OtpProvider {
  if (!provider || typeof provider.send !== 'function') throw new Error('otpkit: `provider` is required.');
  // The union is a compile-time promise; a provider written in JavaScript is checked here, at boot.
  if (provider.codeSource !== 'local' && typeof (provider as { verify?: unknown }).verify !== 'function') {
    throw new Error(`otpkit: provider "${provider.name}" checks codes itself but has no verify().`);
  }
  if (!['new-code', 'blocked-while-valid', 'same-code'].includes(provider.resend)) {
    throw new Error(`otpkit: provider "${provider.name}" has no valid \`resend\` behaviour.`);
  }
  if (!Number.isInteger(provider.codeLength) || provider.codeLength < 4 || provider.codeLength > 10) {
    throw new Error(`otpkit: provider "${provider.name}" has an invalid codeLength.`);
  }
  return provider;
}

function checkSecret(secret: unknown): Uint8Array<ArrayBuffer> {
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw new Error('otpkit: `secret` must be a string or Uint8Array of at least 32 bytes.');
  }
  const bytes = secretBytes(secret);
  if (bytes.byteLength < 32) {
    throw new Error(
      `otpkit: \`secret\` must be at least 32 bytes (got ${bytes.byteLength}). Use e.g. \`openssl rand -base64 32\`.`,
    );
  }
  return bytes;
}

function checkOrigins(origins: readonly string[] = []): Set<string> {
  return new Set(
    origins.map((origin) => {
      try {
        return new URL(origin).origin;
      } catch {
        throw new Error(`otpkit: allowedOrigins entry "${origin}" is not an origin like https://app.example.com.`);
      }
    }),
  );
}

/** Options checked once at creation: a misconfigured handler fails at boot, not on the first user's request. */
export function resolveOptions(options: OtpHandlerOptions): ResolvedConfig {
  for (const prefix of options.allowedCountries ?? []) {
    if (!/^\+[1-9]\d{0,5}$/.test(prefix))
      throw new Error(`otpkit: allowedCountries entry "${prefix}" must look like "+44".`);
  }
  const trustProxy = options.trustProxy ?? false;
  if (typeof trustProxy !== 'boolean' && typeof trustProxy !== 'function') {
    throw new Error('otpkit: `trustProxy` must be a boolean or a function.');
  }
  return {
    provider: checkProvider(options.provider),
    secret: checkSecret(options.secret),
    store: options.store ?? memoryStore(),
    ttlMs: positiveInt('codeTtlSeconds', options.codeTtlSeconds, 300) * 1000,
    maxAttempts: positiveInt('maxAttempts', options.maxAttempts, 5),
    maxFailures: positiveInt('maxFailuresPerNumber', options.maxFailuresPerNumber, 10),
    failureWindowMs: positiveInt('failureWindowSeconds', options.failureWindowSeconds, 3600) * 1000,
    cooldownMs: positiveInt('resendCooldownSeconds', options.resendCooldownSeconds, 60) * 1000,
    numberLimit: limitOption('numberLimit', options.numberLimit, [5, 600]),
    ipLimit: limitOption('ipLimit', options.ipLimit, [20, 3600]),
    trustProxy,
    allowedCountries: options.allowedCountries,
    allowedOrigins: checkOrigins(options.allowedOrigins),
    allowEmail: options.allowEmail ?? false,
    timeoutMs: positiveInt('timeoutMs', options.timeoutMs, 8000),
    proofTtlMs: positiveInt('proofTtlSeconds', options.proofTtlSeconds, 600) * 1000,
    onVerified: options.onVerified,
    logger: options.logger ?? consoleLogger,
    now: options.now ?? Date.now,
  };
}
