import { arPhone } from '@otpkit/react/locales/ar';
import { jaPhone } from '@otpkit/react/locales/ja';
import type { Meta, StoryObj } from '@storybook/react-vite';
// docs:phone-import
import '@otpkit/react/phone.css';
import { PhoneInput, type PhoneStatus } from '@otpkit/react/phone';
import { useId, useState } from 'react';
// docs:end
import { expect, fn, waitFor, within } from 'storybook/test';

const meta = {
  title: 'Components/PhoneInput',
  component: PhoneInput,
  args: { 'aria-label': 'Phone number', locale: 'en', defaultCountry: 'US', onChange: fn() },
  decorators: [
    (Story) => (
      <div style={{ width: 'min(22rem, 90vw)', minHeight: '24rem' }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof PhoneInput>;
export default meta;
type Story = StoryObj<typeof meta>;

/** The arguments of the last `onChange` call: the E.164 value (or null) and the change's details. */
const lastValue = (onChange: unknown) => (onChange as ReturnType<typeof fn>).mock.calls.at(-1) ?? [];

/** A national number, formatted as it is typed; `onChange` has the E.164 value once it is valid. */
export const Default: Story = {
  play: async ({ canvas, userEvent, args }) => {
    const number = canvas.getByRole('textbox', { name: 'Phone number' });
    await userEvent.type(number, '2068800123');
    await expect(number).toHaveValue('(206) 880-0123');
    await expect(lastValue(args.onChange)).toEqual([
      '+12068800123',
      { country: 'US', status: 'valid', text: '(206) 880-0123' },
    ]);
  },
};

/** Full-width digits from a Japanese IME: read as the number they are, and the selector follows the +81. */
export const PasteAnyFormat: Story = {
  play: async ({ canvas, userEvent, args }) => {
    const number = canvas.getByRole('textbox', { name: 'Phone number' });
    await userEvent.click(number);
    await userEvent.paste('＋８１ ９０-１２３４-５６７８');
    await expect(number).toHaveValue('+81 90 1234 5678');
    await expect(canvas.getByRole('button', { name: 'Country: Japan +81' })).toBeVisible();
    await expect(lastValue(args.onChange)[0]).toBe('+819012345678');
    await userEvent.clear(number);
    await userEvent.paste('+44 (0)20 7946 0958');
    await expect(lastValue(args.onChange)[0]).toBe('+442079460958');
  },
};

/** Keyboard only: Tab to the country, Enter, search, arrows, Enter, then the number. */
export const KeyboardCountrySearch: Story = {
  play: async ({ canvas, userEvent, args }) => {
    await userEvent.tab();
    await expect(canvas.getByRole('button', { name: 'Country: United States +1' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    const search = canvas.getByRole('combobox', { name: 'Search countries' });
    await expect(search).toHaveFocus();
    await userEvent.keyboard('thai');
    await expect(canvas.getByRole('option', { name: 'Thailand +66' })).toHaveAttribute('aria-selected', 'true');
    await userEvent.keyboard('{Enter}');
    await expect(canvas.getByRole('textbox', { name: 'Phone number' })).toHaveFocus();
    await userEvent.keyboard('0812345678');
    await expect(lastValue(args.onChange)[0]).toBe('+66812345678');
  },
};

/** The list open, searched by calling code. */
export const CountryListOpen: Story = {
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(canvas.getByRole('button', { name: /^Country/ }));
    await userEvent.keyboard('+44');
    const list = canvas.getByRole('listbox', { name: 'Country' });
    await expect(within(list).getByRole('option', { name: 'United Kingdom +44' })).toBeVisible();
    await expect(within(list).queryByRole('option', { name: 'United States +1' })).toBeNull();
  },
};

/** Only the countries the server accepts (its `allowedCountries`); a number from elsewhere is `not_allowed`. */
export const AllowedCountries: Story = {
  args: { countries: ['US', 'CA', 'MX'] },
  play: async ({ canvas, userEvent, args }) => {
    await userEvent.click(canvas.getByRole('button', { name: /^Country/ }));
    await expect(canvas.getAllByRole('option')).toHaveLength(3);
    await userEvent.keyboard('{Escape}');
    await userEvent.click(canvas.getByRole('textbox'));
    await userEvent.paste('+44 7400 123456');
    await expect(lastValue(args.onChange)).toEqual([
      null,
      { country: 'GB', status: 'not_allowed', text: '+44 7400 123456' },
    ]);
  },
};

/** Japanese: country names from Intl.DisplayNames, the component's words from the locale module. */
export const Japanese: Story = {
  args: { locale: 'ja', defaultCountry: 'JP', 'aria-label': undefined, labels: jaPhone },
  play: async ({ canvas, userEvent }) => {
    const number = canvas.getByRole('textbox', { name: '電話番号' });
    await userEvent.type(number, '09012345678');
    await expect(number).toHaveValue('090-1234-5678');
    await expect(canvas.getByRole('button', { name: '国・地域: 日本 +81' })).toBeVisible();
  },
};

/** The kit's dark look (`data-theme="dark"` on an ancestor); axe checks the contrast, with the list open. */
export const DarkTheme: Story = {
  decorators: [
    (Story) => (
      <div data-theme="dark" style={{ background: '#030712', color: '#f9fafb', padding: '1.5rem' }}>
        <Story />
      </div>
    ),
  ],
  play: async ({ canvas, userEvent }) => {
    await userEvent.type(canvas.getByRole('textbox'), '206880');
    await userEvent.click(canvas.getByRole('button', { name: /^Country/ }));
    await expect(canvas.getByRole('listbox')).toBeVisible();
  },
};

/** Right-to-left page: the number and its calling code still read left to right; the list is right to left. */
export const RightToLeftPage: Story = {
  args: { locale: 'ar', defaultCountry: 'SA', 'aria-label': undefined, labels: arPhone },
  decorators: [
    (Story) => (
      <div dir="rtl" lang="ar">
        <Story />
      </div>
    ),
  ],
  play: async ({ canvasElement, canvas, userEvent }) => {
    const number = canvas.getByRole('textbox', { name: arPhone.phoneNumber });
    await userEvent.type(number, '0512345678');
    await expect(canvas.getByRole('button', { name: /^الدولة: .+ \+966$/ })).toBeVisible();
    await expect(number).toHaveValue('051 234 5678');
    const button = canvasElement.querySelector('.otpkit-country-button') as HTMLElement;
    await expect(button.getBoundingClientRect().right).toBeLessThanOrEqual(number.getBoundingClientRect().left + 1);
  },
};

// docs:phone-form
/** A sign-in form: the error sits under the field, is linked to it, and clears as the user edits. */
function PhoneForm({ onSubmit }: { onSubmit: (phone: string) => void }) {
  const id = useId();
  const [phone, setPhone] = useState<string | null>(null);
  const [status, setStatus] = useState<PhoneStatus>('empty');
  const [submitted, setSubmitted] = useState(false);
  const error =
    submitted && !phone ? (status === 'not_allowed' ? 'We cannot send codes there.' : 'Enter a valid number.') : '';
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        setSubmitted(true);
        if (phone) onSubmit(phone);
      }}
    >
      <label htmlFor={id}>Phone number</label>
      <PhoneInput
        id={id}
        name="phone"
        value={phone}
        countries={['US', 'CA', 'GB']}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(value, change) => {
          setPhone(value);
          setStatus(change.status);
          setSubmitted(false);
        }}
      />
      <p id={`${id}-error`}>{error}</p>
      <button type="submit">Send code</button>
    </form>
  );
}
// docs:end

/** The documented form (README "Phone entry"): submit with nothing, see the linked error, fix it, submit. */
export const InAForm: StoryObj<typeof PhoneForm> = {
  render: (args) => <PhoneForm {...args} />,
  args: { onSubmit: fn() },
  play: async ({ canvas, userEvent, args }) => {
    await userEvent.click(canvas.getByRole('button', { name: 'Send code' }));
    const number = canvas.getByRole('textbox', { name: 'Phone number' });
    await expect(number).toHaveAttribute('aria-invalid', 'true');
    await expect(number).toHaveAccessibleDescription('Enter a valid number.');
    // (Typed with its +1: the country picked from the browser's language may be any of the three.)
    await userEvent.type(number, '+12068800123');
    await expect(number).not.toHaveAttribute('aria-invalid');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(args.onSubmit).toHaveBeenCalledWith('+12068800123'));
  },
};
