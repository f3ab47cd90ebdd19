import type { Channel, Locale } from '../contract.js';
import { randomId } from '../crypto.js';
import { CallOutcome, isObject, type LocalCodeProvider, OtpError, type ResendBehaviour } from './kit.js';

/** What your `send` receives: everything needed to deliver one code, and nothing to check it with. */
export interface CustomCodeMessage {
  /** E.164 number or e-mail address, already validated. */
  to: string;
  /** The code the BFF generated (and will check). Put it in the message and nowhere else: not in a log line. */
  code: string;
  /** The browser's BCP 47 tag, if it sent one. */
  locale: Locale | undefined;
  /** The channel this message goes by: `email` for an e-mail address, else the provider's `channel`. */
  channel: Channel;
  /** How long the code is valid, to say so in the message. */
  ttlSeconds: number;
  /** Aborts at the handler's `timeoutMs`: pass it to your HTTP client. */
  signal: AbortSignal;
}

export interface CustomCodesOptions {
  /** For log lines and error messages. @defaultValue 'custom' */
  name?: string;
  /** Digits the BFF generates, 4-10. @defaultValue 6 */
  codeLength?: number;
  /** The channel your `send` delivers phone codes by (e-mail addresses always report `email`).
   * @defaultValue 'sms' */
  channel?: Channel;
  /** Delivers one code. Throw an `OtpError` to choose the answer (`undeliverable`, `invalid_phone`, a
   * `rate_limited` with its `retryAfter`…); anything else thrown is a 503 `provider_unavailable`, logged with its
   * message, so keep codes and full numbers out of your errors. May resolve to `{ messageId }` (kept server-side);
   * any other value is ignored. */
  send(message: CustomCodeMessage): Promise<unknown>;
  /** @defaultValue 'new-code' (each send delivers a fresh code) */
  resend?: ResendBehaviour;
}

/**
 * A provider from one function: the BFF generates, hashes and checks the code, your `send` delivers it (an SMS
 * gateway, a chat app, e-mail: see `smtpEmail` in `@otpkit/bff/smtp`).
 */
export function customCodes(options: CustomCodesOptions): LocalCodeProvider {
  const { name = 'custom', codeLength = 6, channel = 'sms', resend = 'new-code' } = options;
  if (typeof options.send !== 'function') throw new TypeError('customCodes(): `send` is required.');
  if (!Number.isInteger(codeLength) || codeLength < 4 || codeLength > 10) {
    throw new TypeError('customCodes(): `codeLength` must be an integer from 4 to 10.');
  }
  if (!['sms', 'whatsapp', 'email', 'voice'].includes(channel)) {
    throw new TypeError("customCodes(): `channel` is 'sms', 'whatsapp', 'email' or 'voice'.");
  }
  // A locally generated code is never blocked by the provider nor re-sent as the same code by the BFF.
  if (resend !== 'new-code' && resend !== 'blocked-while-valid') {
    throw new TypeError("customCodes(): `resend` is 'new-code' or 'blocked-while-valid'.");
  }
  return {
    name,
    codeSource: 'local',
    codeLength,
    resend,
    async send({ to, code, locale, ttlSeconds, signal }) {
      const used: Channel = to.includes('@') ? 'email' : channel;
      const sent: unknown = await untilAborted(signal, name, async () =>
        options.send({ to, code, locale, channel: used, ttlSeconds, signal }),
      );
      const id = isObject(sent) ? sent.messageId : undefined;
      return { messageId: typeof id === 'string' && id !== '' ? id : randomId(), channel: used };
    },
  };
}

/**
 * `work`, or a timeout when `signal` aborts first: a `send` that ignores its signal must not hold the request
 * forever. The message may still go out after that (the work is not stopped), which the error says.
 */
function untilAborted<T>(signal: AbortSignal, name: string, start: () => Promise<T>): Promise<T> {
  const timeout = () =>
    new OtpError('provider_unavailable', {
      message: `${name} did not answer in time.`,
      cause: new CallOutcome('timeout', true),
    });
  if (signal.aborted) return Promise.reject(timeout());
  const work = start();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timeout());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
