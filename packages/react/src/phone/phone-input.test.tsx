import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { useState } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { searchCountries } from './country-list.js';
import type { CountryCode } from './parse.js';
import { PhoneInput, type PhoneInputProps } from './phone-input.js';

afterEach(cleanup);

/** A form that holds the value as E.164 and can set it from outside. */
function Controlled() {
  const [value, setValue] = useState<string | null>('+819012345678');
  return (
    <>
      <PhoneInput aria-label="Phone" value={value} onChange={setValue} locale="en" />
      <button type="button" onClick={() => setValue('+442079460958')}>
        set
      </button>
      <output>{String(value)}</output>
    </>
  );
}

function setup(props: Partial<PhoneInputProps> = {}) {
  const onChange = vi.fn();
  const user = userEvent.setup();
  const view = render(
    <main>
      <label htmlFor="phone">Mobile</label>
      <PhoneInput id="phone" locale="en" onChange={onChange} {...props} />
    </main>,
  );
  const number = screen.getByRole('textbox', { name: 'Mobile' }) as HTMLInputElement;
  const country = () => screen.getByRole('button', { name: /^Country: / });
  return { ...view, onChange, user, number, country };
}
/** The options' text as a screen reader gets it: without the aria-hidden flag. */
const optionNames = () =>
  screen
    .queryAllByRole('option')
    .map((option) =>
      [...option.childNodes].map((node) => ((node as Element).ariaHidden ? '' : node.textContent)).join(''),
    );
const lastCall = (onChange: ReturnType<typeof vi.fn>) => onChange.mock.calls.at(-1);

