'use client';
import { MutationObserver, QueryClient, QueryClientContext } from '@tanstack/react-query';
import { useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { type BotTokenSource, createOtpClient, type OtpClient, type OtpClientOptions } from '../core/client.js';
import type { Locale } from '../core/contract.js';
import { createOtpMachine, type OtpState, type ResendOptions, type SendOptions } from '../core/machine.js';
import { canVerify } from '../core/status.js';

// What the components need of the core comes through the hooks: components do not import core/ themselves.
export type { BotTokenSource } from '../core/client.js';
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
  /** A new code (by `options.channel`, when given: "Send by WhatsApp", "Call me"). */
  resend(options?: ResendOptions): Promise<void>;
  /** Status `expired` once `expiresAt` has passed: `<ExpiryCountdown onExpire={otp.expire} />`. */
  expire(): void;
  reset(): void;
  inputProps: OtpInputBindings;
}

/** @deprecated Renamed `UseOtpVerificationResult` (as TanStack names `UseMutationResult`). */
export type UseOtpVerification = UseOtpVerificationResult;

/**
 * The `meta` of every mutation the kit runs (`mutationKey: ['otpkit', 'send' | 'verify' | 'resend']`). The kit shows
 * its own errors, so an app's global `MutationCache({ onError })` (a toast for every failed mutation) should skip
 * these: `if (isOtpkitMutation(mutation)) return;`.
 */
export const otpkitMutationMeta = { otpkit: true } as const;

/** True for the kit's own mutations (see `otpkitMutationMeta`), for a global `MutationCache` `onError`/`onSuccess`. */
export const isOtpkitMutation = (mutation: { meta?: Record<string, unknown> | undefined }): boolean =>
  mutation.meta?.otpkit === true;

/** A request as a mutation's variables: a closure, so the cache (and devtools) hold a function, never the number
 * or the code. */
type Request<T> = () => Promise<T>;

/** What a route resolves. */
type Result<R extends keyof OtpClient> = Awaited<ReturnType<OtpClient[R]>>;
/** `OtpClient` as one mapped type, so a route picked by a type parameter can be called with its own input
 * (TypeScript's correlated unions, microsoft/TypeScript#47109); an `OtpClient` is one as it stands. */
type Routes = { [R in keyof OtpClient]: (input: Parameters<OtpClient[R]>[0]) => Promise<Result<R>> };

/**
 * The verification flow for React: a thin adapter over `createOtpMachine` (state via useSyncExternalStore) with
 * react-query mutations as the transport.
 *
 * QueryClient: the app's, when a `QueryClientProvider` is above (its devtools and `useIsMutating` then see the
 * `['otpkit', 'send' | 'verify' | 'resend']` mutations); otherwise a private one, so the kit stays drop-in.
 * `useQueryClient()` would throw without a provider, hence the context is read directly. It is read ONCE per route,
 * at that route's first request, as TanStack's own `useMutation` binds its observer once: a provider that appears
 * or changes after that is not used by this hook instance (remount it, e.g. with a `key`, to switch).
 */
