'use client';
import { MutationObserver, QueryClient, QueryClientContext } from '@tanstack/react-query';
import { useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { createOtpClient, type OtpClient, type OtpClientOptions, type SendResult } from '../core/client.js';
import type { Locale, VerifyResponse } from '../core/contract.js';
import { createOtpMachine, type OtpState, type SendOptions } from '../core/machine.js';
import { canVerify } from '../core/status.js';

// What the components need of the core comes through the hooks: components do not import core/ themselves.
export type { Channel, Locale } from '../core/contract.js';
export type { OtpState } from '../core/machine.js';
export { isBusy, isFinished } from '../core/status.js';

export interface UseOtpVerificationOptions extends OtpClientOptions {
  /** The message template's language, as a BCP 47 tag (`'en'`, `'zh-CN'`, …): the default of `send`. */
  locale?: Locale;
  /** Runs once when the server accepted the code; `to` is the masked recipient. Send `proof` to your server and
   * check it there (`otp.verifyProof(proof)`): only that makes "verified" something the server can trust. */
  onVerified?: (result: { proof: string; to: string }) => void;
}

/** Spread onto `<OtpInput {...otp.inputProps} />`. */
export interface OtpInputBindings {
  /** Receives the one real `<input>`, so the hook can clear and refocus it after a wrong code. */
  ref: (el: HTMLInputElement | null) => void;
  length: number;
  /** True while no code can be checked. Not while verifying: a disabled input loses focus, and on phones the
   * keyboard closes. A complete code typed during a verify is ignored by the machine. */
  disabled: boolean;
  invalid: boolean;
  onComplete: (code: string) => void;
}

export interface UseOtpVerificationResult extends OtpState {
  /** Sends a code to `to`, in `options.locale` (else the hook's `locale`). */
  send(to: string, options?: SendOptions): Promise<void>;
  verify(code: string): Promise<void>;
  resend(): Promise<void>;
  /** Status `expired` once `expiresAt` has passed: `<ExpiryCountdown onExpire={otp.expire} />`. */
  expire(): void;
  reset(): void;
  inputProps: OtpInputBindings;
}

/** @deprecated Renamed `UseOtpVerificationResult` (as TanStack names `UseMutationResult`). */
export type UseOtpVerification = UseOtpVerificationResult;

/** A request as a mutation's variables: a closure, so the cache (and devtools) hold a function, never the number
 * or the code. */
type Request<T> = () => Promise<T>;

/**
 * The mutations of one route, as TanStack's own `useMutation` runs them: ONE `MutationObserver`, made on first use
 * and reused by every request. An observer is bound to its QueryClient for life (query-core keeps it in a private
 * field that `setOptions` does not touch), so a new QueryClient (a provider appearing) gets a new observer.
 */
function mutations<T>(route: keyof OtpClient, getQueryClient: () => QueryClient) {
  let queryClient: QueryClient | undefined;
  let observer: MutationObserver<T, Error, Request<T>> | undefined;
  return (request: Request<T>): Promise<T> => {
    const current = getQueryClient();
    if (!observer || current !== queryClient) {
      queryClient = current;
      observer = new MutationObserver(current, {
        mutationKey: ['otpkit', route],
        mutationFn: (run: Request<T>) => run(),
        // Never retried, whatever the app's defaults say: a retried verify burns an attempt (or hits EngageLab's
        // 3003 after a success) and a retried send can deliver a second SMS.
        retry: 0,
        // 'online' (the default) would PAUSE the request while the browser thinks it is offline, leaving the
        // flow stuck in verifying; this way fetch fails and the user sees network_error.
        networkMode: 'always',
        gcTime: 0,
        // So an app's global MutationCache onError (e.g. a toast on every failed mutation) can skip ours.
        meta: { otpkit: true },
      });
    }
    const mine = observer;
    // reset() detaches the observer, so the finished mutation is garbage-collected from the app's cache; not when
    // the observer has moved on to a newer request of the route (this one was aborted by a reset in between).
    return mine.mutate(request).finally(() => {
      if (mine.getCurrentResult().variables === request) mine.reset();
    });
  };
}

/**
 * The verification flow for React: a thin adapter over `createOtpMachine` (state via useSyncExternalStore) with
 * react-query mutations as the transport.
 *
 * QueryClient: the app's, when a `QueryClientProvider` is above (its devtools and `useIsMutating` then see the
 * `['otpkit', 'send' | 'verify' | 'resend']` mutations); otherwise a private one, so the kit stays drop-in.
 * `useQueryClient()` would throw without a provider, hence the context is read directly.
 */
export function useOtpVerification(options: UseOtpVerificationOptions = {}): UseOtpVerificationResult {
  const { endpoint, fetch } = options;
  // One client per endpoint and fetch, not one per request.
  const client = useMemo(() => createOtpClient({ endpoint, fetch }), [endpoint, fetch]);
  // Read at call time, so new options (or a provider appearing) apply without recreating the machine.
  const current = { ...options, client, queryClient: useContext(QueryClientContext) };
  const latest = useRef(current);
  useEffect(() => {
    latest.current = current;
  });
  // The one real <input> of the OtpInput the bindings are spread on.
  const input = useRef<HTMLInputElement | null>(null);

  const [[machine, actions, bindings]] = useState(() => {
    let ownQueryClient: QueryClient | undefined;
    // A private QueryClient only when the app has none, made on first use.
    // biome-ignore lint/suspicious/noAssignInExpressions: create-once
    const queryClient = () => latest.current.queryClient ?? (ownQueryClient ??= new QueryClient());
    const viaSend = mutations<SendResult>('send', queryClient);
    const viaVerify = mutations<VerifyResponse>('verify', queryClient);
    const viaResend = mutations<SendResult>('resend', queryClient);
    // The machine's client: each request through its route's mutation, on the latest client.
    const machine = createOtpMachine(
      {
        send: (input) => viaSend(() => latest.current.client.send(input)),
        verify: (input) => viaVerify(() => latest.current.client.verify(input)),
        resend: (input) => viaResend(() => latest.current.client.resend(input)),
      },
      { onVerified: (result) => latest.current.onVerified?.(result) },
    );
    const { verify, resend, expire, reset } = machine;
    return [
      machine,
      {
        send: (to: string, { locale = latest.current.locale }: SendOptions = {}) => machine.send(to, { locale }),
        verify,
        resend,
        expire,
        reset,
      },
      {
        ref: (el: HTMLInputElement | null) => {
          input.current = el;
        },
        onComplete: (code: string) => void verify(code),
      },
    ] as const;
  });

  const state = useSyncExternalStore(machine.subscribe, machine.getState, machine.getState);
  // Unmount aborts what is in flight; its result is dropped (no state update after unmount).
  useEffect(() => () => machine.dispose(), [machine]);

  // After a wrong code, and when a new code arrives: empty the input and refocus it. In an effect, because the
  // input is focusable only once this render (which may re-enable it) is committed. The code is not hook state
  // (typing must not re-render the component using the hook), so the DOM input is cleared directly, and a
  // non-bubbling `input` event tells OtpInput's own listener (React's root listener, which would restore the
  // old controlled value, never sees it).
  const { wrongCodes, verificationId } = state;
  // What was last cleared for: an effect re-run without a change (StrictMode, <Activity>) must not clear again.
  const seen = useRef<string | null>(null);
  useEffect(() => {
    const key = verificationId && `${verificationId} ${wrongCodes}`;
    const el = input.current;
    if (key && key !== seen.current && el) {
      el.value = '';
      el.dispatchEvent(new Event('input'));
      el.focus();
    }
    seen.current = key;
  }, [wrongCodes, verificationId]);

  return {
    ...state,
    ...actions,
    // A new object each render, like the element it is spread on (OtpInput re-renders with its parent anyway).
    inputProps: {
      ...bindings,
      length: state.codeLength,
      // (A verify goes out only with an open verification, so `verifying` always has one.)
      disabled: !(canVerify(state) || state.status === 'verifying'),
      invalid: state.status === 'invalid_code',
    },
  };
}
