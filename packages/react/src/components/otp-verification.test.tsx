import type { OtpHandlerOptions } from '@otpkit/bff';
import { createTestBff, type TestBff } from '@otpkit/bff/testing';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { es } from '../i18n/locales/es.js';
import { PhoneInput } from '../phone/index.js';
import { OtpVerification, type OtpVerificationProps } from './otp-verification.js';

afterEach(cleanup);

const NUMBER = '+14155550123';

function setup(props: Partial<OtpVerificationProps> = {}, options?: Partial<OtpHandlerOptions>) {
  const bff = createTestBff({ handler: options });
  const user = userEvent.setup();
  const onVerified = vi.fn();
  render(<OtpVerification fetch={bff.fetch} onVerified={onVerified} {...props} />);
  return { bff, user, onVerified };
}

/** The flow's own live region (the components have theirs). */
const live = () => screen.getAllByRole('status').find((el) => el.parentElement?.classList.contains('otpkit-flow'))!;
const says = (text: string | RegExp) => waitFor(() => expect(live()).toHaveTextContent(text));

async function sendCode(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Phone number'), NUMBER);
  await user.click(screen.getByRole('button', { name: 'Send code' }));
  return screen.findByLabelText('Verification code');
}

test('happy path: number, code, verified, with the proof', async () => {
  const { bff, user, onVerified } = setup({ locale: 'es', messages: es });
  const phone = screen.getByLabelText('Número de teléfono');
  expect(phone).toHaveAttribute('type', 'tel');
  await user.type(phone, '+1 (415) 555-0123');
  await user.click(screen.getByRole('button', { name: 'Enviar código' }));
  const input = await screen.findByLabelText('Código de verificación');
  // Spoken as digits, the hidden part a pause: never "star star star".
  await says(/^Hemos enviado un código a \+1( \d)* …( \d)+ por SMS\.$/);
  expect(live().textContent).not.toContain('*');
  // The locale reaches the provider: EngageLab picks the template language from it.
  expect(bff.requests[0]?.body).toEqual({ to: NUMBER, locale: 'es' });
  expect(bff.sim.messages.at(-1)?.language).toBe('es');
  expect(screen.getByRole('timer')).toHaveTextContent(/^El código caduca en (5:00|4:59)$/);
  expect(screen.getByRole('button', { name: /^Reenviar código en [45]:\d\d$/ })).toBeDisabled();

  await user.type(input, bff.sim.lastCode(NUMBER)!);
  await says('Verificado.');
  expect(onVerified).toHaveBeenCalledTimes(1);
  expect(onVerified.mock.calls[0]?.[0]).toMatchObject({ to: expect.stringMatching(/^\+1\d*\*+0123$/) });
  expect(typeof onVerified.mock.calls[0]?.[0].proof).toBe('string');
  // The success step, focused, in the same frame.
  expect(document.querySelector('.otpkit-flow')).toHaveAttribute('data-step', 'done');
  expect(screen.getByRole('heading', { name: 'Verificado' })).toHaveFocus();
});

test('checks the format before sending: no request for a number without country code', async () => {
  const { bff, user } = setup();
  await user.type(screen.getByLabelText('Phone number'), '4155550123');
  await user.click(screen.getByRole('button', { name: 'Send code' }));
  await says('Enter the number with its country code, starting with +.');
  expect(screen.getByLabelText('Phone number')).toHaveAttribute('aria-invalid', 'true');
  expect(bff.requests).toHaveLength(0);
});

test('wrong code: attempts left, and the input stays for another try', async () => {
  const { bff, user } = setup({}, { maxAttempts: 4 });
  const input = await sendCode(user);
  const wrong = bff.sim.lastCode(NUMBER) === '000000' ? '111111' : '000000';
  await user.type(input, wrong);
  await says('Wrong code. 3 attempts left.');
  expect(screen.getByLabelText('Verification code')).toBeEnabled();
});

test('locked out after the last attempt: send a new code', async () => {
  const { bff, user } = setup({}, { maxAttempts: 1 });
  const input = await sendCode(user);
  await user.type(input, bff.sim.lastCode(NUMBER) === '000000' ? '111111' : '000000');
  await says('Too many wrong codes. Send a new code.');
  expect(screen.getByLabelText('Verification code')).toBeDisabled();
  const again = screen.getByRole('button', { name: 'Send a new code' });
  expect(again).toHaveFocus();
  // EngageLab refuses a second send while the old code is valid (3004): the honest wait, in words and on the button.
  await user.click(again);
  await says(/^Too many requests\. Please wait\. You can try again in [45] minutes\.$/);
  expect(screen.getByRole('button', { name: /^Try again in [45]:\d\d$/ })).toHaveAttribute('aria-disabled', 'true');
});

