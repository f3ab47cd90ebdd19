'use client';
import { MutationObserver, QueryClient, QueryClientContext } from '@tanstack/react-query';
import { useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
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
  reset(): void;
  inputProps: OtpInputBindings;
};

/**
 * Empties the code input and puts the caret back in it. The code is not hook state (typing must not re-render the
 * component using the hook), so the DOM input is cleared directly. React tracks the last value it set on an input
 * and swallows an `input` event whose value equals it; `el.value = ''` would update that tracker too, so the
 * value goes through the prototype's setter (which React's tracker does not see) and a bubbling `input` event
 * tells the uncontrolled OtpInput about it.
 */
function clearAndFocus(el: HTMLInputElement | null) {
  if (!el) return;
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(el, '');
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.focus();
}

/**
 * The verification flow for React: a thin adapter over `createOtpMachine` (state via useSyncExternalStore) with
 * react-query mutations as the transport.
 *
 * QueryClient: the app's, when a `QueryClientProvider` is above (its devtools and `useIsMutating` then see the
 * `['otpkit', 'send' | 'verify' | 'resend']` mutations); otherwise a private one, so the kit stays drop-in.
 * `useQueryClient()` would throw without a provider, hence the context is read directly.
 */
export function useOtpVerification(options: UseOtpVerificationOptions = {}): UseOtpVerification {
  const appQueryClient = useContext(QueryClientContext);
  // Read at call time, so new options (or a provider appearing) apply without recreating the machine.
  const latest = useRef({ options, appQueryClient });
  useEffect(() => {
    latest.current = { options, appQueryClient };
  });

  const [machine] = useState(() => {
    let ownQueryClient: QueryClient | undefined;
    const privateQueryClient = () => {
      ownQueryClient ??= new QueryClient();
      return ownQueryClient;
    };
    const mutate = <T>(name: string, request: () => Promise<T>): Promise<T> => {
      const queryClient = latest.current.appQueryClient ?? privateQueryClient();
      const observer = new MutationObserver<T, Error, void>(queryClient, {
        mutationKey: ['otpkit', name],
        // The request is closed over rather than passed as variables, so the code never sits in the cache.
        mutationFn: request,
        // Never retried, whatever the app's defaults say: a retried verify burns an attempt (or hits EngageLab's
        // 3003 after a success) and a retried send can deliver a second SMS.
        retry: 0,
        // 'online' (the default) would PAUSE the request while the browser thinks it is offline, leaving the flow
        // stuck in verifying; this way fetch fails and the user sees network_error.
        networkMode: 'always',
        gcTime: 0,
        // So an app's global MutationCache onError (e.g. a toast on every failed mutation) can skip ours.
        meta: { otpkit: true },
      });
      // reset() detaches the observer, so the finished mutation is garbage-collected from the app's cache.
      return observer.mutate().finally(() => observer.reset());
    };
    const client = () => createOtpClient(latest.current.options);
    const transport: OtpClient = {
      send: (to, locale, signal) => mutate('send', () => client().send(to, locale, signal)),
      verify: (id, code, signal) => mutate('verify', () => client().verify(id, code, signal)),
      resend: (id, signal) => mutate('resend', () => client().resend(id, signal)),
    };
    return createOtpMachine(transport, { onVerified: (result) => latest.current.options.onVerified?.(result) });
  });

  const state = useSyncExternalStore(machine.subscribe, machine.getState, machine.getState);
  // Unmount aborts what is in flight; its result is dropped (no state update after unmount).
  useEffect(() => () => machine.dispose(), [machine]);

  const input = useRef<HTMLInputElement | null>(null);
  const ref = useCallback((el: HTMLInputElement | null) => {
    input.current = el;
  }, []);

  // After a wrong code, and when a new code arrives: empty the input and refocus it. In an effect, because the
  // input is focusable only once this render (which may re-enable it) is committed.
  const seen = useRef({ wrongCodes: state.wrongCodes, verificationId: state.verificationId });
  useEffect(() => {
    const before = seen.current;
    seen.current = { wrongCodes: state.wrongCodes, verificationId: state.verificationId };
    const newCode = state.verificationId !== null && state.verificationId !== before.verificationId;
    if (state.wrongCodes > before.wrongCodes || newCode) clearAndFocus(input.current);
  }, [state.wrongCodes, state.verificationId]);

  const send = useCallback((to: string) => machine.send(to, latest.current.options.locale), [machine]);
  const verify = useCallback((code: string) => machine.verify(code), [machine]);
  const onComplete = useCallback((code: string) => void machine.verify(code), [machine]);

  const disabled = !(canVerify(state) || (state.status === 'verifying' && state.verificationId !== null));
  const invalid = state.status === 'invalid_code';
  const inputProps = useMemo(
    () => ({ ref, length: state.codeLength, disabled, invalid, onComplete }),
    [ref, state.codeLength, disabled, invalid, onComplete],
  );

  return { ...state, send, verify, resend: machine.resend, reset: machine.reset, inputProps };
}
