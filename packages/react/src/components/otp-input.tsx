'use client';
import type { ClipboardEvent, CSSProperties, InputHTMLAttributes, MouseEvent, ReactNode } from 'react';
import { Fragment, forwardRef, useCallback, useEffect, useRef, useState } from 'react';
import { CHARSETS, normalizeCode, type OtpCharset } from './charsets.js';

/** What `render` gets for each slot. */
export interface SlotRenderProps {
  /** 0-based position of the slot. */
  index: number;
  /** The character in the slot, `null` when empty. The real character even when `isMasked`. */
  char: string | null;
  /** The input is focused and this slot is where the next keystroke lands (or is inside the selection). */
  isActive: boolean;
  /** Draw a caret here: the input is focused and the caret sits in this empty slot. */
  hasCaret: boolean;
  /** The same as `hasCaret`, under input-otp's name (shadcn's `InputOTPSlot` reads it). */
  hasFakeCaret: boolean;
  /** The slot's character of `placeholder` while the code is empty, else `null`. */
  placeholderChar: string | null;
  /** The input has focus (any slot). */
  isFocused: boolean;
  isInvalid: boolean;
  /** `mask` is set: draw a dot instead of `char`. */
  isMasked: boolean;
  /** 0-based group of the slot (see `groups`; 0 without groups). */
  group: number;
  /** First slot of its group: round its left corners (shadcn's `first:rounded-l-md`). */
  isGroupStart: boolean;
  /** Last slot of its group: round its right corners, draw a separator after it. */
  isGroupEnd: boolean;
}

type NativeProps = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  | 'value'
  | 'defaultValue'
  | 'onChange'
  | 'children'
  | 'maxLength'
  | 'minLength'
  | 'pattern'
  | 'type'
  | 'inputMode'
  | 'placeholder'
>;

export interface OtpInputProps extends NativeProps {
  /** Number of characters. @defaultValue 6 */
  length?: number;
  /** Controlled value (pair with `onChange`). */
  value?: string;
  /** Initial value when uncontrolled; a form reset returns to it. @defaultValue '' */
  defaultValue?: string;
  /** The cleaned value after every change (typing, paste, autofill, WebOTP, form reset). */
  onChange?: (value: string) => void;
  /** Called once each time the value becomes complete (each call costs a verification attempt). */
  onComplete?: (code: string) => void;
  /** @defaultValue 'digits' */
  charset?: OtpCharset;
  /** Marks the code as wrong: `aria-invalid` on the input, `data-invalid` on the root and slots. */
  invalid?: boolean;
  /** Draw dots instead of the characters. */
  mask?: boolean;
  /** Ask Android Chrome for the code of the incoming SMS (WebOTP). Chrome offers it only when the SMS ends with
   * the origin-bound line `@<your host> #<code>`, e.g. `@shop.example #123456`. */
  webOtp?: boolean;
  /** One character per slot, drawn in the empty slots while the code is empty (e.g. `'000000'` or `'○○○○○○'`);
   * also the input's `aria-placeholder`. */
  placeholder?: string;
  /** Slot counts per group, e.g. `[3, 3]`: the default slots draw a separator between groups, and `render` gets
   * `group` / `isGroupStart` / `isGroupEnd`. @defaultValue [length] */
  groups?: readonly number[];
  /** Password managers: `'none'` (default) asks them to ignore the field (no badge over the last slot, no
   * "save this code?"); `'increase-width'` lets them in (1Password, for one, can fill a TOTP code) and widens the
   * invisible input 40 px past the last slot, so their badge lands beside the slots instead of over them (the
   * idea of input-otp's `pushPasswordManagerStrategy`). @defaultValue 'none' */
  pushPasswordManagerStrategy?: 'increase-width' | 'none';
  /** Draws one slot (headless). Without it, default slots with data attributes are drawn. */
  render?: (props: SlotRenderProps) => ReactNode;
  /** On the root element (the input is transparent, so styling belongs to the root and the slots). */
  className?: string;
  /** On the root element. */
  style?: CSSProperties;
}

