import { secretBytes } from './crypto.js';
import { DEFAULT_PURPOSE, type FlowConfig, type PurposePolicy } from './flow/context.js';
import { algorithmOf } from './flow/proof.js';
import { REFUSED_TYPES_BY_DEFAULT } from './flow/recipient.js';
import type { OtpProvider } from './providers/types.js';
import { memoryStore } from './stores/memory.js';
import type { OtpStore } from './stores/types.js';
import type { OtpHandlerOptions, OtpLogger, ProofKey } from './types.js';

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
  /** Configured proof keys, newest first; undefined: the key derived from `secret`. */
  proofKeys: readonly ProofKey[] | undefined;
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

/** Purpose names travel in JSON bodies and JWT claims: short, plain, no spaces. */
const PURPOSE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function checkPurposes(options: OtpHandlerOptions, base: PurposePolicy): Map<string, PurposePolicy> {
  const declared = options.purposes ?? { [DEFAULT_PURPOSE]: {} };
  if (typeof declared !== 'object' || declared === null || Object.keys(declared).length === 0) {
    throw new Error('otpkit: `purposes` must name at least one purpose, e.g. { "sign-in": {} }.');
  }
  const purposes = new Map<string, PurposePolicy>();
  for (const [name, policy = {}] of Object.entries(declared)) {
    if (!PURPOSE_NAME.test(name)) {
      throw new Error(`otpkit: purpose "${name}" must be 1-64 letters, digits, '.', '_' or '-'.`);
    }
    purposes.set(name, {
      ttlMs: positiveInt(`purposes.${name}.codeTtlSeconds`, policy.codeTtlSeconds, base.ttlMs / 1000) * 1000,
      maxAttempts: positiveInt(`purposes.${name}.maxAttempts`, policy.maxAttempts, base.maxAttempts),
      proofTtlMs:
        positiveInt(`purposes.${name}.proofTtlSeconds`, policy.proofTtlSeconds, base.proofTtlMs / 1000) * 1000,
    });
  }
  return purposes;
}

function checkBotCheck(option: OtpHandlerOptions['botCheck']): ResolvedConfig['botCheck'] {
  if (option === undefined) return undefined;
  const { verify, whenUnavailable = 'refuse' } = typeof option === 'function' ? { verify: option } : option;
  if (typeof verify !== 'function') {
    throw new Error(
      'otpkit: `botCheck` must be a BotCheck (e.g. turnstile({ secret })) or { verify, whenUnavailable }.',
    );
  }
  if (whenUnavailable !== 'refuse' && whenUnavailable !== 'allow') {
    throw new Error("otpkit: `botCheck.whenUnavailable` must be 'refuse' or 'allow'.");
  }
  return { verify, whenUnavailable };
}

function checkProofKeys(keys: OtpHandlerOptions['proofKeys']): ProofKey[] | undefined {
  if (keys === undefined) return undefined;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('otpkit: `proofKeys` must list at least one key.');
  const kids = new Set<string>();
  keys.forEach((key, i) => {
    const jwk = key?.privateJwk ?? key?.publicJwk;
    if (typeof key?.kid !== 'string' || key.kid === '' || kids.has(key.kid)) {
      throw new Error(`otpkit: proofKeys[${i}] needs a \`kid\` of its own.`);
    }
    kids.add(key.kid);
    if (!jwk || algorithmOf(jwk) === undefined) {
      throw new Error(`otpkit: proofKeys[${i}] must be an Ed25519 (OKP) or P-256 (EC) JWK.`);
    }
    if (i === 0 && typeof key.privateJwk?.d !== 'string') {
      throw new Error('otpkit: proofKeys[0] signs new proofs: give its privateJwk (with `d`).');
    }
  });
  return keys;
}

