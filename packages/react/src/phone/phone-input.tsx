'use client';
import type { ChangeEvent, ClipboardEvent, CSSProperties, InputHTMLAttributes } from 'react';
import { forwardRef, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { CountryList } from './country-list.js';
import {
  type CountryCode,
  countryFromLanguages,
  flagOf,
  getCountryCallingCode,
  knownCountries,
  type PhoneStatus,
  phoneDigits,
  readPhone,
  textOfValue,
  withoutCallingCode,
} from './parse.js';
import { type PhoneWords, phoneWords } from './words.js';

/** What `onChange` gets besides the value. */
export interface PhoneChange {
  /** The number's country (from its calling code after a +, else the one chosen); undefined when it has none. */
  country: CountryCode | undefined;
  /** `valid` is the only status with a value; show an error for `invalid` / `not_allowed`, and for `incomplete`
   * only once the user leaves the field or submits. */
  status: PhoneStatus;
  /** The text as shown in the field. */
  text: string;
}

type NativeProps = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'defaultValue' | 'onChange' | 'type' | 'inputMode' | 'children' | 'className' | 'style'
>;

export interface PhoneInputProps extends NativeProps {
  /** Controlled value: E.164 (`+442079460958`), or null / '' for none. The field keeps what the user is typing
   * while `onChange` reports null, and shows a new value set from outside in its country's national format. */
  value?: string | null;
  /** Initial value when uncontrolled: E.164, or text read against the country. @defaultValue '' */
  defaultValue?: string;
  /** Called on every edit and on a change of country: the E.164 value, or null until it is a valid number of an
   * allowed country. */
  onChange?: (value: string | null, change: PhoneChange) => void;
  /** The country chosen at first. Unset: the region of the browser's first language that has an allowed one
   * (`navigator.languages`: en-GB → GB, ja → JP), else none (the user types a +). */
  defaultCountry?: CountryCode;
  /** The countries offered, in this order (ISO 3166-1 alpha-2; pass the server's `allowedCountries`). A number of
   * another country gets status `not_allowed`. Unset: every country, sorted by name. */
  countries?: readonly CountryCode[];
  /** The component's words (`phoneWords` is English; each locale module exports its own, e.g. `jaPhone`). */
  labels?: Partial<PhoneWords>;
  /** The language of the country names (`Intl.DisplayNames`). @defaultValue the browser's language */
  locale?: string;
  /** Show flags (emoji regional indicators; some systems, such as Windows, draw them as two letters).
   * @defaultValue true */
  flags?: boolean;
  /** The name the E.164 value is submitted under in a form (a hidden input; the visible field has no name). */
  name?: string;
  /** On the number field, so a `<label htmlFor>` names it. */
  id?: string;
  /** On the root element. */
  className?: string;
  /** On the root element. */
  style?: CSSProperties;
}

// The browser's languages, read so that server rendering and hydration agree (no languages on the server, and
// during hydration), then the real ones: a country picked from them is never a hydration mismatch.
const subscribe = (onChange: () => void) => {
  window.addEventListener('languagechange', onChange);
  return () => window.removeEventListener('languagechange', onChange);
};
const browserLanguages = () => navigator.languages?.join(',') || navigator.language || '';
const noLanguages = () => '';

// Layout effects only in the browser (React 18 warns about them in server rendering).
const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

// The characters that carry the number; the formatting adds spaces, dashes and brackets between them. Full-width
// and Arabic-Indic digits count too: they are the same digits after reading.
const SIGNIFICANT = /[\d+\uff0b\uff10-\uff19\u0660-\u0669\u06f0-\u06f9]/g;
const significant = (text: string) => text.match(SIGNIFICANT)?.length ?? 0;
/** `text` without its `index`-th significant character. */
function dropSignificant(text: string, index: number): string {
  let seen = -1;
  for (let i = 0; i < text.length; i++) {
    if (/[\d+\uff0b\uff10-\uff19\u0660-\u0669\u06f0-\u06f9]/.test(text[i] as string) && ++seen === index) {
      return text.slice(0, i) + text.slice(i + 1);
    }
  }
  return text;
}

function countryNames(locale: string) {
  const names = (language: string) => {
    try {
      return new Intl.DisplayNames([language, 'en'], { type: 'region', fallback: 'code' });
    } catch {
      // An unknown locale tag: English names rather than none.
      return new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    }
  };
  const local = names(locale);
  const english = names('en');
  return {
    nameOf: (country: CountryCode) => local.of(country) ?? country,
    englishNameOf: (country: CountryCode) => english.of(country) ?? country,
    collator: new Intl.Collator([locale, 'en']),
  };
}

/**
 * A phone number field with a country selector: national input formatted as the user types, any common spelling
 * pasted (`(206) 880-0123`, `090-1234-5678`, `0044…`, full-width digits, `+44 (0)20…`), and `onChange` with the
 * E.164 value once the number is valid for its country. Import it from `@otpkit/react/phone` (and its look from
 * `@otpkit/react/phone.css`), so apps without it do not carry libphonenumber-js.
 */
export const PhoneInput = forwardRef<HTMLInputElement, PhoneInputProps>(function PhoneInput(
  {
    value,
    defaultValue = '',
    onChange,
    defaultCountry,
    countries: allowed,
    labels,
    locale,
    flags = true,
    name,
    id,
    className = '',
    style,
    disabled,
    'aria-label': ariaLabel,
    'aria-labelledby': labelledBy,
    ...rest
  },
  ref,
) {
  const words = { ...phoneWords, ...labels };
  const languages = useSyncExternalStore(subscribe, browserLanguages, noLanguages);
  const namesLocale = locale ?? (languages.split(',')[0] || 'en');
  const { nameOf, englishNameOf, collator } = useMemo(() => countryNames(namesLocale), [namesLocale]);
  // Keyed by content: an inline `countries={['US', 'CA']}` is a new array on every render.
  const allowedKey = allowed?.join();
  // biome-ignore lint/correctness/useExhaustiveDependencies: allowedKey stands for `allowed`.
  const list = useMemo(() => {
    const known = knownCountries(allowed);
    return allowed ? known : known.sort((a, b) => collator.compare(nameOf(a), nameOf(b)));
  }, [allowedKey, nameOf, collator]);
  const listed = (country: CountryCode | undefined) => (country && list.includes(country) ? country : undefined);

  const [initial] = useState(() => textOfValue(value ?? defaultValue));
  const [text, setText] = useState(initial.text);
  const [picked, setPicked] = useState(() => listed(initial.country) ?? listed(defaultCountry));
  const detected = useMemo(() => countryFromLanguages(languages.split(','), list), [languages, list]);
  const country = picked ?? detected ?? (list.length === 1 ? list[0] : undefined);

  // A controlled value set from outside (not the one just reported) replaces the text.
  const reported = useRef<string | null | undefined>(value);
  const [seenValue, setSeenValue] = useState(value);
  if (value !== undefined && value !== seenValue) {
    setSeenValue(value);
    if ((value || null) !== (reported.current || null)) {
      const next = textOfValue(value ?? '');
      setText(next.text);
      if (listed(next.country)) setPicked(next.country);
    }
  }

  const input = useRef<HTMLInputElement | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  // Where the caret goes after the formatting rewrote the text: after this many significant characters.
  const caret = useRef<number | null>(null);
  const [open, setOpen] = useState(false);
  const popupId = useId();

  const apply = (raw: string, inCountry: CountryCode | undefined, caretAfter: number | null) => {
    const next = readPhone(raw, inCountry, allowed);
    // The selector follows the number: a typed +44 picks the UK, a Canadian area code after +1 picks Canada.
    if (next.country && next.country !== inCountry && listed(next.country)) setPicked(next.country);
    setText(next.text);
    caret.current = caretAfter;
    reported.current = next.value;
    onChange?.(next.value, { country: next.country, status: next.status, text: next.text });
  };

  const onInput = (event: ChangeEvent<HTMLInputElement>) => {
    const field = event.target;
    const native = event.nativeEvent as InputEvent;
    // An IME (Japanese, Chinese) is composing: rewriting the text now would break its composition.
    if (native.isComposing) return setText(field.value);
    let raw = field.value;
    let at = significant(raw.slice(0, field.selectionStart ?? raw.length));
    // Backspace or Delete on a space, dash or bracket that the formatting put there would see it come straight
    // back: the digit before (after) it goes instead.
    const kind = native.inputType;
    if (kind?.startsWith('delete') && raw.match(SIGNIFICANT)?.join('') === text.match(SIGNIFICANT)?.join('')) {
      const backward = kind === 'deleteContentBackward';
      if (!backward || at > 0) raw = dropSignificant(raw, backward ? at - 1 : at);
      if (backward) at = Math.max(0, at - 1);
    }
    apply(raw, country, at);
  };

  // A whole number pasted replaces what is there: `+44…` pasted after a stray digit would not read as a number.
  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const pasted = event.clipboardData.getData('text/plain');
    if (phoneDigits(pasted).replace('+', '').length < 6) return;
    event.preventDefault();
    apply(pasted, country, Number.POSITIVE_INFINITY);
  };

  useIsomorphicLayoutEffect(() => {
    const field = input.current;
    const after = caret.current;
    if (!field || after === null || document.activeElement !== field) return;
    caret.current = null;
    let position = 0;
    for (let seen = 0; position < field.value.length && seen < after; position++) {
      if (significant(field.value[position] as string)) seen++;
    }
    // After the last digit: the very end, past a closing bracket the formatting added.
    if (after >= significant(field.value)) position = field.value.length;
    field.setSelectionRange(position, position);
  });

  const choose = (next: CountryCode) => {
    setOpen(false);
    setPicked(next);
    // The national digits stay; an international number's calling code gives way to the chosen country's.
    apply(withoutCallingCode(text), next, Number.POSITIVE_INFINITY);
    input.current?.focus();
  };

  const code = country && getCountryCallingCode(country);
  const invalid = rest['aria-invalid'] === true || rest['aria-invalid'] === 'true';
  return (
    <div
      className={`otpkit-phone-field ${className}`.trim()}
      style={style}
      data-invalid={invalid ? '' : undefined}
      data-disabled={disabled ? '' : undefined}
    >
      {/* Left to right on every page: a number reads +44 20 …, never the other way round. */}
      <div className="otpkit-phone-row" dir="ltr">
        <button
          ref={button}
          type="button"
          className="otpkit-country-button"
          aria-label={`${words.country}: ${country ? `${nameOf(country)} +${code}` : words.noCountry}`}
          aria-haspopup="dialog"
          aria-expanded={open}
          aria-controls={open ? popupId : undefined}
          disabled={disabled}
          // While the list is open, pressing the button must not first blur the search field (which closes the
          // list, so that the click would open it again): the click closes it, and focus comes back here.
          onMouseDown={(event) => open && event.preventDefault()}
          onClick={() => {
            setOpen(!open);
            if (open) button.current?.focus();
          }}
          onKeyDown={(event) => {
            // A listbox habit: the arrows open it.
            if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
            event.preventDefault();
            setOpen(true);
          }}
        >
          {flags && (
            <span className="otpkit-flag" aria-hidden="true">
              {country ? flagOf(country) : '🌐'}
            </span>
          )}
          <span className="otpkit-dial">{code ? `+${code}` : '+'}</span>
          <svg className="otpkit-chevron" aria-hidden="true" viewBox="0 0 10 6" width="10" height="6">
            <path d="M1 1l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.5" />
          </svg>
        </button>
        <input
          autoComplete="tel"
          {...rest}
          ref={(field) => {
            input.current = field;
            if (typeof ref === 'function') ref(field);
            else if (ref) ref.current = field;
          }}
          id={id}
          className="otpkit-phone-number"
          type="tel"
          inputMode="tel"
          dir="ltr"
          aria-label={ariaLabel ?? (id || labelledBy ? undefined : words.phoneNumber)}
          aria-labelledby={labelledBy}
          disabled={disabled}
          value={text}
          onChange={onInput}
          onPaste={onPaste}
          onCompositionEnd={(event) => apply(event.currentTarget.value, country, Number.POSITIVE_INFINITY)}
        />
      </div>
      {open && (
        <CountryList
          id={popupId}
          countries={list}
          current={country}
          nameOf={nameOf}
          englishNameOf={englishNameOf}
          words={words}
          flags={flags}
          onSelect={choose}
          onClose={(to) => {
            setOpen(false);
            if (to === 'button') button.current?.focus();
            if (to === 'number') input.current?.focus();
          }}
        />
      )}
      {name && <input type="hidden" name={name} value={readPhone(text, country, allowed).value ?? ''} />}
    </div>
  );
});
