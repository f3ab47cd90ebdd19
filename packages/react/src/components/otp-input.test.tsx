import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { createRef, Profiler, useState } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OtpInput, type OtpInputProps } from './otp-input.js';

const input = () => screen.getByRole('textbox') as HTMLInputElement;
const slotTexts = (container: HTMLElement) =>
  [...container.querySelectorAll('.otpkit-slot')].map((slot) => slot.textContent);

function Controlled(props: Partial<OtpInputProps> & { initial?: string }) {
  const [value, setValue] = useState(props.initial ?? '');
  return (
    <OtpInput
      {...props}
      value={value}
      onChange={(next) => {
        props.onChange?.(next);
        setValue(next);
      }}
    />
  );
}

const parentRenders = vi.fn();
/** Listens without holding the value in state: a new `onChange` each render, and the latest is what must run. */
function Parent({ onValue }: { onValue: (value: string) => void }) {
  parentRenders();
  return <OtpInput onChange={(value) => onValue(value)} />;
}

describe('OtpInput (jsdom)', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('renders one labelled one-time-code input over aria-hidden slots', () => {
    const { container } = render(<OtpInput aria-label="Code from the SMS" name="code" />);
    const field = screen.getByRole('textbox', { name: 'Code from the SMS' }) as HTMLInputElement;
    expect(container.querySelectorAll('input')).toHaveLength(1);
    expect(field).toHaveAttribute('autocomplete', 'one-time-code');
    expect(field).toHaveAttribute('inputmode', 'numeric');
    expect(field.maxLength).toBe(6);
    expect(field).toHaveAttribute('data-1p-ignore');
    expect(field).toHaveAttribute('data-lpignore', 'true');
    expect(field).toHaveAttribute('data-bwignore');
    expect(field).toHaveAttribute('data-form-type', 'other');
    expect(container.querySelector('.otpkit-slots')).toHaveAttribute('aria-hidden', 'true');
    expect(container.querySelector('.otpkit')).toHaveAttribute('dir', 'ltr');
    expect(container.querySelectorAll('.otpkit-slot')).toHaveLength(6);
  });

  it('labels itself when the app gives no label, and uses text inputMode for alphanumeric codes', () => {
    render(<OtpInput charset="alphanumeric" length={4} />);
    expect(screen.getByRole('textbox', { name: 'One-time code' })).toHaveAttribute('inputmode', 'text');
    expect(input()).not.toHaveAttribute('pattern');
    expect(input().maxLength).toBe(4);
  });

  it("gives the app's callback ref the real input, and keeps working beside it", async () => {
    const user = userEvent.setup();
    const seen: (HTMLInputElement | null)[] = [];
    const onChange = vi.fn();
    const { unmount } = render(<OtpInput ref={(el) => void seen.push(el)} onChange={onChange} />);
    expect(seen).toEqual([input()]);
    // The app's ref is passed on untouched, the component finds the input on its own: typing and cleaning work.
    await user.click(input());
    await user.keyboard('1 2');
    expect(onChange).toHaveBeenLastCalledWith('12');
    unmount();
    expect(seen.at(-1)).toBeNull();
  });

  it('types into the slots (uncontrolled) and reports each value', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    const { container } = render(<OtpInput onChange={onChange} />);
    await user.click(input());
    await user.keyboard('123');
    expect(input().value).toBe('123');
    expect(onChange.mock.calls.map(([v]) => v)).toEqual(['1', '12', '123']);
    expect(slotTexts(container)).toEqual(['1', '2', '3', '', '', '']);
    const states = [...container.querySelectorAll('.otpkit-slot')].map((s) => s.getAttribute('data-state'));
    expect(states).toEqual(['filled', 'filled', 'filled', 'empty', 'empty', 'empty']);
    // The caret sits in the next empty slot.
    expect(container.querySelectorAll('.otpkit-slot')[3]).toHaveAttribute('data-caret');
    expect(container.querySelectorAll('[data-active]')).toHaveLength(1);
  });

  it('shows defaultValue and follows a controlled value', async () => {
    const user = userEvent.setup();
    const { container, unmount } = render(<OtpInput defaultValue="42" />);
    expect(slotTexts(container).slice(0, 3)).toEqual(['4', '2', '']);
    unmount();
    const onChange = vi.fn();
    render(<Controlled initial="9" onChange={onChange} />);
    await user.click(input());
    await user.keyboard('87');
    expect(input().value).toBe('987');
    expect(onChange).toHaveBeenLastCalledWith('987');
  });

  it('keeps a controlled value the parent does not accept', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    render(<OtpInput value="12" onChange={onChange} />);
    await user.click(input());
    await user.keyboard('3');
    expect(onChange).toHaveBeenCalledWith('123');
    expect(input().value).toBe('12');
  });

  it('calls onComplete once per transition to complete', async () => {
    const user = userEvent.setup();
    const onComplete = vi.fn();
    const { rerender } = render(<OtpInput onComplete={onComplete} />);
    await user.click(input());
    await user.keyboard('123456');
    expect(onComplete).toHaveBeenCalledTimes(1);
    expect(onComplete).toHaveBeenCalledWith('123456');
    rerender(<OtpInput onComplete={onComplete} className="again" />);
    await user.keyboard('7'); // full: overtypes the last slot, a different complete code
    expect(input().value).toBe('123457');
    expect(onComplete).toHaveBeenCalledTimes(2);
    await user.keyboard('{Backspace}');
    expect(input().value).toBe('12345');
    await user.keyboard('7');
    expect(onComplete).toHaveBeenCalledTimes(3);
    expect(onComplete).toHaveBeenLastCalledWith('123457');
  });

  it('does not call onComplete for a complete initial value or a value re-set to itself', () => {
    const onComplete = vi.fn();
    const { rerender } = render(<OtpInput value="123456" onChange={() => {}} onComplete={onComplete} />);
    rerender(<OtpInput value="123456" onChange={() => {}} onComplete={onComplete} />);
    expect(onComplete).not.toHaveBeenCalled();
    rerender(<OtpInput value="12345" onChange={() => {}} onComplete={onComplete} />);
    rerender(<OtpInput value="123456" onChange={() => {}} onComplete={onComplete} />);
    expect(onComplete).toHaveBeenCalledTimes(1);
  });

  it('rejects a letter in a digits code without losing the typed digits', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    render(<OtpInput onChange={onChange} />);
    await user.click(input());
    await user.keyboard('12a');
    expect(input().value).toBe('12');
    expect(onChange).toHaveBeenLastCalledWith('12');
    await user.keyboard('3');
    expect(input().value).toBe('123');
  });

  it('normalises a pasted formatted code and rejects a pasted sentence', async () => {
    const user = userEvent.setup();
    const onComplete = vi.fn();
    render(<OtpInput onComplete={onComplete} />);
    await user.click(input());
    await user.keyboard('9');
    await user.paste('code: 123456');
    expect(input().value).toBe('9');
    await user.paste('123-456');
    expect(input().value).toBe('123456'); // a complete code replaces what was there
    expect(onComplete).toHaveBeenCalledExactlyOnceWith('123456');
  });

  it('normalises full-width digits, and inserts a partial paste at the caret', async () => {
    const user = userEvent.setup();
    render(<OtpInput />);
    await user.click(input());
    await user.paste('１２');
    expect(input().value).toBe('12');
    await user.paste(' 3 4 ');
    expect(input().value).toBe('1234');
  });

  it('takes a code set natively followed by an input event (how the hook clears a wrong code)', () => {
    const onChange = vi.fn();
    const { container } = render(<OtpInput defaultValue="123456" onChange={onChange} />);
    act(() => {
      input().value = '';
      input().dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(onChange).toHaveBeenLastCalledWith('');
    expect(slotTexts(container)).toEqual(['', '', '', '', '', '']);
    // A non-bubbling event (as some libraries dispatch) works too, and is normalised.
    act(() => {
      input().value = '65 43';
      input().dispatchEvent(new Event('input'));
    });
    expect(input().value).toBe('6543');
    expect(slotTexts(container).slice(0, 4)).toEqual(['6', '5', '4', '3']);
  });

  it('treats an autofill (whole code in one input event) like typing it', () => {
    const onComplete = vi.fn();
    render(<OtpInput onComplete={onComplete} />);
    act(() => {
      input().value = '482 913';
      input().dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertReplacementText' }));
    });
    expect(input().value).toBe('482913');
    expect(onComplete).toHaveBeenCalledExactlyOnceWith('482913');
  });

  it('is submitted under `name` and cleared by a form reset', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    const { container } = render(
      <form>
        <OtpInput name="code" onChange={onChange} />
        <button type="reset">Reset</button>
      </form>,
    );
    await user.click(input());
    await user.keyboard('1234');
    const form = container.querySelector('form') as HTMLFormElement;
    expect(new FormData(form).get('code')).toBe('1234');
    await user.click(screen.getByRole('button', { name: 'Reset' }));
    expect(input().value).toBe('');
    expect(onChange).toHaveBeenLastCalledWith('');
    expect(slotTexts(container)).toEqual(['', '', '', '', '', '']);
    expect(new FormData(form).get('code')).toBe('');
  });

  it('ignores typing and paste when disabled or readOnly', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    const { rerender, container } = render(<OtpInput defaultValue="12" readOnly onChange={onChange} />);
    await user.click(input());
    await user.keyboard('3');
    await user.paste('456789');
    expect(input().value).toBe('12');
    rerender(<OtpInput defaultValue="12" disabled onChange={onChange} />);
    expect(input()).toBeDisabled();
    expect(container.querySelector('.otpkit')).toHaveAttribute('data-disabled');
    await user.type(input(), '3');
    expect(input().value).toBe('12');
    expect(onChange).not.toHaveBeenCalled();
  });

  it('masks characters, marks invalid and gives the ref the real input', () => {
    const ref = createRef<HTMLInputElement>();
    const { container } = render(<OtpInput ref={ref} defaultValue="12" mask invalid />);
    expect(ref.current).toBe(input());
    expect(input()).not.toHaveAttribute('pattern');
    expect(slotTexts(container).slice(0, 3)).toEqual(['•', '•', '']);
    expect(input()).toHaveAttribute('aria-invalid', 'true');
    expect(container.querySelectorAll('.otpkit-slot[data-invalid]')).toHaveLength(6);
  });

  it('draws custom slots with render', async () => {
    const user = userEvent.setup();
    const { container } = render(
      <OtpInput
        length={4}
        defaultValue="7"
        render={({ index, char, isActive, hasCaret }) => (
          <span className="mine" data-i={index} data-on={isActive || undefined} data-c={hasCaret || undefined}>
            {char ?? '_'}
          </span>
        )}
      />,
    );
    expect([...container.querySelectorAll('.mine')].map((s) => s.textContent)).toEqual(['7', '_', '_', '_']);
    await user.click(input());
    expect(container.querySelector('[data-c]')).toHaveAttribute('data-i', '1');
  });

  it('reports every value to a parent that only listens (uncontrolled), without re-rendering it', async () => {
    const user = userEvent.setup();
    parentRenders.mockClear();
    const onValue = vi.fn();
    render(<Parent onValue={onValue} />);
    await user.click(input());
    await user.keyboard('12a3-4');
    // Once per accepted character: the rejected letter and the stripped dash report nothing.
    expect(onValue.mock.calls.map(([value]) => value)).toEqual(['1', '12', '123', '1234']);
    expect(parentRenders).toHaveBeenCalledTimes(1);
  });

  it('commits once per typed character', async () => {
    const user = userEvent.setup();
    const commits = vi.fn();
    render(
      <Profiler id="otp" onRender={(_id, phase) => commits(phase)}>
        <OtpInput aria-label="profiled" />
      </Profiler>,
    );
    const field = screen.getByRole('textbox', { name: 'profiled' });
    await user.click(field);
    commits.mockClear();
    await user.keyboard('1234');
    expect(commits).toHaveBeenCalledTimes(4);
  });

  it('has no axe violations, empty, filled and invalid', async () => {
    const { container, rerender } = render(
      <main>
        <label htmlFor="otp">Code</label>
        <OtpInput id="otp" />
      </main>,
    );
    expect((await axe.run(container)).violations).toEqual([]);
    rerender(
      <main>
        <OtpInput aria-label="Code" defaultValue="123456" invalid mask />
      </main>,
    );
    expect((await axe.run(container)).violations).toEqual([]);
  });

  it('fills the code from WebOTP when asked, and aborts the request on unmount', async () => {
    let signal: AbortSignal | undefined;
    let resolve: (credential: { code: string }) => void = () => {};
    const get = vi.fn((options: { signal: AbortSignal }) => {
      signal = options.signal;
      return new Promise((r) => {
        resolve = r;
      });
    });
    vi.stubGlobal('OTPCredential', class {});
    vi.stubGlobal('navigator', { ...navigator, credentials: { get } });
    const onComplete = vi.fn();
    const { unmount } = render(<OtpInput webOtp onComplete={onComplete} />);
    expect(get).toHaveBeenCalledWith(expect.objectContaining({ otp: { transport: ['sms'] } }));
    await act(async () => resolve({ code: '556677' }));
    expect(input().value).toBe('556677');
    expect(onComplete).toHaveBeenCalledExactlyOnceWith('556677');
    expect(signal?.aborted).toBe(false);
    unmount();
    expect(signal?.aborted).toBe(true);
  });

  it('renders on the server and hydrates without a mismatch', async () => {
    const html = renderToString(<OtpInput defaultValue="12" name="code" webOtp />);
    expect(html).toContain('autoComplete="one-time-code"');
    const host = document.createElement('div');
    host.innerHTML = html;
    document.body.append(host);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const recoverable = vi.fn();
    const root = hydrateRoot(host, <OtpInput defaultValue="12" name="code" webOtp />, {
      onRecoverableError: recoverable,
    });
    await act(async () => {});
    expect(errors).not.toHaveBeenCalled();
    expect(recoverable).not.toHaveBeenCalled();
    expect(host.querySelector('input')?.value).toBe('12');
    act(() => root.unmount());
    host.remove();
    errors.mockRestore();
  });

  it('does not ask for WebOTP unless opted in or supported', () => {
    const get = vi.fn(() => new Promise(() => {}));
    vi.stubGlobal('navigator', { ...navigator, credentials: { get } });
    const { unmount } = render(<OtpInput />);
    unmount();
    render(<OtpInput webOtp />); // no OTPCredential in this "browser"
    expect(get).not.toHaveBeenCalled();
  });
});