test('locked out with a provider that sends a new code at once (UniMTX-like): "Send a new code" works now', async () => {
  const { bff, user } = setup({}, { maxAttempts: 1 });
  const input = await sendCode(user);
  await user.type(input, bff.sim.lastCode(NUMBER) === '000000' ? '111111' : '000000');
  await says('Too many wrong codes. Send a new code.');
  // The server opened the gate; the simulator (EngageLab) still blocks while valid, so move past the code's life.
  bff.clock.advance(301_000);
  await user.click(screen.getByRole('button', { name: 'Send a new code' }));
  await says(/^We sent a code to/);
  expect(bff.sim.messages).toHaveLength(2);
  expect(screen.getByLabelText('Verification code')).toHaveFocus();
});

test('expired on the server first (its clock ahead of this one): the 410 closes the input', async () => {
  const { bff, user } = setup();
  const input = await sendCode(user);
  bff.clock.advance(301_000);
  await user.type(input, bff.sim.lastCode(NUMBER)!);
  await says('Code expired. Send a new code.');
  expect(bff.requests.map((r) => r.path)).toEqual(['send', 'verify']);
  expect(screen.getByLabelText('Verification code')).toBeDisabled();
  // Not the resend cooldown of the dead code: a new send, at once.
  const again = screen.getByRole('button', { name: 'Send a new code' });
  expect(again).toHaveFocus();
  await user.click(again);
  await says(/^We sent a code to/);
  expect(bff.requests.map((r) => r.path)).toEqual(['send', 'verify', 'send']);
});

describe('the expiry countdown reaching zero', () => {
  // Fake timers that also follow real time, so user-event's and the BFF's own small waits still pass.
  beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
  afterEach(() => vi.useRealTimers());
  const flowStatus = () => document.querySelector('.otpkit-flow')?.getAttribute('data-status');

  test('expires the code without a request: the input goes, "Send a new code" opens a new one', async () => {
    const { bff, user } = setup();
    await sendCode(user);
    expect(screen.getByRole('timer')).toHaveTextContent('Code expires in 5:00');
    await act(() => vi.advanceTimersByTimeAsync(299_000));
    expect(screen.getByRole('timer')).toHaveTextContent('Code expires in 0:01');
    expect(screen.getByLabelText('Verification code')).toBeEnabled();

    await act(() => vi.advanceTimersByTimeAsync(1_000));
    await says('Code expired. Send a new code.');
    expect(flowStatus()).toBe('expired');
    expect(screen.getByLabelText('Verification code')).toBeDisabled();
    // (One delivery read, 2 s in: this server reads no delivery reports, so it answered `unknown` and that was all.)
    expect(bff.requests.map((r) => r.path)).toEqual(['send', 'status']);

    await user.click(screen.getByRole('button', { name: 'Send a new code' }));
    await says(/^We sent a code to/);
    expect(bff.requests.map((r) => r.path)).toEqual(['send', 'status', 'send']);
    expect(screen.getByLabelText('Verification code')).toBeEnabled();
    expect(screen.getByRole('timer')).toHaveTextContent('Code expires in 5:00');
  });

  test('a verify in flight at zero still lands its answer', async () => {
    const bff = createTestBff();
    let answered = () => {};
    let release = () => {};
    const decided = new Promise<void>((r) => {
      answered = r;
    });
    // The server checks the code in time; its answer is still on the wire when the countdown reaches zero.
    const fetch = async (input: string, init: RequestInit) => {
      const response = await bff.fetch(input, init);
      if (input.endsWith('/verify')) {
        answered();
        await new Promise<void>((r) => {
          release = r;
        });
      }
      return response;
    };
    const onVerified = vi.fn();
    const user = userEvent.setup();
    render(<OtpVerification fetch={fetch} onVerified={onVerified} />);
    const input = await sendCode(user);
    await act(() => vi.advanceTimersByTimeAsync(299_500));
    await user.type(input, bff.sim.lastCode(NUMBER)!);
    await decided;
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    // The countdown is at zero (and called onExpire), but the flow waits for the answer.
    expect(document.querySelector('.otpkit-expiry')).toHaveAttribute('data-state', 'expired');
    expect(flowStatus()).toBe('verifying');
    release();
    await says('Verified.');
    expect(onVerified).toHaveBeenCalledOnce();
  });
});

test('already verified in another tab', async () => {
  const { bff, user } = setup();
  const input = await sendCode(user);
  const code = bff.sim.lastCode(NUMBER)!;
  const other = await bff.fetch('/api/otp/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ verificationId: bff.lastVerificationId(), code }),
  });
  expect(other.status).toBe(200);
  await user.type(input, code);
  await says('This code was already used. Send a new code.');
});

test('rate limited: the wait is shown on the button', async () => {
  const { bff, user } = setup();
  await bff.fetch('/api/otp/send', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to: NUMBER }),
  });
  await user.type(screen.getByLabelText('Phone number'), NUMBER);
  await user.click(screen.getByRole('button', { name: 'Send code' }));
  await says(/^Too many requests\. Please wait\. You can try again in [45] minutes\.$/);
  const button = screen.getByRole('button', { name: /^Try again in [45]:\d\d$/ });
  expect(button).toHaveAttribute('aria-disabled', 'true');
  // Focus stayed on the button the user pressed (aria-disabled, not disabled).
  expect(button).toHaveFocus();
});