export function useOtpVerification(options: UseOtpVerificationOptions = {}): UseOtpVerificationResult {
  // One client per endpoint and fetch, not one per request. Its bot token is the latest option's, read when a send
  // or resend goes out (the widget's token changes, the client does not).
  // biome-ignore lint/correctness/useExhaustiveDependencies: only endpoint and fetch make a new client
  const client = useMemo(
    () =>
      createOtpClient({
        ...options,
        botToken: (): ReturnType<Exclude<BotTokenSource, string>> | string | undefined =>
          typeof latest.botToken === 'function' ? latest.botToken() : latest.botToken,
      }),
    [options.endpoint, options.fetch],
  );
  // What is read at call time, so new options apply without recreating the machine (the QueryClient: until each
  // route's first request, see below): ONE object for the hook's life, brought up to date after each commit. Every key is written each time, so an option
  // the app drops is dropped here too. It is also the machine's options (the machine reads `locale` and
  // `onVerified` at call time).
  const current = {
    locale: options.locale,
    onVerified: options.onVerified,
    botToken: options.botToken,
    client,
    queryClient: useContext(QueryClientContext),
  };
  // (Kept by useState rather than useRef: the same object for the hook's life, and never set, only updated.)
  const [latest] = useState(current);
  useEffect(() => {
    Object.assign(latest, current);
  });
  // The machine's methods are plain closures, so they are taken apart here: `actions` is what the app calls.
  const [[{ getState, subscribe, dispose, ...actions }, bindings, clear]] = useState(() => {
    let ownQueryClient: QueryClient | undefined;
    // The one real <input> of the OtpInput the bindings are spread on, and what it was last cleared for.
    let input: HTMLInputElement | null = null;
    let cleared: string | null = null;
    /**
     * The mutations of one route, as TanStack's own `useMutation` runs them: ONE `MutationObserver`, made on first
     * use and reused by every request, each request calling the route on the latest client. Like `useMutation`'s,
     * the observer is bound for life to the QueryClient of that moment (the app's, else a private one, shared by
     * the routes): query-core keeps it in a private field that `setOptions` does not touch, and it is not rebound.
     */
    const mutations = <R extends keyof OtpClient>(route: R) => {
      let observer: MutationObserver<Result<R>, Error, Request<Result<R>>> | undefined;
      return (input: Parameters<OtpClient[R]>[0]): Promise<Result<R>> => {
        // biome-ignore lint/suspicious/noAssignInExpressions: create-once
        const mine = (observer ??= new MutationObserver(latest.queryClient ?? (ownQueryClient ??= new QueryClient()), {
          mutationKey: ['otpkit', route],
          mutationFn: (run: Request<Result<R>>) => run(),
          // Never retried, whatever the app's defaults say: a retried verify burns an attempt (or hits
          // EngageLab's 3003 after a success) and a retried send can deliver a second SMS.
          retry: 0,
          // 'online' (the default) would PAUSE the request while the browser thinks it is offline, leaving the
          // flow stuck in verifying; this way fetch fails and the user sees network_error.
          networkMode: 'always',
          gcTime: 0,
          // So an app's global MutationCache onError (e.g. a toast on every failed mutation) can skip ours.
          meta: otpkitMutationMeta,
        }));
        // reset() detaches the observer, so the finished mutation is garbage-collected from the app's cache; not
        // while the observer runs a newer request of the route (this one was aborted by a reset in between).
        return mine
          .mutate(() => {
            const routes: Routes = latest.client;
            return routes[route](input);
          })
          .finally(() => mine.getCurrentResult().isPending || mine.reset());
      };
    };
    const machine = createOtpMachine(
      {
        send: mutations('send'),
        verify: mutations('verify'),
        resend: mutations('resend'),
      },
      latest,
    );
    return [
      machine,
      {
        ref: (el: HTMLInputElement | null) => {
          input = el;
        },
        onComplete: (code: string) => void machine.verify(code),
      },
      // Empties the input and refocuses it, once per `key` (a verification and its wrong codes): an effect re-run
      // without a change (StrictMode, <Activity>) must not clear again.
      (key: string | null) => {
        if (key && key !== cleared && input) {
          input.value = '';
          input.dispatchEvent(new Event('input'));
          input.focus();
        }
        cleared = key;
      },
    ] as const;
  });

  const state = useSyncExternalStore(subscribe, getState, getState);
  // Unmount aborts what is in flight; its result is dropped (no state update after unmount).
  useEffect(() => dispose, [dispose]);

  // After a wrong code, and when a new code arrives: empty the input and refocus it. In an effect, because the
  // input is focusable only once this render (which may re-enable it) is committed. The code is not hook state
  // (typing must not re-render the component using the hook), so the DOM input is cleared directly, and a
  // non-bubbling `input` event tells OtpInput's own listener (React's root listener, which would restore the
  // old controlled value, never sees it).
  const { wrongCodes, verificationId } = state;
  useEffect(() => clear(verificationId && `${verificationId} ${wrongCodes}`), [clear, wrongCodes, verificationId]);

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
