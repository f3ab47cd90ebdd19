import { OtpInput } from '@otpkit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, waitFor } from 'storybook/test';

const meta = {
  title: 'Components/OtpInput',
  component: OtpInput,
  args: { 'aria-label': 'Verification code', onChange: fn(), onComplete: fn() },
} satisfies Meta<typeof OtpInput>;
export default meta;
type Story = StoryObj<typeof meta>;

const slotsText = (root: HTMLElement) =>
  [...root.querySelectorAll('.otpkit-slot')].map((slot) => slot.textContent || '_').join('');

export const Default: Story = {
  play: async ({ canvas, canvasElement, userEvent, args }) => {
    const input = canvas.getByRole('textbox', { name: 'Verification code' });
    await expect(input).toHaveAttribute('autocomplete', 'one-time-code');
    await userEvent.click(input);
    await userEvent.keyboard('12a3456');
    await expect(input).toHaveValue('123456'); // the letter was rejected, the digits kept
    await expect(slotsText(canvasElement)).toBe('123456');
    await expect(args.onComplete).toHaveBeenCalledTimes(1);
    await expect(args.onComplete).toHaveBeenCalledWith('123456');
  },
};

export const PasteFormattedCode: Story = {
  play: async ({ canvas, userEvent, args }) => {
    const input = canvas.getByRole('textbox');
    await userEvent.click(input);
    await userEvent.paste('123-456');
    await expect(input).toHaveValue('123456');
    await expect(args.onComplete).toHaveBeenCalledTimes(1);
    await expect(args.onComplete).toHaveBeenCalledWith('123456');
  },
};

export const ClickASlot: Story = {
  args: { defaultValue: '123456' },
  play: async ({ canvas, canvasElement, userEvent }) => {
    const input = canvas.getByRole<HTMLInputElement>('textbox');
    const slot = canvasElement.querySelectorAll('.otpkit-slot')[3] as HTMLElement;
    const box = slot.getBoundingClientRect();
    await userEvent.pointer({ keys: '[MouseLeft]', target: input, coords: { clientX: box.left + box.width / 2 } });
    await waitFor(() => expect(slot).toHaveAttribute('data-active'));
    await userEvent.keyboard('9');
    await expect(input).toHaveValue('123956');
  },
};

export const Invalid: Story = {
  args: { defaultValue: '123456', invalid: true },
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole('textbox')).toHaveAttribute('aria-invalid', 'true');
    await expect(canvasElement.querySelectorAll('.otpkit-slot[data-invalid]')).toHaveLength(6);
  },
};

export const Masked: Story = {
  args: { defaultValue: '1234', mask: true },
  play: async ({ canvasElement }) => {
    await expect(slotsText(canvasElement)).toBe('••••__');
  },
};

export const Alphanumeric: Story = {
  args: { charset: 'alphanumeric', length: 8 },
  play: async ({ canvas, canvasElement, userEvent }) => {
    await userEvent.click(canvas.getByRole('textbox'));
    await userEvent.keyboard('ab12');
    await expect(slotsText(canvasElement)).toBe('ab12____');
  },
};

export const Disabled: Story = {
  args: { defaultValue: '12', disabled: true },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('textbox')).toBeDisabled();
  },
};

/** Headless: `render` draws each slot; the one real input still does the work. */
export const CustomSlots: Story = {
  args: {
    length: 4,
    render: ({ char, hasCaret, isActive }) => (
      <span
        style={{
          display: 'inline-block',
          width: '2ch',
          fontSize: '2rem',
          textAlign: 'center',
          borderBottom: `2px solid ${isActive ? '#2563eb' : '#6b7280'}`,
        }}
      >
        {char ?? (hasCaret ? '|' : '\u00a0')}
      </span>
    ),
  },
  play: async ({ canvas, userEvent, args }) => {
    await userEvent.click(canvas.getByRole('textbox'));
    await userEvent.keyboard('4321');
    await expect(args.onComplete).toHaveBeenCalledTimes(1);
    await expect(args.onComplete).toHaveBeenCalledWith('4321');
  },
};

/** On an RTL page the code still reads left to right. */
export const RightToLeftPage: Story = {
  args: { defaultValue: '123456' },
  decorators: [
    (Story) => (
      <div dir="rtl" lang="ar">
        <Story />
      </div>
    ),
  ],
  play: async ({ canvasElement }) => {
    const lefts = [...canvasElement.querySelectorAll('.otpkit-slot')].map((s) => s.getBoundingClientRect().left);
    await expect(lefts).toEqual([...lefts].sort((a, b) => a - b));
  },
};

export const DarkTheme: Story = {
  args: { defaultValue: '42' },
  decorators: [
    (Story) => (
      <div data-theme="dark" style={{ background: '#030712', padding: '1.5rem' }}>
        <Story />
      </div>
    ),
  ],
};
