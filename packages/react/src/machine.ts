// The verification flow as a small framework-free store (like zustand's vanilla store): the hook only subscribes.
// No React here: `no-react.test.ts` proves it.
import { type OtpClient, OtpClientError } from './client.js';
import type { Locale, OtpState, OtpStatus, SendResult } from './types.js';

export interface OtpMachineOptions {
  /** Locale for `send` when none is given. */
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
  /** Starts a new verification (cancels nothing server-side). Ignored while a request is in flight. */
  send(to: string, locale?: Locale): Promise<void>;
  /** Checks a code. Ignored unless a code is open and no request is in flight (so a duplicate never goes out). */
  verify(code: string): Promise<void>;
  /** New code for the open verification; if the server no longer knows it, a fresh send to the same recipient. */
  resend(): Promise<void>;
  /** Aborts any request and returns to `idle`. */
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

/** Statuses in which a code may be checked, provided a verification is open (`verificationId`). `error` and
 * `rate_limited` keep the open verification, so a network error or a refused resend does not lose the code. */
const CODE_STATES = new Set<OtpStatus>(['code_sent', 'invalid_code', 'error', 'rate_limited']);
const DONE_STATES = new Set<OtpStatus>(['verified', 'already_verified']);

/** True when `verify` would send the code now: the input should be enabled. */
export const canVerify = (state: OtpState): boolean => state.verificationId !== null && CODE_STATES.has(state.status);

export function createOtpMachine(client: OtpClient, options: OtpMachineOptions = {}): OtpMachine {
  const now = options.now ?? Date.now;
  const listeners = new Set<() => void>();
  let state = initialOtpState;
  // The full recipient, kept (never in state) so a resend can fall back to a fresh send after a 404.
  let last: { to: string; locale: Locale | undefined } | null = null;
  // Bumped by reset/dispose: a response that arrives for an older generation is dropped.
  let generation = 0;
  let inFlight: { controller: AbortController; before: OtpStatus } | null = null;

  const set = (patch: Partial<OtpState>) => {
    state = { ...state, ...patch };
    for (const listener of listeners) listener();
  };

  function abort(): OtpStatus | null {
    if (!inFlight) return null;
    const { controller, before } = inFlight;
    inFlight = null;
    generation++;
    controller.abort();
    return before;
  }

  /** Runs one request: at most one is in flight, so a second click or a duplicate onComplete is a no-op. */
  async function run<T>(
    start: Partial<OtpState>,
    request: (signal: AbortSignal) => Promise<T>,
    onResult: (result: T) => void,
    onError: (error: OtpClientError) => void | Promise<void>,
  ): Promise<void> {
    const controller = new AbortController();
    const mine = ++generation;
    inFlight = { controller, before: state.status };
    set(start);
    let result: T;
    try {
      result = await request(controller.signal);
    } catch (error) {
      if (mine !== generation) return;
      inFlight = null;
      // Any other throw (a custom client's bug) becomes an error state, never a rejection into React.
      return onError(error instanceof OtpClientError ? error : new OtpClientError('internal_error', 0, String(error)));
    }
    if (mine !== generation) return;
    inFlight = null;
    onResult(result);
  }

  /** Server timestamps -> the client's clock. A device clock that is minutes off would otherwise show a countdown
   * that is minutes wrong (or already over), so deadlines are measured from the server's own `Date` header. It
   * has 1 s resolution, so a deadline can land up to ~1 s late: the resend button enables a moment after the
   * server would allow it, never before. Without the header (or if CORS hides it), the device clock is used. */
  function sent(result: SendResult) {
    const clientNow = now();
    const serverNow = result.serverNow ?? clientNow;
    set({
      status: 'code_sent',
      verificationId: result.verificationId,
      to: result.to,
      channel: result.channel,
      expiresAt: clientNow + (Date.parse(result.expiresAt) - serverNow),
      resendAt: clientNow + (Date.parse(result.resendAt) - serverNow),
      retryAt: null,
      attemptsLeft: result.attemptsLeft,
      codeLength: result.codeLength,
      proof: null,
      error: null,
    });
  }

  function failed(error: OtpClientError) {
    const patch: Partial<OtpState> = {
      status: 'error',
      error: { code: error.code, message: error.message },
      retryAt: error.retryAfter === undefined ? null : now() + error.retryAfter * 1000,
    };
    switch (error.code) {
      case 'already_verified':
      case 'expired':
      case 'rate_limited':
        patch.status = error.code;
        break;
      case 'too_many_attempts':
        patch.status = 'too_many_attempts';
        patch.attemptsLeft = 0;
        break;
      case 'not_found':
        // Unknown, forged, cancelled by a resend in another tab, or gone from the server's store (restart, TTL).
        // Reported as an `error` with code not_found, not as `expired`: the open verification is dropped, so
        // verify is off and `resend()` starts a fresh send to the same recipient.
        patch.verificationId = null;
        break;
    }
    set(patch);
  }

  const machine: OtpMachine = {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    send(to, locale = options.locale) {
      if (inFlight) return Promise.resolve();
      last = { to, locale };
      const start: OtpState = {
        ...initialOtpState,
        status: 'sending',
        codeLength: state.codeLength,
        wrongCodes: state.wrongCodes,
      };
      return run(start, (signal) => client.send(to, locale, signal), sent, failed);
    },

    verify(code) {
      const id = state.verificationId;
      if (inFlight || id === null || !canVerify(state)) return Promise.resolve();
      return run(
        { status: 'verifying' },
        (signal) => client.verify(id, code, signal),
        (result) => {
          if (result.verified) {
            const to = state.to ?? '';
            set({ status: 'verified', proof: result.proof, error: null, retryAt: null });
            try {
              options.onVerified?.({ proof: result.proof, to });
            } catch (error) {
              // The app's callback failed: surface it like any event-handler error, without breaking the flow.
              queueMicrotask(() => {
                throw error;
              });
            }
          } else {
            // attemptsLeft 0: the server's next answer would be 429 too_many_attempts, so say it now rather than
            // let the user type another code that cannot succeed.
            set({
              status: result.attemptsLeft === 0 ? 'too_many_attempts' : 'invalid_code',
              attemptsLeft: result.attemptsLeft,
              wrongCodes: state.wrongCodes + 1,
              error: null,
            });
          }
        },
        failed,
      );
    },

    resend() {
      const id = state.verificationId;
      if (inFlight || DONE_STATES.has(state.status)) return Promise.resolve();
      if (id === null) return last ? machine.send(last.to, last.locale) : Promise.resolve();
      return run(
        { status: 'sending' },
        (signal) => client.resend(id, signal),
        sent,
        (error) => {
          if (error.code === 'not_found' && last) {
            state = { ...state, verificationId: null };
            return machine.send(last.to, last.locale);
          }
          failed(error);
        },
      );
    },

    reset() {
      abort();
      last = null;
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
