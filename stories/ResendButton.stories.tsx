import { ResendButton } from '@otpkit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, fn, waitFor } from 'storybook/test';

/** Deadlines are taken when the story mounts, so a story shows the same wait whenever it is opened. */
function At({ resendIn, retryIn, onResend }: { resendIn: number; retryIn?: number; onResend: () => void }) {
  const [start] = useState(Date.now);
  return (
    <ResendButton
      resendAt={start + resendIn * 1000}
      retryAt={retryIn === undefined ? null : start + retryIn * 1000}
      onResend={onResend}
    />
  );
}

const meta = {
  title: 'Components/ResendButton',
  component: At,
  args: { resendIn: 27, onResend: fn() },
} satisfies Meta<typeof At>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Cooling: Story = {
  play: async ({ canvas, userEvent, args }) => {
    const button = canvas.getByRole('button');
    await expect(button).toHaveTextContent(/^Resend code in 0:2\d$/);
    await expect(button).toBeDisabled();
    await userEvent.click(button);
    await expect(args.onResend).not.toHaveBeenCalled();
  },
};

export const Available: Story = {
  args: { resendIn: 2 },
  play: async ({ canvas, userEvent, args }) => {
    const button = canvas.getByRole('button');
    await expect(button).toBeDisabled();
    // The live region speaks once, when the cooldown ends.
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('You can resend the code now.'), {
      timeout: 4000,
    });
    await expect(button).toHaveTextContent('Resend code');
    await userEvent.click(button);
    await expect(args.onResend).toHaveBeenCalledTimes(1);
  },
};

export const RateLimited: Story = {
  args: { resendIn: 0, retryIn: 95 },
  play: async ({ canvas }) => {
    const button = canvas.getByRole('button');
    await expect(button).toHaveTextContent(/^Try again in 1:3\d$/);
    await expect(button).toHaveAttribute('data-state', 'rate-limited');
    await expect(button).toBeDisabled();
  },
};