// The real input lies over the drawn slots and takes every pointer and keyboard event, so paste, SMS autofill,
// undo, select-all and screen readers all see one ordinary text field.
const OVERLAY: CSSProperties = {
  position: 'absolute',
  inset: 0,
  width: '100%',
  height: '100%',
  // (No box-sizing: with no padding and no border the boxes agree.)
  margin: 0,
  padding: 0,
  border: 0,
  outline: 0,
  boxShadow: 'none',
  background: 0,
  // Transparent, never `opacity: 0`: iOS treats an invisible input as not interactive and offers no long-press
  // Paste. `-webkit-text-fill-color` too, because iOS paints autofilled text with it rather than `color`.
  color: 'transparent',
  WebkitTextFillColor: 'transparent',
  caretColor: 'transparent',
  // 16px: iOS Safari zooms the page into any focused input with a smaller font, and a taller font makes iOS draw
  // a caret-tall native selection bar at the left edge (input-otp#75, #110), which ignores `::selection`.
  // The negative letter-spacing squeezes that bar to a sliver.
  fontSize: 16,
  letterSpacing: 'var(--otpkit-input-spacing, -.5em)',
  cursor: 'text',
};
const SLOTS: CSSProperties = { display: 'flex', gap: 'var(--otpkit-gap, .5rem)' };
/** input-otp's measured room for a password manager's badge (PWM_BADGE_SPACE_WIDTH). */
const BADGE_ROOM = '40px';
const noop = () => {};

/** Moves the selection only while focused: on iOS Safari `setSelectionRange` on a blurred input focuses it. */
function select(input: HTMLInputElement, start = 0, end = start, direction?: 'backward') {
  if (document.activeElement === input) input.setSelectionRange(start, end, direction);
}

/**
 * A one-time-code field: ONE real `<input autocomplete="one-time-code">` over drawn slots. Uncontrolled by default;
 * the value always holds only charset characters, at most `length` of them. Its ref reaches that input
 * (`forwardRef`, so React 18.3 passes it on too: a plain `ref` prop exists only since React 19).
 */
