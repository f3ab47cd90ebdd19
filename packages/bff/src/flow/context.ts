import type { BotCheck } from '../bot-checks/types.js';
import type { HandlerKeys } from '../crypto.js';
import { describeError, OtpError } from '../errors.js';
import type { OtpProvider } from '../providers/types.js';
import type { OtpStore } from '../stores/types.js';
import type { OtpHandlerOptions, OtpLogger } from '../types.js';
import type { OtpEventListener } from './events.js';
import type { ProofIdentity, ProofKeyring } from './proof.js';

/** The name of the one purpose of a handler that declares none (and of a send that names none). */
export const DEFAULT_PURPOSE = 'default';

/** One purpose's policy, defaulted from the handler's options; durations in ms. */
export interface PurposePolicy {
  ttlMs: number;
  maxAttempts: number;
  proofTtlMs: number;
}

/** The flow's settings, checked and defaulted by config.ts; durations in ms. */
export interface FlowConfig {
  ttlMs: number;
  maxAttempts: number;
  maxFailures: number;
  failureWindowMs: number;
  maxFailuresPerDay: number;
  cooldownMs: number;
  numberLimit: { limit: number; windowMs: number };
  ipLimit: { limit: number; windowMs: number };
  allowedCountries: readonly string[] | undefined;
  deniedCountries: readonly string[] | undefined;
  refusedNumberTypes: readonly string[];
  sendBudget: { perHour: number; perDay: number };
  countryBudget: { default: number; perCountry: Readonly<Record<string, number>> };
  prefixVelocity: { digits: number; limit: number; windowMs: number };
  beforeSend: OtpHandlerOptions['beforeSend'];
  /** The bot check of sends and resends, when configured. */
  botCheck: { verify: BotCheck; whenUnavailable: 'refuse' | 'allow' } | undefined;
  testNumbers: ReadonlyMap<string, string>;
  allowEmail: boolean;
  timeoutMs: number;
  proofTtlMs: number;
  /** Every purpose the handler serves, by name (just `default` when the options declare none). */
  purposes: ReadonlyMap<string, PurposePolicy>;
  /** `iss` / `aud` of the proofs. */
  proofIdentity: ProofIdentity;
  onVerified: OtpHandlerOptions['onVerified'];
  onEvent: OtpEventListener | undefined;
  /** Delivery callbacks are on: mark each message id at send (flow/delivery.ts). */
  trackDelivery: boolean;
  now: () => number;
}

/** What every flow function runs over. No Request, no Response, no provider's name: plain rules. */
export interface FlowContext {
  store: OtpStore;
  provider: OtpProvider;
  /** Derived from the secret once, on first use. */
  keys: () => Promise<HandlerKeys>;
  /** The proof signing and verification keys, built once, on first use. */
  proofKeys: () => Promise<ProofKeyring>;
  config: FlowConfig;
  logger: OtpLogger;
  /** Warnings already given (each is worth one line per process, not one per request). */
  warned: Set<string>;
}

/** Who asked: the client's address (after trustProxy) and the request, when there is one. */
export interface Caller {
  clientIp?: string | undefined;
  request?: Request | undefined;
}

/** Every store call goes through here: a store that is down is a 503, whatever it threw, logged with its cause
 * chain (a wrong password, a refused connection and a timeout must not all read "store unavailable"). */
export async function fromStore<T>(ctx: FlowContext, call: (store: OtpStore) => Promise<T>): Promise<T> {
  try {
    return await call(ctx.store);
  } catch (error) {
    ctx.logger.error('store unavailable', { error: describeError(error) });
    throw error instanceof OtpError && error.code === 'provider_unavailable'
      ? error
      : new OtpError('provider_unavailable', { message: 'The verification store is unavailable.', cause: error });
  }
}

/**
 * Every provider call goes through here: OtpErrors pass through; anything else a provider throws is a 503. An
 * outage is logged here (the browser only hears "try again"); credential and configuration errors by the HTTP
 * layer's error response.
 */
export async function fromProvider<T>(ctx: FlowContext, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  // A timer cleared when the call settles, not AbortSignal.timeout: that one stays armed for the whole timeoutMs after
  // the call (then fires, builds a DOMException and dispatches an abort nobody listens to) and is tracked through weak
  // references, which made it the costliest step of a verify in a profile of the bench (more than the store).
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The provider call timed out.', 'TimeoutError')),
    ctx.config.timeoutMs,
  );
  try {
    return await call(controller.signal);
  } catch (error) {
    if (!(error instanceof OtpError)) {
      ctx.logger.error('provider call failed', { provider: ctx.provider.name, error: describeError(error) });
      throw new OtpError('provider_unavailable', {
        message: 'The verification provider is unavailable. Try again shortly.',
        cause: error,
      });
    }
    if (error.code === 'provider_unavailable') {
      ctx.logger.warn('provider unavailable', { provider: ctx.provider.name, error: describeError(error) });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Whole seconds for a wait in ms, at least 1 (a `retryAfter` of 0 would invite an instant retry). */
export const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
