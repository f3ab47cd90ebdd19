import {
  type HostedCodeProvider,
  type LocalCodeProvider,
  mayHaveGoneOut,
  OtpError,
  type OtpProvider,
  type ProviderSendInput,
  type ProviderSendResult,
  type ResendBehaviour,
} from './kit.js';

/** Where failover() says which provider served or failed (the handler's `logger` fits). Fields hold provider
 * names and error codes only: never a number, a code, a message id or a secret. */
export interface FailoverLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface FailoverOptions {
  /**
   * A send that failed in a way that may still have delivered the message (a timeout, an unreadable success, a
   * proxy's 500 or 504): 'stop' answers the error (the user retries after the cooldown; no second message),
   * 'next' tries the next provider anyway (faster delivery, maybe two messages; with local codes both carry the
   * same code). @defaultValue 'stop'
   */
  onSendMayHaveGoneOut?: 'stop' | 'next';
  /** A timeout for each provider's attempt, so that a hanging provider leaves time for the next one within the
   * handler's `timeoutMs`. Unset: only the handler's timeout applies (a hang then ends the whole send). */
  attemptTimeoutMs?: number;
  logger?: FailoverLogger;
  /** @defaultValue 'failover(<names>)' */
  name?: string;
}

/** The contract codes that say "this provider cannot deliver now" rather than "this request must not go out". */
const NEXT_ON = new Set(['provider_unavailable', 'provider_error', 'undeliverable', 'invalid_phone']);

/** The strictest resend behaviour of the providers: see failover()'s comment. */
function combinedResend(providers: readonly OtpProvider[]): ResendBehaviour {
  if (providers.some((p) => p.resend === 'blocked-while-valid')) return 'blocked-while-valid';
  if (providers.some((p) => p.resend === 'same-code')) return 'same-code';
  return 'new-code';
}

/**
 * Tries each provider in turn until one delivers. The next one is tried when a provider is down or too slow
 * (`provider_unavailable`), refuses our account (`provider_error`: suspended, out of funds), or cannot deliver to
 * this recipient (`undeliverable`, and `invalid_phone`: numbering plans differ between providers and no message
 * goes out when a number is refused). Never after a provider's own limit (`rate_limited`), a policy refusal
 * (`forbidden`: fraud or geo blocks must not be routed around) or, unless `onSendMayHaveGoneOut: 'next'`, a send
 * that may have gone out.
 *
 * All providers must have the same `codeSource` and `codeLength`. With local codes (engagelab custom, unimtx
 * custom, customCodes, smtpEmail) the BFF checks the code whoever delivered it. With provider-checked codes the
 * message id becomes `"<index>:<id>"`, so verify and cancel go to the provider that holds the verification. Mixing
 * the two is refused: a code only one provider can check cannot move to another.
 *
 * `resend` is the strictest of the providers' ('blocked-while-valid' over 'same-code' over 'new-code'), and
 * `cancel` skips the same-code providers, as the flow would for them alone.
 */
