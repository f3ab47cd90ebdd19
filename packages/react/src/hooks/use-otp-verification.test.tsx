// The hook end to end: React + react-query + the real BFF handler, with the EngageLab simulator at the
// provider's network edge, and the real OtpInput.
import { turnstile } from '@otpkit/bff/bot-checks';
import { createSiteverifySimulator, createTestBff } from '@otpkit/bff/testing';
import { MutationCache, type MutationObserver, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type ReactNode, StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OtpInput } from '../components/otp-input.js';
import { isOtpkitMutation, type UseOtpVerificationOptions, useOtpVerification } from './use-otp-verification.js';

const TO = '+8618701235678';
const wrongOf = (code: string) => code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));

function setup() {
  const bff = createTestBff({ handler: { timeoutMs: 1000 } });
  const signals: AbortSignal[] = [];
  /** The handler's answer to each request, whether or not the hook still waits for it. */
  const answers: Promise<Response>[] = [];
  // Like a browser's fetch: rejects as soon as its signal aborts.
  const fetch = (input: string, init: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const { signal } = init;
      if (signal) signals.push(signal);
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      const answer = bff.fetch(input, init);
      answers.push(answer);
      answer.then(resolve, reject);
    });
  const onVerified = vi.fn();
  const code = () => bff.sim.lastCode(TO) as string;
  return { bff, sim: bff.sim, otp: bff.handler, fetch, signals, answers, onVerified, code };
}

