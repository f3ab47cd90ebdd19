import '../styles.css';
import { createRef, Profiler, type ReactNode, version } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { OtpInput } from './otp-input.js';

let root: Root | undefined;
let host: HTMLDivElement | undefined;

function mount(node: ReactNode, dir?: 'rtl') {
  host = document.createElement('div');
  if (dir) host.dir = dir;
  document.body.append(host);
  root = createRoot(host);
  flushSync(() => root?.render(node));
  const input = host.querySelector('input') as HTMLInputElement;
  const slots = [...host.querySelectorAll<HTMLElement>('.otpkit-slot')];
  return { input, slots, host };
}

const selection = (input: HTMLInputElement) => [input.selectionStart, input.selectionEnd];
const activeSlots = (slots: HTMLElement[]) => slots.flatMap((slot, i) => (slot.hasAttribute('data-active') ? [i] : []));
const caretSlot = (slots: HTMLElement[]) => slots.findIndex((slot) => slot.hasAttribute('data-caret'));

/** Clicks the middle of a slot. The real input lies over the slots, so the click lands on the input. */
async function clickSlot(input: HTMLInputElement, slot: HTMLElement) {
  const inputBox = input.getBoundingClientRect();
  const slotBox = slot.getBoundingClientRect();
  const position = { x: slotBox.left - inputBox.left + slotBox.width / 2, y: inputBox.height / 2 };
  await userEvent.click(input, { position } as Parameters<typeof userEvent.click>[1]);
}

afterEach(() => {
  root?.unmount();
  host?.remove();
  document.documentElement.dir = '';
});

declare module 'vitest' {
  export interface ProvidedContext {
    /** The React major the project runs on (the react18 project sets 18; unset: the workspace's React 19). */
    reactMajor?: number;
  }
}