export const OtpInput = forwardRef<HTMLInputElement, OtpInputProps>(function OtpInput(
  {
    length = 6,
    value: valueProp,
    defaultValue = '',
    onChange,
    onComplete,
    charset = 'digits',
    invalid = false,
    mask = false,
    webOtp = false,
    placeholder,
    groups = [length],
    pushPasswordManagerStrategy = 'none',
    render,
    className = '',
    style,
    ...rest
  },
  ref,
) {
  // The root (its first child holds the slots) and the one real input, whose ref is shared with the app's or the
  // hook's.
  const root = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement | null>(null);
  const getInput = () => inputRef.current as HTMLInputElement;
  const setInput = useCallback(
    (el: HTMLInputElement | null) => {
      inputRef.current = el;
      if (typeof ref === 'function') ref(el);
      else if (ref) ref.current = el;
    },
    [ref],
  );
  const [inner, setInner] = useState(defaultValue);
  const value = valueProp ?? inner;
  // Mirror of the input's selection while it is focused (null: not focused), only to draw the active slot and
  // the caret; `seen` is the last selection mirrored, read by the handlers between renders.
  const [selection, setSelection] = useState<number[] | null>(null);
  const seen = useRef<number[]>([]);

  const commit = (next: string) => {
    if (next === value) return;
    if (valueProp === undefined) setInner(next);
    onChange?.(next);
  };

  // Keyboard navigation stays native; this only reads the result. A collapsed caret inside the code becomes a
  // one-character selection, so typing replaces that slot's character (overtype) instead of being blocked by
  // maxLength, and Backspace deletes it. Which character depends on the direction the caret came from
  // (ArrowLeft from slot 3 selects slot 2, not slot 3 again); the end of a full code selects its last slot.
  const sync = () => {
    const input = getInput();
    if (document.activeElement !== input) return;
    // (selectionStart/End are null only for input types without a caret; this one is always type="text".)
    let s = input.selectionStart as number;
    let e = input.selectionEnd as number;
    const n = input.value.length;
    const [ps, pe] = seen.current as [number, number];
    if (s === e && n && (s < n || n >= length)) {
      // The three caret rules, first match wins (written inline: named consts would cost bytes in every app):
      // - pastTheEnd, `s >= length`: past the last slot of a full code; select the last slot.
      // - movedLeft, `s && s < pe && ps !== pe`: moved left from a selected slot (ArrowLeft collapses it to its
      //   start, which is `s` again); select the slot before.
      // - otherwise: select the slot the caret stands before.
      // The first two select BACKWARD (anchor after the slot, focus before it), as input-otp does: Shift+ArrowLeft
      // then extends the selection to the slot before instead of collapsing it into a one-slot move.
      const back = s >= length || (s && s < pe && ps !== pe);
      if (back) s--;
      e = s + 1;
      input.setSelectionRange(s, e, back ? 'backward' : 'forward');
    }
    // Only on a change: React may re-render once even for a same-value setState, and selectionchange also
    // follows every keystroke, so this keeps typing at one commit per character.
    if (s === ps && e === pe) return;
    seen.current = [s, e];
    setSelection([s, e]);
  };

  // Every change arrives here as a native `input` event: typing, SMS autofill (iOS and Android deliver the whole
  // code as ONE input event, never a paste event), a paste (inserted by onPaste below), WebOTP, and code that sets
  // `input.value` and dispatches `input` itself (the hook clears a wrong code that way). A native listener, not
  // React's onChange: React's value tracker swallows the event when the value was set through the `value`
  // property, and a non-bubbling `new Event('input')` never reaches React's root listener.
  const handleInput = () => {
    const input = getInput();
    const raw = input.value;
    const next = normalizeCode(raw, charset, length);
    if (next === null) {
      // Rejected: put back what was typed before, caret included, rather than dropping characters one by one.
      input.value = value;
      select(input, ...seen.current);
      return;
    }
    if (next !== raw) {
      // "123 456" autofilled, or a full-width digit typed: keep the caret after the same characters.
      const caret = (normalizeCode(raw.slice(0, input.selectionStart as number), charset, length) as string).length;
      input.value = next;
      select(input, caret);
    }
    commit(next);
    sync();
  };

  // Re-bound after every render, so the handlers see this render's value and props. React commits the render
  // of a discrete event (input, selectionchange) and runs its effects before the next event is dispatched.
  useEffect(() => {
    const input = getInput();
    // The controller is its own listener options: its `signal` removes all three listeners at once.
    const controller = new AbortController();
    document.addEventListener('selectionchange', sync, controller);
    input.addEventListener('input', handleInput, controller);
    // React keeps the `value` attribute equal to the current value, so a native form reset would "reset" to
    // the current code; return to defaultValue ourselves (the browser's reset runs right after the event, our
    // render after that).
    input.form?.addEventListener('reset', () => commit(defaultValue), controller);
    return () => controller.abort();
  });

  // onComplete fires on each transition to a complete value, never for a re-render or a value set to itself:
  // every call costs the user a verification attempt. A complete initial value is not a transition.
  const completed = useRef(value);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new value (or length) is a transition
  useEffect(() => {
    if (value === completed.current) return;
    completed.current = value;
    if (value.length === length) onComplete?.(value);
  }, [value, length]);

  // WebOTP (Android Chrome): the code of the SMS the user agrees to share. The SMS must end with a line
  // `@<your host> #<code>` (the origin-bound format), otherwise Chrome never offers it. Feature-detected on
  // `OTPCredential`, as Chrome's docs do: `navigator.credentials` alone exists in every browser. Effects do not
  // run on the server, so this is SSR-safe.
  // biome-ignore lint/correctness/useExhaustiveDependencies: getInput reads a ref
  useEffect(() => {
    if (!webOtp || !('OTPCredential' in window)) return;
    const controller = new AbortController();
    // `otp` is not in TypeScript's DOM lib yet.
    const options = { otp: { transport: ['sms'] }, signal: controller.signal } as CredentialRequestOptions;
    navigator.credentials.get(options).then((credential) => {
      const input = getInput();
      const code = (credential as { code?: string } | null)?.code;
      if (!code || !input || input.readOnly || input.disabled) return;
      input.value = code;
      input.dispatchEvent(new Event('input'));
      // AbortError on unmount, NotAllowedError when the user dismisses the prompt: both simply mean "no code".
    }, noop);
    // Unmounting (code typed, flow left) withdraws Chrome's "share the code?" prompt.
    return () => controller.abort();
  }, [webOtp]);

  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    rest.onPaste?.(event);
    const input = event.currentTarget;
    if (event.defaultPrevented || input.readOnly || input.disabled) return;
    // Handled here because the browser would truncate "123-456" to maxLength ("123-45") BEFORE any input event.
    event.preventDefault();
    const text = normalizeCode(event.clipboardData.getData('text'), charset, length);
    if (!text) return; // rejected (letters in a digits code): keep what was typed
    // A complete code replaces whatever was there: it is the code from the message, wherever the caret was.
    if (text.length === length) input.select();
    // execCommand keeps the paste on the native undo stack and fires a real `input` event; jsdom lacks it.
    if (!document.execCommand?.('insertText', false, text)) {
      input.setRangeText(text, input.selectionStart as number, input.selectionEnd as number, 'end');
      handleInput();
    }
  };

  // Puts the caret on slot `i`: on its character (overtype), or after the last character when `i` is past it or
  // NaN (a code has no gaps). Focus lands on the last slot, which is after the typed characters (or on the last one
  // when full), not where the browser put the caret: Tab would otherwise select everything and the next digit
  // would wipe the code.
  const place = (input: HTMLInputElement, i = length - 1) => {
    const n = input.value.length;
    // The last character is selected backward, as if the caret had come from the end (see sync).
    i < n ? select(input, i, i + 1, i + 1 === n ? 'backward' : undefined) : select(input, n);
    sync();
  };

  // input-otp cannot put the caret on a clicked slot (input-otp#31, #97): the transparent text does not line up
  // with the slots. The click position is mapped to a slot, along the row from the first slot's left edge to the
  // last one's right edge: exact for equal slots with equal gaps (each point of slot i maps to i, a point in a gap
  // to a neighbour), close for custom slots with separators between them. A row with no size (not laid out)
  // gives NaN. Double clicks keep the native select-all.
  const onClick = (event: MouseEvent<HTMLInputElement>) => {
    rest.onClick?.(event);
    // The row of slots: the root's first child.
    const slots = root.current?.firstChild as Element;
    const first = (slots.firstElementChild ?? slots).getBoundingClientRect();
    const span = (slots.lastElementChild ?? slots).getBoundingClientRect().right - first.left;
    if (event.detail < 2)
      place(event.currentTarget, Math.max(0, Math.floor(((event.clientX - first.left) / span) * length)));
  };

  const [start = -1, end = -1] = (!rest.disabled && selection) || [];
  const slots: ReactNode[] = [];
  // The group of each slot, from `groups` (a last group takes what the sizes leave out).
  let group = 0;
  let groupStart = 0;
  let groupEnd = groups[0] ?? length;
  for (let index = 0; index < length; index++) {
    const char = value[index] ?? null;
    const isActive = start === end ? index === start : index >= start && index < end;
    const hasCaret = isActive && start === end;
    const placeholderChar = (!value && placeholder?.[index]) || null;
    const isGroupStart = index === groupStart;
    const isGroupEnd = index === groupEnd - 1 || index === length - 1;
    slots.push(
      render ? (
        <Fragment key={index}>
          {render({
            index,
            char,
            isActive,
            hasCaret,
            hasFakeCaret: hasCaret,
            placeholderChar,
            isFocused: !!selection,
            isInvalid: invalid,
            isMasked: mask,
            group,
            isGroupStart,
            isGroupEnd,
          })}
        </Fragment>
      ) : (
        <Fragment key={index}>
          <div
            className="otpkit-slot"
            data-state={char ? 'filled' : 'empty'}
            data-active={isActive || undefined}
            data-caret={hasCaret || undefined}
            data-invalid={invalid || undefined}
            data-placeholder={placeholderChar ? '' : undefined}
          >
            {char ? (mask ? '•' : char) : placeholderChar}
          </div>
          {isGroupEnd && index < length - 1 && <div className="otpkit-separator" />}
        </Fragment>
      ),
    );
    if (isGroupEnd) {
      groupStart = index + 1;
      groupEnd = groupStart + (groups[++group] ?? length);
    }
  }
  const pushBadge = pushPasswordManagerStrategy === 'increase-width';

  return (
    <div
      ref={root}
      className={`otpkit ${className}`.trim()}
      style={{ position: 'relative', ...style }}
      // Codes read left to right in every script; without this an RTL page reverses the slots (shadcn-ui#5658).
      dir="ltr"
      // Chrome's page translation rewrites text nodes (wrapping them in <font>), which breaks React's next update;
      // a code is never worth translating.
      translate="no"
      data-invalid={invalid || undefined}
      data-disabled={rest.disabled || undefined}
    >
      <div className="otpkit-slots" aria-hidden="true" style={SLOTS}>
        {slots}
      </div>
      <input
        aria-label={rest['aria-labelledby'] || rest.id ? undefined : 'One-time code'}
        aria-placeholder={placeholder}
        {...rest}
        ref={setInput}
        className="otpkit-input"
        style={
          pushBadge
            ? { ...OVERLAY, width: `calc(100% + ${BADGE_ROOM})`, clipPath: `inset(0 ${BADGE_ROOM} 0 0)` }
            : OVERLAY
        }
        type="text"
        autoComplete="one-time-code"
        inputMode={CHARSETS[charset][1]}
        // No `pattern`: it would make every partial code :invalid while typing and block a form's native submit
        // (input-otp sets one and has both problems). normalizeCode already keeps out anything else.
        maxLength={length}
        autoCapitalize="off"
        autoCorrect="off"
        spellCheck={false}
        aria-invalid={invalid || undefined}
        // Password managers otherwise put their badge over the last slot (input-otp#30) or offer to save the code;
        // with room for the badge (pushBadge) they are welcome.
        {...(!pushBadge && {
          'data-1p-ignore': '',
          'data-lpignore': 'true',
          'data-bwignore': '',
          'data-form-type': 'other',
        })}
        value={value}
        // Changes are handled by the native `input` listener above; this only tells React the field is editable.
        onChange={noop}
        onFocus={(event) => {
          rest.onFocus?.(event);
          place(event.currentTarget);
        }}
        onBlur={(event) => {
          rest.onBlur?.(event);
          // Forgotten, so the next focus mirrors the selection even where it is unchanged.
          seen.current = [];
          setSelection(null);
        }}
        onPaste={onPaste}
        onClick={onClick}
      />
    </div>
  );
});
