import { ExpiryCountdown } from '@otpkit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, fn, waitFor } from 'storybook/test';

function At({ expiresIn, onExpire }: { expiresIn: number; onExpire: () => void }) {
  const [start] = useState(Date.now);
  return <ExpiryCountdown expiresAt={start + expiresIn * 1000} onExpire={onExpire} />;
}

const meta = {
  title: 'Components/ExpiryCountdown',
  component: At,
  args: { expiresIn: 300, onExpire: fn() },
} satisfies Meta<typeof At>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Running: Story = {
  play: async ({ canvas, args }) => {
    await expect(canvas.getByRole('timer')).toHaveTextContent(/^Code expires in (5:00|4:59)$/);
    await expect(args.onExpire).not.toHaveBeenCalled();
  },
};

export const AboutToExpire: Story = {
  args: { expiresIn: 2 },
  play: async ({ canvas, args }) => {
    await expect(canvas.getByRole('timer')).toHaveTextContent(/^Code expires in 0:0[12]$/);
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('Code expired. Send a new code.'), {
      timeout: 4000,
    });
    await waitFor(() => expect(args.onExpire).toHaveBeenCalledTimes(1));
  },
};

export const Expired: Story = {
  args: { expiresIn: -1 },
  play: async ({ canvas }) => {
    await expect(canvas.queryByRole('timer')).toBeNull();
    await expect(canvas.getByRole('status')).toHaveTextContent('Code expired. Send a new code.');
  },
};