export function failover(providers: readonly LocalCodeProvider[], options?: FailoverOptions): LocalCodeProvider;
export function failover(providers: readonly HostedCodeProvider[], options?: FailoverOptions): HostedCodeProvider;
export function failover(providers: readonly OtpProvider[], options?: FailoverOptions): OtpProvider;
export function failover(providers: readonly OtpProvider[], options: FailoverOptions = {}): OtpProvider {
  const { onSendMayHaveGoneOut = 'stop', attemptTimeoutMs, logger } = options;
  const first = providers[0];
  if (!Array.isArray(providers) || first === undefined) {
    throw new TypeError('failover(): give at least one provider.');
  }
  const mixed = providers.find((p) => p.codeSource !== first.codeSource);
  if (mixed) {
    throw new TypeError(
      `failover(): "${first.name}" and "${mixed.name}" check codes differently (codeSource ${first.codeSource} vs ` +
        `${mixed.codeSource}). Use providers of one kind, e.g. their custom-code modes.`,
    );
  }
  const odd = providers.find((p) => p.codeLength !== first.codeLength);
  if (odd) throw new TypeError(`failover(): "${odd.name}" has another codeLength than "${first.name}".`);
  if (onSendMayHaveGoneOut !== 'stop' && onSendMayHaveGoneOut !== 'next') {
    throw new TypeError("failover(): `onSendMayHaveGoneOut` is 'stop' or 'next'.");
  }
  if (attemptTimeoutMs !== undefined && !(Number.isInteger(attemptTimeoutMs) && attemptTimeoutMs > 0)) {
    throw new TypeError('failover(): `attemptTimeoutMs` must be a positive integer.');
  }
  const name = options.name ?? `failover(${providers.map((p) => p.name).join(',')})`;

  /** Runs `send` on each provider in turn; returns the first success with its index. */
  async function attempt(
    input: ProviderSendInput,
    send: (provider: OtpProvider, signal: AbortSignal) => Promise<ProviderSendResult>,
  ): Promise<ProviderSendResult> {
    let last: unknown;
    for (const [index, provider] of providers.entries()) {
      const signal =
        attemptTimeoutMs === undefined
          ? input.signal
          : AbortSignal.any([input.signal, AbortSignal.timeout(attemptTimeoutMs)]);
      try {
        const sent = await send(provider, signal);
        logger?.info('failover: sent', { failover: name, provider: provider.name, attempt: index + 1 });
        return {
          messageId: `${index}:${sent.messageId}`,
          channel: sent.channel,
          servedBy: sent.servedBy ?? provider.name,
        };
      } catch (error) {
        last = error;
        const code = error instanceof OtpError ? error.code : 'provider_unavailable';
        const uncertain = mayHaveGoneOut(error);
        const next =
          index < providers.length - 1 &&
          !input.signal.aborted &&
          NEXT_ON.has(code) &&
          (!uncertain || onSendMayHaveGoneOut === 'next');
        logger?.warn(next ? 'failover: provider failed, trying the next one' : 'failover: provider failed', {
          failover: name,
          provider: provider.name,
          attempt: index + 1,
          error: code,
          mayHaveGoneOut: uncertain,
        });
        if (!next) break;
      }
    }
    throw last;
  }

  /** The provider holding a verification, by its message id's prefix. An id without one is the primary's (a
   * record made before failover was configured). */
  function holder(messageId: string): { provider: OtpProvider; id: string } {
    const match = /^(\d+):([\s\S]*)$/.exec(messageId);
    if (!match) return { provider: first!, id: messageId };
    const provider = providers[Number(match[1])];
    // A record from a longer provider list: that provider is gone, and with it the code.
    if (!provider) throw new OtpError('expired', { message: `${name}: the provider of this verification is gone.` });
    return { provider, id: match[2]! };
  }

  const cancellable = providers.some((p) => p.cancel && p.resend !== 'same-code');
  const common = {
    name,
    codeLength: first.codeLength,
    resend: combinedResend(providers),
    // A channel any of the providers may be failed over to must be one all of them can be asked for.
    channels: (first.channels ?? []).filter((c) => providers.every((p) => p.channels?.includes(c))),
    ...(cancellable
      ? {
          async cancel(input: { messageId: string; to: string; signal: AbortSignal }) {
            const { provider, id } = holder(input.messageId);
            if (!provider.cancel || provider.resend === 'same-code') return;
            await provider.cancel({ ...input, messageId: id });
          },
        }
      : {}),
  };

  if (first.codeSource === 'local') {
    return {
      ...common,
      codeSource: 'local',
      // The same code goes to whichever provider delivers: the BFF checks it, not the provider.
      send: (input) => attempt(input, (p, signal) => (p as LocalCodeProvider).send({ ...input, signal })),
    };
  }
  return {
    ...common,
    codeSource: 'provider',
    send: (input) => attempt(input, (p, signal) => (p as HostedCodeProvider).send({ ...input, signal })),
    async verify(input) {
      const { provider, id } = holder(input.messageId);
      return (provider as HostedCodeProvider).verify({ ...input, messageId: id });
    },
  };
}
