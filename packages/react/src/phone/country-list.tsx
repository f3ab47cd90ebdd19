'use client';
import type { KeyboardEvent } from 'react';
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { type CountryCode, flagOf, getCountryCallingCode } from './parse.js';
import type { PhoneWords } from './words.js';

export interface CountryListProps {
  id: string;
  /** The countries offered, in the order shown. */
  countries: readonly CountryCode[];
  current: CountryCode | undefined;
  /** A country's name in the UI's language. */
  nameOf: (country: CountryCode) => string;
  /** A country's name in English, so "japan" finds Japan whatever the UI's language. */
  englishNameOf: (country: CountryCode) => string;
  words: PhoneWords;
  flags: boolean;
  /** A country was chosen (Enter, click). */
  onSelect: (country: CountryCode) => void;
  /** Closed without a choice; `to` says where focus goes (Escape: back to the button; Tab: on to the number). */
  onClose: (to: 'button' | 'number' | 'none') => void;
}

// Case and accents ignored: "cote" finds Côte d'Ivoire, "ISLAND" finds Åland.
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();

/** The countries matching a search: by name (the UI's or English), ISO code or calling code; names that start
 * with the search first. */
export function searchCountries(
  countries: readonly CountryCode[],
  query: string,
  nameOf: (country: CountryCode) => string,
  englishNameOf: (country: CountryCode) => string,
): CountryCode[] {
  const q = fold(query.trim());
  if (!q) return [...countries];
  const digits = /^\+?\d+$/.test(q) ? q.replace('+', '') : '';
  const starts: CountryCode[] = [];
  const contains: CountryCode[] = [];
  for (const country of countries) {
    if (digits) {
      if (getCountryCallingCode(country).startsWith(digits)) starts.push(country);
      continue;
    }
    const names = [fold(nameOf(country)), fold(englishNameOf(country))];
    if (q === country.toLowerCase() || names.some((name) => name.startsWith(q))) starts.push(country);
    else if (names.some((name) => name.includes(q))) contains.push(country);
  }
  return [...starts, ...contains];
}

/**
 * The country popup: a search field that is a combobox (WAI-ARIA APG, editable combobox with list autocomplete)
 * controlling a listbox of countries. Focus stays in the search field; the active option is its
 * `aria-activedescendant`, so a screen reader reads each option as the arrows reach it.
 */
export function CountryList({
  id,
  countries,
  current,
  nameOf,
  englishNameOf,
  words,
  flags,
  onSelect,
  onClose,
}: CountryListProps) {
  const [query, setQuery] = useState('');
  const shown = useMemo(
    () => searchCountries(countries, query, nameOf, englishNameOf),
    [countries, query, nameOf, englishNameOf],
  );
  const [active, setActive] = useState(() => Math.max(0, current ? countries.indexOf(current) : 0));
  const listId = useId();
  const optionId = (country: CountryCode) => `${listId}-${country}`;
  const activeCountry = shown[Math.min(active, shown.length - 1)];
  const list = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => search.current?.focus(), []);
  // The active option stays in view as the arrows move it (the list scrolls, the page does not).
  useLayoutEffect(() => {
    const option = activeCountry && list.current?.querySelector(`[id="${optionId(activeCountry)}"]`);
    // (Optional call: jsdom, where the unit tests run, has no layout and no scrollIntoView.)
    option?.scrollIntoView?.({ block: 'nearest' });
  });

  const move = (by: number) =>
    setActive((i) => Math.max(0, Math.min(shown.length - 1, Math.min(i, shown.length - 1) + by)));
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    switch (event.key) {
      case 'ArrowDown':
        move(1);
        break;
      case 'ArrowUp':
        move(-1);
        break;
      case 'PageDown':
        move(10);
        break;
      case 'PageUp':
        move(-10);
        break;
      case 'Enter':
        if (activeCountry) onSelect(activeCountry);
        break;
      case 'Escape':
        onClose('button');
        break;
      case 'Tab':
        onClose(event.shiftKey ? 'button' : 'number');
        break;
      default:
        return;
    }
    // Enter must not submit the surrounding form; Escape must not also close a dialog the field sits in.
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div
      id={id}
      className="otpkit-country-popup"
      role="dialog"
      aria-label={words.country}
      onBlur={(event) => {
        // Focus left the popup (a click elsewhere, a screen reader's own navigation): close it.
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) onClose('none');
      }}
    >
      <input
        ref={search}
        className="otpkit-country-search"
        type="text"
        role="combobox"
        aria-label={words.searchCountries}
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeCountry ? optionId(activeCountry) : undefined}
        autoComplete="off"
        spellCheck={false}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <div
        ref={list}
        id={listId}
        className="otpkit-country-list"
        role="listbox"
        aria-label={words.country}
        // Focus stays in the search field: a press on an option or on the list's scrollbar must not move it (Chrome
        // focuses a scrollable element it is pressed on, and the blur would close the popup before the click).
        onMouseDown={(event) => event.preventDefault()}
      >
        {shown.map((country) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard reaches the options through the search field (aria-activedescendant), as the APG combobox does.
          <div
            key={country}
            id={optionId(country)}
            className="otpkit-country-option"
            role="option"
            // Never focused (focus stays in the search field), but an option must be focusable to be interactive.
            tabIndex={-1}
            aria-selected={country === activeCountry}
            data-active={country === activeCountry ? '' : undefined}
            data-current={country === current ? '' : undefined}
            onClick={() => onSelect(country)}
          >
            {flags && (
              <span className="otpkit-flag" aria-hidden="true">
                {flagOf(country)}
              </span>
            )}
            <span className="otpkit-country-name">{nameOf(country)}</span>{' '}
            <span className="otpkit-dial" dir="ltr">
              +{getCountryCallingCode(country)}
            </span>
          </div>
        ))}
      </div>
      {/* Always there, so screen readers know the region before it speaks. */}
      <p className="otpkit-country-empty" role="status">
        {shown.length === 0 ? words.noResults : ''}
      </p>
    </div>
  );
}