describe(`OtpInput in Chromium, React ${version}`, () => {
  it('runs on the React this project is for', () => {
    expect(version.split('.')[0]).toBe(String(inject('reactMajor') ?? 19));
  });

  it('forwards its ref to the one real input (forwardRef: React 18.3 drops a plain ref prop)', () => {
    const ref = createRef<HTMLInputElement>();
    const errors = vi.spyOn(console, 'error');
    const { input } = mount(<OtpInput ref={ref} />);
    expect(ref.current).toBe(input);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it('a partial code does not block a native form submit, and never matches :invalid', async () => {
    const onSubmit = vi.fn((event: SubmitEvent) => event.preventDefault());
    const { input, host } = mount(
      <form>
        <OtpInput name="code" />
        <button type="submit">Go</button>
      </form>,
    );
    host.querySelector('form')?.addEventListener('submit', onSubmit);
    await userEvent.click(input);
    await userEvent.keyboard('12');
    expect(input.hasAttribute('pattern')).toBe(false);
    expect(input.matches(':invalid')).toBe(false);
    await userEvent.click(host.querySelector('button') as HTMLElement);
    expect(onSubmit).toHaveBeenCalledTimes(1);
  });

  it('Shift+ArrowLeft on a full code extends the selection, as input-otp does', async () => {
    const { input, slots } = mount(<OtpInput defaultValue="123456" />);
    await userEvent.click(input);
    await userEvent.keyboard('{End}');
    await expect.poll(() => selection(input)).toEqual([5, 6]);
    await userEvent.keyboard('{Shift>}{ArrowLeft}{/Shift}');
    await expect.poll(() => selection(input)).toEqual([4, 6]);
    await expect.poll(() => activeSlots(slots)).toEqual([4, 5]);
    await userEvent.keyboard('{Shift>}{ArrowLeft}{ArrowLeft}{/Shift}');
    await expect.poll(() => selection(input)).toEqual([2, 6]);
    // Typing replaces the selected slots, as in any text field.
    await userEvent.keyboard('9');
    await expect.poll(() => input.value).toBe('129');
  });

  it('ArrowLeft still walks one slot at a time after the selection change', async () => {
    const { input, slots } = mount(<OtpInput defaultValue="123456" />);
    await userEvent.click(input);
    await userEvent.keyboard('{End}');
    await expect.poll(() => activeSlots(slots)).toEqual([5]);
    await userEvent.keyboard('{ArrowLeft}');
    await expect.poll(() => activeSlots(slots)).toEqual([4]);
    await userEvent.keyboard('{ArrowLeft}');
    await expect.poll(() => activeSlots(slots)).toEqual([3]);
    await userEvent.keyboard('{Shift>}{ArrowLeft}{/Shift}');
    await expect.poll(() => activeSlots(slots)).toEqual([2, 3]);
  });

  it('render gets what a shadcn-style slot needs: focus, fake caret, placeholder, groups', async () => {
    const seen: Record<number, unknown> = {};
    const { input, host } = mount(
      <OtpInput
        placeholder="○○○○○○"
        groups={[3, 3]}
        render={(slot) => {
          seen[slot.index] = slot;
          return <div className="slot" data-group={slot.group} style={{ width: 40, height: 48 }} />;
        }}
      />,
    );
    expect(seen[0]).toMatchObject({ placeholderChar: '○', isFocused: false, group: 0, isGroupStart: true });
    expect(seen[2]).toMatchObject({ group: 0, isGroupEnd: true, isGroupStart: false });
    expect(seen[3]).toMatchObject({ group: 1, isGroupStart: true, isGroupEnd: false });
    expect(seen[5]).toMatchObject({ group: 1, isGroupEnd: true });
    expect(input.getAttribute('aria-placeholder')).toBe('○○○○○○');
    expect(input.placeholder).toBe('');
    await userEvent.click(input);
    await expect.poll(() => seen[0]).toMatchObject({ isFocused: true, hasFakeCaret: true, isActive: true });
    await userEvent.keyboard('1');
    await expect.poll(() => seen[0]).toMatchObject({ char: '1', placeholderChar: null, hasFakeCaret: false });
    await expect.poll(() => seen[1]).toMatchObject({ hasFakeCaret: true, hasCaret: true, placeholderChar: null });
    expect(host.querySelectorAll('[data-group="1"]')).toHaveLength(3);
  });

  it('the default slots draw a separator between groups, and a click on a slot after it still lands there', async () => {
    const { input, slots, host } = mount(<OtpInput defaultValue="123456" groups={[3, 3]} />);
    expect(host.querySelectorAll('.otpkit-separator')).toHaveLength(1);
    await clickSlot(input, slots[4] as HTMLElement);
    await expect.poll(() => activeSlots(slots)).toEqual([4]);
  });

  it("pushPasswordManagerStrategy='increase-width' leaves 40 px for a badge and lets password managers in", () => {
    const { input, slots } = mount(<OtpInput pushPasswordManagerStrategy="increase-width" />);
    const row =
      (slots.at(-1) as HTMLElement).getBoundingClientRect().right -
      (slots[0] as HTMLElement).getBoundingClientRect().left;
    expect(Math.round(input.getBoundingClientRect().width - row)).toBe(40);
    expect(input.hasAttribute('data-1p-ignore')).toBe(false);
    const plain = mount(<OtpInput />).input;
    expect(plain.hasAttribute('data-1p-ignore')).toBe(true);
  });

  it('puts the caret on the clicked slot, and typing replaces that character', async () => {
    const onComplete = vi.fn();
    const { input, slots } = mount(<OtpInput defaultValue="123456" onComplete={onComplete} />);
    await clickSlot(input, slots[3] as HTMLElement);
    await expect.poll(() => selection(input)).toEqual([3, 4]);
    await expect.poll(() => activeSlots(slots)).toEqual([3]);
    await userEvent.keyboard('9');
    await expect.poll(() => input.value).toBe('123956');
    expect(slots.map((s) => s.textContent).join('')).toBe('123956');
    // Overtyping moves on to the next slot.
    await expect.poll(() => selection(input)).toEqual([4, 5]);
    expect(onComplete).toHaveBeenCalledExactlyOnceWith('123956');
  });

  it('clicking an empty slot puts the caret after the last character (a code has no gaps)', async () => {
    const { input, slots } = mount(<OtpInput defaultValue="12" />);
    await clickSlot(input, slots[4] as HTMLElement);
    await expect.poll(() => selection(input)).toEqual([2, 2]);
    await expect.poll(() => caretSlot(slots)).toBe(2);
    await clickSlot(input, slots[0] as HTMLElement);
    await expect.poll(() => selection(input)).toEqual([0, 1]);
    await expect.poll(() => caretSlot(slots)).toBe(-1);
  });

  it('pastes a formatted code from a real clipboard event, and undo takes the paste back', async () => {
    const onComplete = vi.fn();
    const { input, slots } = mount(<OtpInput onComplete={onComplete} />);
    await userEvent.click(input);
    await userEvent.keyboard('9');
    const clipboardData = new DataTransfer();
    clipboardData.setData('text/plain', '123-456\n');
    const event = new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true });
    input.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await expect.poll(() => input.value).toBe('123456');
    await expect.poll(() => slots.map((s) => s.textContent).join('')).toBe('123456');
    expect(onComplete).toHaveBeenCalledExactlyOnceWith('123456');
    await userEvent.keyboard('{Control>}z{/Control}');
    await expect.poll(() => input.value).toBe('9');
  });

  it('pastes with the keyboard from the system clipboard', async () => {
    const { input, host } = mount(<OtpInput />);
    const source = document.createElement('textarea');
    source.value = '４８２ ９１３';
    host.append(source);
    source.select();
    await userEvent.copy();
    await userEvent.click(input);
    await userEvent.paste();
    await expect.poll(() => input.value).toBe('482913');
  });

  it('rejects a pasted sentence without touching the typed digits', async () => {
    const { input } = mount(<OtpInput />);
    await userEvent.click(input);
    await userEvent.keyboard('12');
    const clipboardData = new DataTransfer();
    clipboardData.setData('text/plain', 'Your code is 123456');
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
    await userEvent.keyboard('3');
    await expect.poll(() => input.value).toBe('123');
  });

  it('takes an SMS autofill: the whole code in ONE input event, no paste event', async () => {
    const onComplete = vi.fn();
    const { input, slots } = mount(<OtpInput onComplete={onComplete} />);
    await userEvent.click(input);
    // What iOS/Android do: the value is replaced and a single input event fires (inputType insertReplacementText).
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, '482 913');
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertReplacementText' }));
    await expect.poll(() => input.value).toBe('482913');
    await expect.poll(() => slots.map((s) => s.textContent).join('')).toBe('482913');
    expect(onComplete).toHaveBeenCalledExactlyOnceWith('482913');
    // Focus is on the full code: its last slot is active, ready for overtype.
    await expect.poll(() => activeSlots(slots)).toEqual([5]);
  });

  it('keeps arrows, Home/End and Backspace native, with the active slot following', async () => {
    const { input, slots } = mount(<OtpInput defaultValue="123456" />);
    await userEvent.click(input, { position: { x: 1, y: 1 } } as Parameters<typeof userEvent.click>[1]);
    await expect.poll(() => activeSlots(slots)).toEqual([0]);
    await userEvent.keyboard('{End}');
    await expect.poll(() => activeSlots(slots)).toEqual([5]);
    await userEvent.keyboard('{ArrowLeft}');
    await expect.poll(() => activeSlots(slots)).toEqual([4]);
    await userEvent.keyboard('{ArrowLeft}');
    await expect.poll(() => activeSlots(slots)).toEqual([3]);
    await userEvent.keyboard('{ArrowRight}');
    await expect.poll(() => activeSlots(slots)).toEqual([4]);
    await userEvent.keyboard('{Home}');
    await expect.poll(() => activeSlots(slots)).toEqual([0]);
    await userEvent.keyboard('{End}{Backspace}');
    await expect.poll(() => input.value).toBe('12345');
    await expect.poll(() => caretSlot(slots)).toBe(5);
    await userEvent.keyboard('{Backspace}{Backspace}');
    await expect.poll(() => input.value).toBe('123');
    await expect.poll(() => caretSlot(slots)).toBe(3);
  });

  it('select-all marks every slot and typing replaces the code', async () => {
    const { input, slots } = mount(<OtpInput defaultValue="123456" />);
    await userEvent.click(input);
    await userEvent.keyboard('{Control>}a{/Control}');
    await expect.poll(() => selection(input)).toEqual([0, 6]);
    await expect.poll(() => activeSlots(slots)).toEqual([0, 1, 2, 3, 4, 5]);
    await userEvent.keyboard('7');
    await expect.poll(() => input.value).toBe('7');
    await expect.poll(() => caretSlot(slots)).toBe(1);
  });

  it('commits once per typed character, selectionchange included', async () => {
    const commits = vi.fn();
    const { input } = mount(
      <Profiler id="otp" onRender={commits}>
        <OtpInput />
      </Profiler>,
    );
    await userEvent.click(input);
    await new Promise((r) => setTimeout(r, 50));
    commits.mockClear();
    await userEvent.keyboard('1234');
    await new Promise((r) => setTimeout(r, 50)); // let the trailing selectionchange events arrive
    expect(input.value).toBe('1234');
    expect(commits).toHaveBeenCalledTimes(4);
  });

  it('keeps the digits left to right on an RTL page', async () => {
    document.documentElement.dir = 'rtl';
    const { input, slots } = mount(<OtpInput defaultValue="123456" />, 'rtl');
    const lefts = slots.map((s) => s.getBoundingClientRect().left);
    expect(lefts).toEqual([...lefts].sort((a, b) => a - b));
    expect(new Set(lefts).size).toBe(6);
    expect(getComputedStyle(input).direction).toBe('ltr');
    await clickSlot(input, slots[1] as HTMLElement);
    await expect.poll(() => selection(input)).toEqual([1, 2]);
  });

  it('keeps the real input transparent: no visible text, caret or selection', async () => {
    const { input } = mount(<OtpInput defaultValue="123456" />);
    const style = getComputedStyle(input);
    expect(style.color).toBe('rgba(0, 0, 0, 0)');
    expect(style.caretColor).toBe('rgba(0, 0, 0, 0)');
    expect(style.opacity).toBe('1'); // iOS needs an opaque input for its long-press Paste menu
    expect(getComputedStyle(input, '::selection').backgroundColor).toBe('rgba(0, 0, 0, 0)');
  });
});