test.each([
  [
    'provider unavailable',
    (sim: TestBff['sim']) => sim.inject('http500'),
    'The service is unavailable. Try again in a moment.',
  ],
  ['undeliverable', (sim: TestBff['sim']) => sim.inject({ code: 5012 }), 'We could not deliver a code to this number.'],
  ['provider error', (sim: TestBff['sim']) => sim.inject({ code: 2001 }), 'Something went wrong. Try again.'],
])('%s', async (_, fault, words) => {
  const { bff, user } = setup();
  fault(bff.sim);
  await user.type(screen.getByLabelText('Phone number'), NUMBER);
  await user.click(screen.getByRole('button', { name: 'Send code' }));
  await says(words);
  expect(screen.getByRole('button', { name: 'Send code' })).not.toHaveAttribute('aria-disabled');
  // Only an error about the number marks the number invalid.
  expect(screen.getByLabelText('Phone number').getAttribute('aria-invalid')).toBe(
    words.startsWith('We could not deliver') ? 'true' : null,
  );
});

test.each([
  ["the number's country is not allowed", { allowedCountries: ['GB'] }, {}],
  ["the page's origin is not (a deployment mistake)", {}, { origin: 'https://shop.example' }],
])('403 forbidden when %s: one wording, true of both', async (_, options, headers) => {
  const bff = createTestBff({ handler: options });
  const user = userEvent.setup();
  const fetch = (input: string, init: RequestInit) =>
    bff.fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
  render(<OtpVerification fetch={fetch} defaultTo={NUMBER} />);
  await user.click(screen.getByRole('button', { name: 'Send code' }));
  await says('This site cannot send a code to this number.');
  expect(bff.sim.calls.messages).toBe(0);
});

test('network error', async () => {
  const user = userEvent.setup();
  const fetch = () => Promise.reject(new TypeError('Failed to fetch'));
  render(<OtpVerification fetch={fetch} defaultTo={NUMBER} />);
  await user.click(screen.getByRole('button', { name: 'Send code' }));
  await says('No connection. Check your network and try again.');
});

test('change number goes back with the number kept, and focus on it', async () => {
  const { user } = setup();
  await sendCode(user);
  await user.click(screen.getByRole('button', { name: 'Change number' }));
  const phone = screen.getByLabelText('Phone number');
  expect(phone).toHaveValue(NUMBER);
  expect(phone).toHaveFocus();
});

test('every word can be overridden', async () => {
  const { user } = setup({
    defaultTo: NUMBER,
    messages: { sendCode: 'Text me', codeSent: (to, channel) => `Sent ${channel} to ${to}`, codeLabel: 'The code' },
  });
  await user.click(screen.getByRole('button', { name: 'Text me' }));
  expect(await screen.findByLabelText('The code')).toBeInTheDocument();
  await says(/^Sent sms to \+1( \d)* …( \d)+$/);
});

test('says so when the provider reports the code was not delivered (POST …/status)', async () => {
  // Fake timeouts only (advancing with real time too), so the first read, 2 s after the code step opens, is not
  // waited for.
  vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const bff = createTestBff({ deliveryReports: true });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    render(<OtpVerification fetch={bff.fetch} />);
    await sendCode(user);
    await waitFor(() => expect(bff.sim.messages).toHaveLength(1));
    await bff.report('sent');
    await act(() => vi.advanceTimersByTimeAsync(2000));
    await says(/^We sent a code to/);
    await bff.report('delivered_failed');
    await act(() => vi.advanceTimersByTimeAsync(3000));
    // Announced with the number read as digits; shown next to the code field.
    await says(/^The SMS to \+1 .*0 1 2 3 was not delivered\. Check the number, or use another one\.$/);
    const shown = [...document.querySelectorAll('.otpkit-message')].map((el) => el.textContent);
    expect(shown.some((text) => /^The SMS to .*0123.* was not delivered/.test(text ?? ''))).toBe(true);
    // The code can still be typed: a late delivery or another channel may still bring it.
    expect(screen.getByLabelText('Verification code')).toBeEnabled();
  } finally {
    vi.useRealTimers();
  }
});

describe('phoneInput: PhoneInput from @otpkit/react/phone in the drop-in', () => {
  const withPhoneInput = () => setup({ phoneInput: (field) => <PhoneInput {...field} defaultCountry="US" /> });

  test('a national number with its country from the picker is sent as E.164', async () => {
    const { bff, user } = withPhoneInput();
    await user.type(screen.getByLabelText('Phone number'), '(206) 880-0123');
    await user.click(screen.getByRole('button', { name: 'Send code' }));
    await waitFor(() => expect(bff.requests[0]?.body).toEqual({ to: '+12068800123' }));
    await says(/^We sent a code to/);
  });

  test('an incomplete number is refused in the field, without a request', async () => {
    const { bff, user } = withPhoneInput();
    const field = screen.getByLabelText('Phone number');
    await user.type(field, '206 880');
    await user.click(screen.getByRole('button', { name: 'Send code' }));
    await says('This number is not valid.');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(bff.requests).toHaveLength(0);
  });
});
