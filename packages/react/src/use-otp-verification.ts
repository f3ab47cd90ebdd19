'use client';
import { MutationObserver, QueryClient, QueryClientContext } from '@tanstack/react-query';
import { useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { createOtpClient, type OtpClient, type OtpClientOptions } from './client.js';
import { canVerify, createOtpMachine } from './machine.js';
import type { Locale, OtpState } from './types.js';

export interface UseOtpVerificationOptions extends OtpClientOptions {
  /** Template language for the message. */
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

export type UseOtpVerification = OtpState & {
  send(to: string): Promise<void>;
  verify(code: string): Promise<void>;
  resend(): Promise<void>;
  /** Status `expired` once `expiresAt` has passed: `<ExpiryCountdown onExpire={otp.expire} />`. */
  expire(): void;
  reset(): void;
  inputProps: OtpInputBindings;
};

/**
 * The verification flow for React: a thin adapter over `createOtpMachine` (state via useSyncExternalStore) with
 * react-query mutations as the transport.
 *
 * QueryClient: the app's, when a `QueryClientProvider` is above (its devtools and `useIsMutating` then see the
 * `['otpkit', 'send' | 'verify' | 'resend']` mutations); otherwise a private one, so the kit stays drop-in.
 * `useQueryClient()` would throw without a provider, hence the context is read directly.
 */
export function useOtpVerification(options: UseOtpVerificationOptions = {}): UseOtpVerification {
  // Read at call time, so new options (or a provider appearing) apply without recreating the machine.
  const current = { ...options, queryClient: useContext(QueryClientContext) };
  const latest = useRef(current);
  useEffect(() => {
    latest.current = current;
  });
  // The one real <input> of the OtpInput the bindings are spread on.
  const input = useRef<HTMLInputElement | null>(null);

  const [[machine, actions, bindings]] = useState(() => {
    let ownQueryClient: QueryClient | undefined;
    const transport = {} as Record<keyof OtpClient, (...args: never[]) => Promise<unknown>>;
    for (const name of ['send', 'verify', 'resend'] as const) {
      transport[name] = (...args) => {
        // A private QueryClient only when the app has none, made on first use.
        // biome-ignore lint/suspicious/noAssignInExpressions: create-once
        const observer = new MutationObserver(latest.current.queryClient ?? (ownQueryClient ??= new QueryClient()), {
          mutationKey: ['otpkit', name],
          // The request is closed over rather than passed as variables, so the code never sits in the cache.
          // biome-ignore lint/suspicious/noExplicitAny: the arguments are OtpClient[name]'s own
          mutationFn: () => (createOtpClient(latest.current)[name] as any)(...args),
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
        // reset() detaches the observer, so the finished mutation is garbage-collected from the app's cache.
        return observer.mutate().finally(() => observer.reset());
      };
    }
    const machine = createOtpMachine(transport as OtpClient, {
      onVerified: (result) => latest.current.onVerified?.(result),
    });
    const { verify, resend, expire, reset } = machine;
    return [
      machine,
      { send: (to: string) => machine.send(to, latest.current.locale), verify, resend, expire, reset },
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