describe('PhoneInput', () => {
  it('formats a national number as it is typed and reports E.164 once valid', async () => {
    const { user, number, onChange, country } = setup({ defaultCountry: 'US' });
    expect(country()).toHaveAccessibleName('Country: United States +1');
    await user.type(number, '206880012');
    expect(number).toHaveValue('(206) 880-012');
    expect(lastCall(onChange)).toEqual([null, { country: 'US', status: 'incomplete', text: '(206) 880-012' }]);
    await user.type(number, '3');
    expect(number).toHaveValue('(206) 880-0123');
    expect(lastCall(onChange)).toEqual(['+12068800123', { country: 'US', status: 'valid', text: '(206) 880-0123' }]);
    expect(number).toHaveAttribute('type', 'tel');
    expect(number).toHaveAttribute('autocomplete', 'tel');
  });

  it.each([
    ['(206) 880-0123', 'US', '+12068800123', 'US'],
    ['090-1234-5678', 'JP', '+819012345678', 'JP'],
    ['0044 20 7946 0958', 'US', '+442079460958', 'GB'],
    ['＋８１ ９０-１２３４-５６７８', 'US', '+819012345678', 'JP'],
    ['+1\u2011206\u2011880\u20110123', 'JP', '+12068800123', 'US'],
    ['+44 (0)20 7946 0958', 'US', '+442079460958', 'GB'],
  ] as const)('takes %s pasted in %s as %s, and the selector follows it', async (text, start, value, own) => {
    const { user, number, onChange, country } = setup({ defaultCountry: start });
    await user.click(number);
    await user.paste(text);
    expect(lastCall(onChange)?.[0]).toBe(value);
    expect(lastCall(onChange)?.[1]).toMatchObject({ country: own, status: 'valid' });
    expect(country()).toHaveAccessibleName(new RegExp(`^Country: .+ \\+${value.slice(1, own === 'US' ? 2 : 3)}$`));
  });

  it('a pasted whole number replaces a stray digit', async () => {
    const { user, number, onChange } = setup({ defaultCountry: 'GB' });
    await user.type(number, '7');
    await user.paste('+44 7400 123456');
    expect(lastCall(onChange)?.[0]).toBe('+447400123456');
    expect(number).toHaveValue('+44 7400 123456');
  });

  it('refuses a number of a country outside the list, and offers only the listed countries', async () => {
    const { user, number, onChange, country } = setup({ countries: ['JP', 'US'] });
    await user.click(number);
    await user.paste('+44 7400 123456');
    expect(lastCall(onChange)).toEqual([null, { country: 'GB', status: 'not_allowed', text: '+44 7400 123456' }]);
    await user.click(country());
    expect(optionNames()).toEqual(['Japan +81', 'United States +1']);
  });

  it('picks the default country from the browser languages when none is given', () => {
    const languages = vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['ja-JP', 'en']);
    const { country } = setup();
    expect(country()).toHaveAccessibleName('Country: Japan +81');
    languages.mockRestore();
  });

  it('names countries in the locale', () => {
    setup({ defaultCountry: 'JP', locale: 'ja', labels: { country: '国' } });
    expect(screen.getByRole('button', { name: '国: 日本 +81' })).toBeInTheDocument();
  });

  // The whole list of 245 countries: slow in jsdom on a busy machine.
  it('keyboard only: opens the list, searches, moves and selects, then types the number', {
    timeout: 30_000,
  }, async () => {
    const { user, number, onChange, country } = setup({ defaultCountry: 'US' });
    await user.tab();
    expect(country()).toHaveFocus();
    expect(country()).toHaveAttribute('aria-expanded', 'false');
    await user.keyboard('{Enter}');
    expect(country()).toHaveAttribute('aria-expanded', 'true');
    const search = screen.getByRole('combobox', { name: 'Search countries' });
    expect(search).toHaveFocus();
    // The current country is the active option when the list opens.
    expect(search).toHaveAttribute(
      'aria-activedescendant',
      screen.getByRole('option', { name: 'United States +1' }).id,
    );
    await user.keyboard('united');
    const active = () => document.getElementById(search.getAttribute('aria-activedescendant')!);
    expect(active()).toHaveTextContent('United Arab Emirates');
    await user.keyboard('{ArrowDown}');
    expect(active()).toHaveTextContent('United Kingdom');
    expect(active()).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('combobox')).toBeNull();
    expect(country()).toHaveAccessibleName('Country: United Kingdom +44');
    expect(number).toHaveFocus();
    await user.keyboard('07400123456');
    expect(number).toHaveValue('07400 123456');
    expect(lastCall(onChange)?.[0]).toBe('+447400123456');
  });

  it('searches by calling code, by English name in another language, and says when nothing matches', {
    timeout: 30_000,
  }, async () => {
    const { user, country } = setup({ defaultCountry: 'JP', locale: 'de' });
    await user.click(country());
    await user.keyboard('+81');
    expect(optionNames()).toEqual(['Japan +81']);
    await user.clear(screen.getByRole('combobox'));
    await user.keyboard('germany');
    expect(optionNames()).toEqual(['Deutschland +49']);
    await user.keyboard('zz');
    expect(optionNames()).toEqual([]);
    expect(screen.getByRole('status')).toHaveTextContent('No country matches.');
    expect(screen.getByRole('combobox')).not.toHaveAttribute('aria-activedescendant');
  });

  it('Escape closes the list and returns to the button; Enter in the list does not submit the form', {
    timeout: 30_000,
  }, async () => {
    const onSubmit = vi.fn((event: { preventDefault: () => void }) => event.preventDefault());
    const user = userEvent.setup();
    render(
      <form onSubmit={onSubmit}>
        <PhoneInput aria-label="Phone" defaultCountry="US" locale="en" />
      </form>,
    );
    const button = screen.getByRole('button', { name: /^Country/ });
    await user.click(button);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(button).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    await user.keyboard('{ArrowDown}{Enter}');
    expect(onSubmit).not.toHaveBeenCalled();
    // The option after the United States (in English alphabetical order) was chosen.
    expect(button).toHaveAccessibleName(/^Country: U/);
    expect(button).not.toHaveAccessibleName('Country: United States +1');
  });

  it('a click outside closes the list without choosing', async () => {
    const { user, country, number } = setup({ defaultCountry: 'US' });
    await user.click(country());
    expect(screen.getByRole('dialog', { name: 'Country' })).toBeInTheDocument();
    await user.click(number);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(country()).toHaveAccessibleName('Country: United States +1');
  });

  it('choosing a country keeps the national digits and reads them again', async () => {
    const { user, number, onChange, country } = setup({ defaultCountry: 'US', countries: ['JP', 'GB', 'US'] });
    await user.type(number, '020 7946 0958');
    expect(lastCall(onChange)?.[1]).toMatchObject({ country: 'US', status: 'invalid' });
    await user.click(country());
    await user.click(screen.getByRole('option', { name: 'United Kingdom +44' }));
    expect(number).toHaveValue('020 7946 0958');
    expect(number).toHaveFocus();
    expect(lastCall(onChange)).toEqual(['+442079460958', { country: 'GB', status: 'valid', text: '020 7946 0958' }]);
    // An international number gives way to the chosen country's calling code.
    await user.clear(number);
    await user.paste('+81 90 1234 5678');
    expect(country()).toHaveAccessibleName('Country: Japan +81');
    await user.click(country());
    await user.click(screen.getByRole('option', { name: 'United States +1' }));
    expect(number.value.replace(/\D/g, '')).toBe('09012345678');
    expect(lastCall(onChange)?.[1]).toMatchObject({ country: 'US', status: 'invalid' });
  });

  it('Backspace after a formatting character deletes the digit before it', async () => {
    const { user, number } = setup({ defaultCountry: 'US' });
    await user.type(number, '2068');
    expect(number).toHaveValue('(206) 8');
    // The caret after "(206) " — Backspace there would only remove the space the formatting put back.
    number.setSelectionRange(6, 6);
    await user.keyboard('{Backspace}');
    expect(number).toHaveValue('(208)');
  });

  it('is controlled: shows a value set from outside, keeps the typing while it reports null', async () => {
    const user = userEvent.setup();
    render(<Controlled />);
    const number = screen.getByRole('textbox', { name: 'Phone' });
    expect(number).toHaveValue('090-1234-5678');
    expect(screen.getByRole('button', { name: /^Country/ })).toHaveAccessibleName('Country: Japan +81');
    await user.type(number, '{Backspace}{Backspace}');
    expect(number).toHaveValue('090-1234-56');
    expect(screen.getByRole('status')).toHaveTextContent('null');
    await user.type(number, '78');
    expect(screen.getByRole('status')).toHaveTextContent('+819012345678');
    await user.click(screen.getByRole('button', { name: 'set' }));
    expect(number).toHaveValue('020 7946 0958');
    expect(screen.getByRole('button', { name: /^Country/ })).toHaveAccessibleName('Country: United Kingdom +44');
  });

  it('submits the E.164 value in a form under its name', async () => {
    const user = userEvent.setup();
    const { container } = render(
      <form>
        <PhoneInput aria-label="Phone" name="phone" defaultCountry="TH" locale="en" />
      </form>,
    );
    await user.type(screen.getByRole('textbox'), '0812345678');
    const form = container.querySelector('form')!;
    expect(new FormData(form).get('phone')).toBe('+66812345678');
    expect(screen.getByRole('textbox')).not.toHaveAttribute('name');
  });

  it('passes aria-invalid and aria-describedby to the number field', () => {
    render(
      <>
        <PhoneInput aria-label="Phone" aria-invalid="true" aria-describedby="err" locale="en" />
        <p id="err">Not a number.</p>
      </>,
    );
    const number = screen.getByRole('textbox', { name: 'Phone' });
    expect(number).toHaveAttribute('aria-invalid', 'true');
    expect(number).toHaveAccessibleDescription('Not a number.');
    expect(number.closest('.otpkit-phone-field')).toHaveAttribute('data-invalid');
  });

  it('names the number field itself when the app gives no label', () => {
    render(<PhoneInput labels={{ phoneNumber: 'Téléphone' }} locale="fr" defaultCountry="FR" />);
    expect(screen.getByRole('textbox', { name: 'Téléphone' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Country: France +33' })).toBeInTheDocument();
  });

  it('renders on the server with no browser country, the same markup hydration expects', () => {
    const html = renderToString(<PhoneInput aria-label="Phone" locale="en" />);
    expect(html).toContain('aria-label="Country: No country"');
    expect(renderToString(<PhoneInput aria-label="Phone" defaultCountry="GB" locale="en" />)).toContain('+44');
  });

  // (The whole list is checked in Chromium: phone-input.browser.test.tsx.)
  it('has no axe violations, closed and open', async () => {
    const { container, user, country } = setup({ defaultCountry: 'GB', countries: ['GB', 'IE'], 'aria-invalid': true });
    expect((await axe.run(container)).violations).toEqual([]);
    await user.click(country());
    expect((await axe.run(container)).violations).toEqual([]);
  });

  it('is disabled as a whole', () => {
    const { number, country } = setup({ disabled: true });
    expect(number).toBeDisabled();
    expect(country()).toBeDisabled();
  });

  it('waits for an IME to finish composing before it formats', () => {
    const { number, onChange } = setup({ defaultCountry: 'JP' });
    fireEvent.compositionStart(number);
    fireEvent.change(number, { target: { value: '０９０' }, nativeEvent: { isComposing: true } });
    fireEvent.compositionEnd(number, { target: { value: '０９０１２３４５６７８' } });
    expect(lastCall(onChange)?.[0]).toBe('+819012345678');
    expect(number).toHaveValue('090-1234-5678');
  });
});

describe('searchCountries', () => {
  const all = ['GB', 'US', 'AE', 'CI', 'AZ', 'JP'] as CountryCode[];
  const names: Record<string, string> = {
    GB: 'United Kingdom',
    US: 'United States',
    AE: 'United Arab Emirates',
    CI: "Côte d'Ivoire",
    JP: 'Japan',
    AZ: 'Azerbaijan',
  };
  const name = (c: CountryCode) => names[c]!;
  it('matches names without accents or case, starts first, then codes', () => {
    expect(searchCountries(all, 'cote', name, name)).toEqual(['CI']);
    expect(searchCountries(all, 'KINGDOM', name, name)).toEqual(['GB']);
    expect(searchCountries(all, 'ja', name, name)).toEqual(['JP', 'AZ']);
    expect(searchCountries(all, 'united', name, name)).toEqual(['GB', 'US', 'AE']);
    expect(searchCountries(all, 'japon', () => 'x', name)).toEqual([]);
    expect(searchCountries(all, 'japan', () => '日本', name)).toEqual(['JP']);
    expect(searchCountries(all, 'jp', name, name)).toEqual(['JP']);
    expect(searchCountries(all, '+1', name, name)).toEqual(['US']);
    expect(searchCountries(all, '', name, name)).toEqual(all);
  });
});
