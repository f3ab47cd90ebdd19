// The verification flow as a small framework-free store (like zustand's vanilla store): the hook only subscribes.
// No React here: `no-react.test.ts` proves it.
import { type OtpClient, OtpClientError, type SendResult } from './client.js';
import type { Channel, Locale, OtpErrorCode } from './contract.js';
import { canVerify, isVerified, type OtpStatus, statusOfError } from './status.js';

export interface OtpStateError {
  code: OtpErrorCode;
  /** Plain English for developers (from the server, or the client's own); show localized text to users. */
  message: string;
}

/** The state of one verification flow. Deadlines are epoch ms on the CLIENT's clock. */
export interface OtpState {
  status: OtpStatus;
  /** The open verification (opaque, from the server); null before a send and after a 404. */
  verificationId: string | null;
  /** Masked recipient, from the server. */
  to: string | null;
  channel: Channel | null;
  /** When the code expires (client clock). */
  expiresAt: number | null;
  /** When a resend is allowed (client clock). */
  resendAt: number | null;
  /** `rate_limited` / `too_many_attempts`: when to try again (client clock), from the server's `retryAfter`. */
  retryAt: number | null;
  attemptsLeft: number | null;
  /** Digits in the code; 6 until the server says otherwise. */
  codeLength: number;
  /** Signed token from a successful verify, for the app's server (`otp.verifyProof(proof)`). */
  proof: string | null;
  error: OtpStateError | null;
  /** Bumps on each wrong code (the input clears and refocuses). */
  wrongCodes: number;
}

/** Options of one send. */
export interface SendOptions {
  /** The message template's language (BCP 47). @defaultValue the machine's `locale` */
  locale?: Locale;
  /** Ask for this channel ("Send by WhatsApp", "Call me"). @defaultValue the server's */
  channel?: Channel;
}

/** Options of one resend. */
export interface ResendOptions {
  /** The new code goes by this channel. @defaultValue the server's */
  channel?: Channel;
}

export interface OtpMachineOptions {
  /** The message template's language (BCP 47) for a `send` that names none. */
  locale?: Locale;
  /** Runs once per verification, when the server accepted the code; `to` is the masked recipient. */
  onVerified?: (result: { proof: string; to: string }) => void;
  /** Clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

export interface OtpMachine {
  getState(): OtpState;
  /** Calls `listener` after every state change. Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Starts a new verification (cancels nothing server-side). Ignored while a request is in flight. After a
   * `reset()`, a send to the same recipient while its code is still open returns to that code (no request, no new
   * message: the code the user may already have keeps working). */
  send(to: string, options?: SendOptions): Promise<void>;
  /** Checks a code. Ignored unless a code is open and no request is in flight (so a duplicate never goes out). */
  verify(code: string): Promise<void>;
  /** New code for the open verification (by `channel`, when given); if the server no longer knows it, a fresh send
   * to the same recipient. */
  resend(options?: ResendOptions): Promise<void>;
  /** Moves an open code to `expired` once its `expiresAt` has passed (call it when an ExpiryCountdown reaches
   * zero); a no-op before that, and while a request is in flight: that answer still lands, then this runs again.
   * `error` is left as it was (the last request's error, if any). */
  expire(): void;
  /** Aborts any request and returns to `idle` ("change number"). An open code is kept aside: see `send`. */
  reset(): void;
  /** Aborts any request; its result is dropped and the status rolls back. The machine stays usable, because
   * React StrictMode and <Activity> clean up and re-run effects on the same instance. */
  dispose(): void;
}

export const initialOtpState: OtpState = {
  status: 'idle',
  verificationId: null,
  to: null,
  channel: null,
  expiresAt: null,
  resendAt: null,
  retryAt: null,
  attemptsLeft: null,
  codeLength: 6,
  proof: null,
  error: null,
  wrongCodes: 0,
};