function Flow({ options, renders }: { options: UseOtpVerificationOptions; renders: { count: number } }) {
  const otp = useOtpVerification(options);
  renders.count++;
  return (
    <>
      <p data-testid="status">{otp.status}</p>
      <p data-testid="attempts">{otp.attemptsLeft}</p>
      <button type="button" onClick={() => otp.send(TO)}>
        send
      </button>
      <OtpInput {...otp.inputProps} aria-label="Code" />
    </>
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('useOtpVerification', () => {
  it('runs the flow without a QueryClientProvider; a wrong code clears and refocuses the input', async () => {
    const { fetch, onVerified, code, sim, otp } = setup();
    const user = userEvent.setup();
    const renders = { count: 0 };
    render(
      <StrictMode>
        <Flow options={{ fetch, onVerified }} renders={renders} />
      </StrictMode>,
    );
    const status = screen.getByTestId('status');
    const input = screen.getByLabelText<HTMLInputElement>('Code');
    expect(status).toHaveTextContent('idle');
    expect(input).toBeDisabled();

    await user.click(screen.getByText('send'));
    await waitFor(() => expect(status).toHaveTextContent('code_sent'));
    expect(input).toBeEnabled();

    // Typing lives in OtpInput: the component using the hook does not re-render.
    await user.click(input);
    const before = renders.count;
    await user.keyboard(wrongOf(code()).slice(0, 5));
    expect(input.value).toHaveLength(5);
    expect(renders.count).toBe(before);

    await user.keyboard(wrongOf(code()).slice(5));
    await waitFor(() => expect(status).toHaveTextContent('invalid_code'));
    await waitFor(() => expect(input.value).toBe(''));
    expect(document.activeElement).toBe(input);
    expect(screen.getByTestId('attempts')).toHaveTextContent('4');
    // OtpInput saw the clear (its slots are empty), so the next code is typed from the first slot.
    expect(document.querySelectorAll('.otpkit-slot[data-state="filled"]')).toHaveLength(0);

    await user.keyboard(code());
    await waitFor(() => expect(status).toHaveTextContent('verified'));
    expect(sim.calls.verifications).toBe(2);
    expect(onVerified).toHaveBeenCalledOnce();
    const [{ proof, to }] = onVerified.mock.calls[0] as [{ proof: string; to: string }];
    expect(to).toBe('+86*******5678');
    expect(await otp.verifyProof(proof)).toMatchObject({ to: TO });
    expect(input).toBeDisabled();
  });

  it("uses the app's QueryClient, never retries (whatever its defaults say) and leaves no mutation behind", async () => {
    const { fetch, code, sim } = setup();
    const queryClient = new QueryClient({ defaultOptions: { mutations: { retry: 3, retryDelay: 0 } } });
    const keys: unknown[] = [];
    const observers = new Set<MutationObserver<unknown, unknown, unknown>>();
    queryClient.getMutationCache().subscribe((event) => {
      if (event.type === 'added') keys.push(event.mutation.options.mutationKey);
      if (event.type === 'observerAdded') observers.add(event.observer);
    });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    const { result } = renderHook(() => useOtpVerification({ fetch }), { wrapper });

    await act(() => result.current.send(TO));
    sim.inject('http500', { path: '/v1/verifications' });
    await act(() => result.current.verify(code()));
    expect(result.current.status).toBe('error');
    expect(result.current.error?.code).toBe('provider_unavailable');
    expect(sim.calls.verifications).toBe(1);
    expect(keys).toEqual([
      ['otpkit', 'send'],
      ['otpkit', 'verify'],
    ]);
    await waitFor(() => expect(queryClient.getMutationCache().getAll()).toHaveLength(0));

    // The user may try again; the hook did not.
    await act(() => result.current.verify(code()));
    expect(result.current.status).toBe('verified');
    expect(sim.calls.verifications).toBe(2);
    // One observer per route, made once and reused (as TanStack's useMutation does), not one per request.
    expect(observers.size).toBe(2);
    await waitFor(() => expect(queryClient.getMutationCache().getAll()).toHaveLength(0));
  });

  it("lets an app's global MutationCache onError skip the kit's errors (isOtpkitMutation)", async () => {
    const { fetch, code, sim } = setup();
    const toasts: unknown[] = [];
    const queryClient = new QueryClient({
      mutationCache: new MutationCache({
        onError: (error, _variables, _context, mutation) => {
          if (isOtpkitMutation(mutation)) return;
          toasts.push(error);
        },
      }),
    });
    const seen: boolean[] = [];
    queryClient.getMutationCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') seen.push(isOtpkitMutation(event.mutation));
    });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    const { result } = renderHook(() => useOtpVerification({ fetch }), { wrapper });
    await act(() => result.current.send(TO));
    sim.inject('http500', { path: '/v1/verifications' });
    await act(() => result.current.verify(code()));
    expect(result.current.error?.code).toBe('provider_unavailable');
    // The kit's mutation did fail in the app's cache, and the app's handler recognised it.
    expect(seen).toEqual([true]);
    expect(toasts).toEqual([]);
    // An app mutation is not mistaken for the kit's.
    await queryClient
      .getMutationCache()
      .build(queryClient, { mutationFn: () => Promise.reject(new Error('app')) })
      .execute(undefined)
      .catch(() => {});
    expect(toasts).toHaveLength(1);
  });

  it('binds each route to the QueryClient of its first request and keeps it, as useMutation does', async () => {
    const { fetch, code } = setup();
    const first = new QueryClient();
    const second = new QueryClient();
    const keysOf = (queryClient: QueryClient) => {
      const keys: unknown[] = [];
      queryClient.getMutationCache().subscribe((event) => {
        if (event.type === 'added') keys.push(event.mutation.options.mutationKey);
      });
      return keys;
    };
    const [inFirst, inSecond] = [keysOf(first), keysOf(second)];
    let current = first;
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={current}>{children}</QueryClientProvider>
    );
    const { result, rerender } = renderHook(() => useOtpVerification({ fetch }), { wrapper });
    await act(() => result.current.send(TO));
    current = second;
    rerender();
    // verify's first request: the provider of that moment. send keeps the one it started with.
    await act(() => result.current.verify(code()));
    await act(() => result.current.send(TO));
    expect(inFirst).toEqual([
      ['otpkit', 'send'],
      ['otpkit', 'send'],
    ]);
    expect(inSecond).toEqual([['otpkit', 'verify']]);
  });

  it('keeps the request out of the cache: the variables are a function, never the number or the code', async () => {
    const { fetch, code } = setup();
    const queryClient = new QueryClient();
    const variables: unknown[] = [];
    /** Every state the cache held, as devtools or a persister would serialize it. */
    const states: string[] = [];
    queryClient.getMutationCache().subscribe((event) => {
      if (event.type !== 'updated') return;
      if (event.action.type === 'pending') variables.push(event.mutation.state.variables);
      states.push(JSON.stringify(event.mutation.state));
    });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    const { result } = renderHook(() => useOtpVerification({ fetch }), { wrapper });
    await act(() => result.current.send(TO));
    await act(() => result.current.verify(code()));
    expect(variables).toHaveLength(2);
    for (const v of variables) expect(typeof v).toBe('function');
    expect(states.join('\n')).not.toContain(code());
    expect(states.join('\n')).not.toContain(TO);
  });

  it('sends the locale given to send(), else the one of the options', async () => {
    const { fetch, bff } = setup();
    const { result } = renderHook(() => useOtpVerification({ fetch, locale: 'zh-CN' }));
    await act(() => result.current.send(TO));
    await act(() => result.current.reset());
    // (Another number: the same one would return to its open code, with no request.)
    await act(() => result.current.send('+447400123456', { locale: 'pt-BR' }));
    expect(bff.requests.map((r) => r.body)).toEqual([
      { to: TO, locale: 'zh-CN' },
      { to: '+447400123456', locale: 'pt-BR' },
    ]);
  });

  it('takes botToken: the latest callback is asked for a fresh token on each send and resend', async () => {
    const captcha = createSiteverifySimulator({ service: 'turnstile' });
    const bff = createTestBff({ handler: { botCheck: turnstile({ secret: captcha.secret, fetch: captcha.fetch }) } });
    const first = vi.fn(() => captcha.issue());
    const { result, rerender } = renderHook((props: UseOtpVerificationOptions) => useOtpVerification(props), {
      initialProps: { fetch: bff.fetch } as UseOtpVerificationOptions,
    });
    // No token: the server's bot check refuses, and the hook reports it as an error the words can name.
    await act(() => result.current.send(TO));
    expect(result.current.status).toBe('error');
    expect(result.current.error?.code).toBe('bot_check_failed');
    rerender({ fetch: bff.fetch, botToken: first });
    await act(() => result.current.send(TO));
    expect(result.current.status).toBe('code_sent');
    // A new callback (a re-rendered widget) is used from the next request on, without a new client.
    const second = vi.fn(async () => captcha.issue());
    rerender({ fetch: bff.fetch, botToken: second });
    // (The server's clock past the resend cooldown; the hook's clock is the real one, so its state stays code_sent.)
    bff.clock.advance((result.current.resendAt ?? 0) - Date.now() + 1000);
    await act(() => result.current.resend());
    expect(result.current.status).toBe('code_sent');
    expect([first.mock.calls.length, second.mock.calls.length]).toEqual([1, 1]);
    expect(captcha.requests).toHaveLength(2);
  });

  it('makes one client per endpoint and fetch: a new fetch is used from the next request on', async () => {
    const first = setup();
    const second = setup();
    const { result, rerender } = renderHook(({ fetch }) => useOtpVerification({ fetch }), {
      initialProps: { fetch: first.fetch },
    });
    await act(() => result.current.send(TO));
    rerender({ fetch: second.fetch });
    await act(() => result.current.reset());
    await act(() => result.current.send('+447400123456'));
    expect(first.bff.requests).toHaveLength(1);
    expect(second.bff.requests).toHaveLength(1);
  });

  it('ignores a second verify of the same code while the first is in flight', async () => {
    const { fetch, code, sim, onVerified } = setup();
    const { result } = renderHook(() => useOtpVerification({ fetch, onVerified }));
    await act(() => result.current.send(TO));
    await act(async () => {
      const { onComplete } = result.current.inputProps;
      onComplete(code());
      onComplete(code());
      await result.current.verify(code());
    });
    await waitFor(() => expect(result.current.status).toBe('verified'));
    expect(sim.calls.verifications).toBe(1);
    expect(onVerified).toHaveBeenCalledOnce();
  });

  it('aborts the request in flight on unmount, with no state update, error or unhandled rejection', async () => {
    const { fetch, code, sim, signals, answers, onVerified } = setup();
    const consoleError = vi.spyOn(console, 'error');
    const { result, unmount } = renderHook(() => useOtpVerification({ fetch, onVerified }));
    await act(() => result.current.send(TO));
    sim.inject('hang', { path: '/v1/verifications' });
    let verifying: Promise<void> = Promise.resolve();
    act(() => {
      verifying = result.current.verify(code());
    });
    expect(result.current.status).toBe('verifying');
    unmount();
    await expect(verifying).resolves.toBeUndefined();
    expect(signals).toHaveLength(2);
    expect(signals[1]?.aborted).toBe(true);
    // The handler still answers (no sleep: its answer is awaited); the hook has dropped it.
    await answers.at(-1);
    await act(() => Promise.resolve());
    expect(consoleError).not.toHaveBeenCalled();
    expect(onVerified).not.toHaveBeenCalled();
    expect(result.current.status).toBe('verifying'); // the last render; nothing rendered after unmount
  });

  it('maps rate_limited on resend to retryAt and keeps the input usable', async () => {
    const { fetch, code } = setup();
    const { result } = renderHook(() => useOtpVerification({ fetch }));
    await act(() => result.current.send(TO));
    await act(() => result.current.resend());
    expect(result.current.status).toBe('rate_limited');
    expect(result.current.retryAt).toBeGreaterThan(Date.now());
    expect(result.current.inputProps.disabled).toBe(false);
    await act(() => result.current.verify(code()));
    expect(result.current.status).toBe('verified');
  });
});