/** Options checked once at creation: a misconfigured handler fails at boot, not on the first user's request. */
export function resolveOptions(options: OtpHandlerOptions): ResolvedConfig {
  for (const country of [...(options.allowedCountries ?? []), ...(options.deniedCountries ?? [])]) {
    if (!/^([A-Z]{2}|001)$/.test(country)) {
      throw new Error(
        `otpkit: country "${country}" must be an ISO 3166-1 alpha-2 code such as "GB" (calling-code prefixes like "+44" ` +
          'are not countries: +1 is the US, Canada and 23 other countries).',
      );
    }
  }
  const testNumbers = new Map(Object.entries(options.testNumbers ?? {}));
  for (const [number, code] of testNumbers) {
    if (!/^\+[1-9]\d{6,14}$/.test(number) || !new RegExp(`^\\d{${options.provider?.codeLength}}$`).test(code)) {
      throw new Error(
        `otpkit: testNumbers entry "${number}" must map an E.164 number to a code of the provider's ${options.provider?.codeLength} digits.`,
      );
    }
  }
  if (testNumbers.size > 0) {
    (options.logger ?? consoleLogger).warn(`test numbers enabled: ${testNumbers.size} number(s) accept a fixed code`);
  }
  const trustProxy = options.trustProxy ?? false;
  if (typeof trustProxy !== 'boolean' && typeof trustProxy !== 'function') {
    throw new Error('otpkit: `trustProxy` must be a boolean or a function.');
  }
  const base: PurposePolicy = {
    ttlMs: positiveInt('codeTtlSeconds', options.codeTtlSeconds, 300) * 1000,
    maxAttempts: positiveInt('maxAttempts', options.maxAttempts, 5),
    proofTtlMs: positiveInt('proofTtlSeconds', options.proofTtlSeconds, 600) * 1000,
  };
  return {
    provider: checkProvider(options.provider),
    secret: checkSecret(options.secret),
    store: options.store ?? memoryStore(),
    ...base,
    purposes: checkPurposes(options, base),
    maxFailures: positiveInt('maxFailuresPerNumber', options.maxFailuresPerNumber, 10),
    failureWindowMs: positiveInt('failureWindowSeconds', options.failureWindowSeconds, 3600) * 1000,
    maxFailuresPerDay: positiveInt('maxFailuresPerNumberPerDay', options.maxFailuresPerNumberPerDay, 100),
    cooldownMs: positiveInt('resendCooldownSeconds', options.resendCooldownSeconds, 60) * 1000,
    numberLimit: limitOption('numberLimit', options.numberLimit, [5, 600]),
    ipLimit: limitOption('ipLimit', options.ipLimit, [20, 3600]),
    trustProxy,
    allowedCountries: options.allowedCountries,
    deniedCountries: options.deniedCountries,
    refusedNumberTypes: options.refusedNumberTypes ?? REFUSED_TYPES_BY_DEFAULT,
    sendBudget: {
      perHour: positiveInt('sendBudget.perHour', options.sendBudget?.perHour, 1000),
      perDay: positiveInt('sendBudget.perDay', options.sendBudget?.perDay, 10_000),
    },
    countryBudget: {
      default: positiveInt('countryBudget.default', options.countryBudget?.default, 300),
      perCountry: options.countryBudget?.perCountry ?? {},
    },
    prefixVelocity: {
      digits: positiveInt('prefixVelocity.digits', options.prefixVelocity?.digits, 2),
      limit: positiveInt('prefixVelocity.limit', options.prefixVelocity?.limit, 10),
      windowMs: positiveInt('prefixVelocity.windowSeconds', options.prefixVelocity?.windowSeconds, 3600) * 1000,
    },
    beforeSend: options.beforeSend,
    botCheck: checkBotCheck(options.botCheck),
    testNumbers,
    allowedOrigins: checkOrigins(options.allowedOrigins),
    allowEmail: options.allowEmail ?? false,
    timeoutMs: positiveInt('timeoutMs', options.timeoutMs, 8000),
    proofKeys: checkProofKeys(options.proofKeys),
    proofIdentity: { issuer: options.proofIssuer, audience: options.proofAudience },
    // Message ids are marked as ours at send only when the provider reads delivery callbacks.
    trackDelivery: typeof options.provider?.deliveryReports === 'function',
    onVerified: options.onVerified,
    onEvent: options.onEvent,
    logger: options.logger ?? consoleLogger,
    now: options.now ?? Date.now,
  };
}