export function createOtpMachine(client: OtpClient, options: OtpMachineOptions = {}): OtpMachine {
  const now = options.now ?? Date.now;
  const listeners = new Set<() => void>();
  let state = initialOtpState;
  // The full recipient, kept (never in state) so a resend can fall back to a fresh send after a 404.
  let last: [to: string, options: SendOptions] | undefined;
  // What reset() set aside: the recipient and the state of its still-open code.
  let kept: [to: string, state: OtpState] | undefined;
  // The request in flight and the status before it. A response is used only while its flight is still this
  // one: reset/dispose clear it, so a late answer is dropped.
  let flight: [AbortController, OtpStatus] | undefined;

  // Every change, and every listener told of it (except dispose's roll-back, below).
  const set = (patch: Partial<OtpState>) => {
    state = { ...state, ...patch };
    for (const listener of listeners) listener();
  };

  const abort = () => {
    const before = flight;
    flight = undefined;
    before?.[0].abort();
    return before?.[1];
  };

  /** Server timestamps -> the client's clock. A device clock that is minutes off would otherwise show a countdown
   * that is minutes wrong (or already over), so deadlines are shifted by the device's offset from the server's
   * `Date` header. That header is TRUNCATED to the second, so with clocks that agree `now() - serverNow` is
   * 0-999 ms plus the response's latency: shifting by that made every countdown up to ~1 s long (a 300 s code
   * showed "5:01"). So an offset within -1 s..+2 s counts as "the clocks agree" and the server's times are used
   * as they are (a real offset that small cannot be told from the truncation anyway); a larger one is applied
   * whole, erring late, so the resend button enables a moment after the server would allow it, never before.
   * Without the header (or if CORS hides it), the device clock is used. */
  const sent = ({ serverNow, expiresAt, resendAt, ...result }: SendResult) => {
    let skew = now() - (serverNow ?? now());
    if (Math.abs(skew - 500) < 1500) skew = 0;
    set({
      ...result,
      status: 'code_sent',
      expiresAt: Date.parse(expiresAt) + skew,
      resendAt: Date.parse(resendAt) + skew,
      retryAt: null,
      error: null,
    });
  };

  const failed = ({ code, message, retryAfter }: OtpClientError) =>
    set({
      status: statusOfError(code),
      error: { code, message },
      retryAt: retryAfter === undefined ? null : now() + retryAfter * 1000,
      // Unknown, forged, cancelled by a resend in another tab, or gone from the server's store (restart, TTL):
      // reported as an `error` with code not_found, and the open verification is dropped, so verify is off and
      // `resend()` starts a fresh send to the same recipient.
      ...(code === 'not_found' && { verificationId: null }),
      ...(code === 'too_many_attempts' && { attemptsLeft: 0 }),
    });

  /** Runs one request: at most one is in flight, so a second click or a duplicate onComplete is a no-op. */
  async function run<T>(
    start: Partial<OtpState>,
    request: (signal: AbortSignal) => Promise<T>,
    onResult: (result: T) => unknown,
    onError: (error: OtpClientError) => unknown = failed,
  ): Promise<void> {
    const mine: typeof flight = [new AbortController(), state.status];
    flight = mine;
    set(start);
    // Any other throw (a custom client's bug) becomes an error state, never a rejection into React.
    const settle = await request(mine[0].signal).then(
      (result) => () => onResult(result),
      (error) => () =>
        onError(
          error instanceof OtpClientError
            ? error
            : new OtpClientError('internal_error', { status: 0, message: String(error), cause: error }),
        ),
    );
    if (flight === mine) {
      flight = undefined;
      await settle();
      // A verify sent before the deadline and answered after it: a wrong code (or a network error) leaves a code
      // that can no longer succeed, and the countdown that would call expire() has already fired.
      machine.expire();
    }
  }

  const machine: OtpMachine = {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async send(to, { locale = options.locale, channel } = {}) {
      if (flight) return;
      const [keptTo, keptState] = kept ?? [];
      kept = undefined;
      last = [to, { locale }];
      // (A channel asked for is a new message by that channel: the kept code is not what the user wants then.)
      if (keptState && keptTo === to && !channel && now() < (keptState.expiresAt as number)) {
        return set({ ...keptState, status: 'code_sent', error: null });
      }
      const { codeLength, wrongCodes } = state;
      await run(
        { ...initialOtpState, status: 'sending', codeLength, wrongCodes },
        (signal) => client.send({ to, locale, ...(channel && { channel }), signal }),
        sent,
      );
    },

    async verify(code) {
      const id = state.verificationId;
      if (flight || !canVerify(state)) return;
      await run(
        { status: 'verifying' },
        (signal) => client.verify({ verificationId: id as string, code, signal }),
        (result) => {
          if (result.verified) {
            set({ status: 'verified', proof: result.proof, error: null, retryAt: null });
            // Called after the state is final: if the app's callback throws, the flow is still verified and the
            // error rejects this verify() (an unhandled rejection, reported like any event-handler error).
            options.onVerified?.({ proof: result.proof, to: state.to as string });
          } else {
            // attemptsLeft 0: the server's next answer would be 429 too_many_attempts, so say it now rather than
            // let the user type another code that cannot succeed.
            set({
              status: result.attemptsLeft ? 'invalid_code' : 'too_many_attempts',
              attemptsLeft: result.attemptsLeft,
              wrongCodes: state.wrongCodes + 1,
              error: null,
            });
          }
        },
      );
    },

    async resend({ channel } = {}) {
      const id = state.verificationId;
      // Nothing to resend once verified (`verified`, `already_verified`).
      if (flight || isVerified(state.status)) return;
      const again = () => last && machine.send(last[0], { ...last[1], ...(channel && { channel }) });
      if (id === null) return again();
      await run(
        { status: 'sending' },
        (signal) => client.resend({ verificationId: id, ...(channel && { channel }), signal }),
        sent,
        // Gone from the server: a fresh send to the same recipient (which starts from a state without this id).
        (error) => (error.code === 'not_found' && last ? again() : failed(error)),
      );
    },

    expire() {
      // The server's deadline, on this clock (see `sent`): past it the server would answer 410 to any code, so
      // the input closes now instead of after one more request. (While a request is in flight the status is
      // sending or verifying, which canVerify excludes.)
      if (canVerify(state) && now() >= (state.expiresAt as number)) set({ status: 'expired' });
    },

    reset() {
      abort();
      // (A code in flight or finished is not worth keeping: canVerify says which can still succeed.)
      kept = last && canVerify(state) ? [last[0], state] : undefined;
      last = undefined;
      set(initialOtpState);
    },

    dispose() {
      const before = abort();
      // No emit: the component is going away; a remount reads the rolled-back state through getState.
      if (before) state = { ...state, status: before };
    },
  };
  return machine;
}
