import { createTestBff, type TestBff } from '@otpkit/bff/testing';
import { OtpVerification } from '@otpkit/react';
import { ja } from '@otpkit/react/locales/ja';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, type userEvent, waitFor, type within } from 'storybook/test';

const NUMBER = '+14155550123';
type Canvas = ReturnType<typeof within>;
type User = ReturnType<typeof userEvent.setup>;

interface FlowArgs {
  onVerified: () => void;
  locale?: 'ja';
}

/**
 * Each story gets its own BFF (`createTestBff`: the real handler + the EngageLab simulator), created by the loader when the story
 * loads, so no story sees another's codes or limits. It is handed to the component (as `fetch`) and to the play
 * function (to read the code the "SMS" carried).
 */
function Flow({ bff, onVerified, locale }: FlowArgs & { bff: TestBff }) {
  return (
    <OtpVerification
      fetch={bff.fetch}
      onVerified={onVerified}
      defaultTo={NUMBER}
      {...(locale ? { locale, messages: ja } : {})}
    />
  );
}

const meta = {
  title: 'Flow/OtpVerification',
  args: { onVerified: fn() },
  loaders: [async () => ({ bff: createTestBff() })],
  render: (args, { loaded }) => <Flow {...args} bff={loaded.bff as TestBff} />,
} satisfies Meta<FlowArgs>;
export default meta;
type Story = StoryObj<typeof meta>;

const bffOf = (loaded: Record<string, unknown>) => loaded.bff as TestBff;

async function sendCode(canvas: Canvas, user: User) {
  await user.click(canvas.getByRole('button', { name: 'Send code' }));
  return canvas.findByLabelText('Verification code', {}, { timeout: 4000 });
}

async function say(canvas: Canvas, text: string | RegExp) {
  await waitFor(() => expect(canvas.getByText(text, { selector: '[role=status]' })).toBeInTheDocument(), {
    timeout: 4000,
  });
}

export const NumberEntry: Story = {
  play: async ({ canvas, userEvent }) => {
    const phone = canvas.getByLabelText('Phone number');
    await userEvent.clear(phone);
    await userEvent.type(phone, '4155550123');
    await userEvent.click(canvas.getByRole('button', { name: 'Send code' }));
    // The client-side E.164 check answers before any request.
    await say(canvas, 'Enter the number with its country code, starting with +.');
    await expect(phone).toHaveAttribute('aria-invalid', 'true');
  },
};

export const HappyPath: Story = {
  play: async ({ canvas, userEvent, loaded, args }) => {
    const { sim } = bffOf(loaded);
    const input = await sendCode(canvas, userEvent);
    await say(canvas, /^We sent a code to \+1\d*\*+0123 by SMS\.$/);
    await userEvent.type(input, sim.lastCode(NUMBER) ?? '');
    await say(canvas, 'Verified.');
    await expect(args.onVerified).toHaveBeenCalledTimes(1);
  },
};

export const CodeSent: Story = {
  play: async ({ canvas, userEvent }) => {
    await sendCode(canvas, userEvent);
    await expect(canvas.getByRole('timer')).toHaveTextContent(/^Code expires in (5:00|4:59)$/);
    await expect(canvas.getByRole('button', { name: /^Resend code in [45]:\d\d$/ })).toBeDisabled();
  },
};

export const WrongCode: Story = {
  play: async ({ canvas, userEvent, loaded }) => {
    const { sim } = bffOf(loaded);
    const input = await sendCode(canvas, userEvent);
    const right = sim.lastCode(NUMBER) ?? '';
    await userEvent.type(input, right === '000000' ? '111111' : '000000');
    await say(canvas, 'Wrong code. 4 attempts left.');
  },
};

export const Expired: Story = {
  play: async ({ canvas, userEvent, loaded }) => {
    const bff = bffOf(loaded);
    const input = await sendCode(canvas, userEvent);
    bff.clock.advance(301_000);
    await userEvent.type(input, bff.sim.lastCode(NUMBER) ?? '');
    await say(canvas, 'Code expired. Send a new code.');
    // Only the server's clock jumped: in the browser the resend cooldown (the code's lifetime) still runs.
    await expect(canvas.getByRole('button', { name: /^Resend code in \d:\d\d$/ })).toBeInTheDocument();
    await expect(canvas.queryByLabelText('Verification code')).toBeNull();
  },
};

/** The code's lifetime ends on screen: at zero the flow closes the code field by itself (no request), says so,
 * and offers a new code. A 3 s code with a 1 s resend cooldown, so the story runs in real time. */
export const ExpiresOnScreen: Story = {
  loaders: [async () => ({ bff: createTestBff({ handler: { codeTtlSeconds: 3, resendCooldownSeconds: 1 } }) })],
  play: async ({ canvas, canvasElement, userEvent, loaded }) => {
    const { sim } = bffOf(loaded);
    await sendCode(canvas, userEvent);
    await expect(canvas.getByRole('timer')).toHaveTextContent(/^Code expires in 0:0[1-3]$/);
    // The flow's own status (the countdown's "expired" line comes first, then the flow closes the field).
    await waitFor(() => expect(canvasElement.querySelector('.otpkit-flow')).toHaveAttribute('data-status', 'expired'), {
      timeout: 4000,
    });
    await say(canvas, 'Code expired. Send a new code.');
    await expect(canvas.queryByLabelText('Verification code')).toBeNull();
    await expect(sim.calls.verifications).toBe(0);

    await userEvent.click(canvas.getByRole('button', { name: 'Send a new code' }));
    // The field comes back (disabled) while the new code is being sent: type once it has arrived.
    await say(canvas, /^We sent a code to/);
    const input = canvas.getByLabelText('Verification code');
    await expect(input).toBeEnabled();
    await expect(sim.messages).toHaveLength(2);
    await userEvent.type(input, sim.lastCode(NUMBER) ?? '');
    await say(canvas, 'Verified.');
  },
};

export const AlreadyVerified: Story = {
  play: async ({ canvas, userEvent, loaded }) => {
    const bff = bffOf(loaded);
    const input = await sendCode(canvas, userEvent);
    const code = bff.sim.lastCode(NUMBER) ?? '';
    // Another tab used the same code first.
    const other = await bff.fetch('/api/otp/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verificationId: bff.lastVerificationId(), code }),
    });
    await expect(other.status).toBe(200);
    await userEvent.type(input, code);
    await say(canvas, 'This code was already used. Send a new code.');
  },
};

export const LockedOut: Story = {
  loaders: [async () => ({ bff: createTestBff({ handler: { maxAttempts: 2 } }) })],
  play: async ({ canvas, userEvent, loaded }) => {
    const { sim } = bffOf(loaded);
    const input = await sendCode(canvas, userEvent);
    const wrong = sim.lastCode(NUMBER) === '000000' ? '111111' : '000000';
    await userEvent.type(input, wrong);
    await say(canvas, 'Wrong code. 1 attempt left.');
    await userEvent.type(canvas.getByLabelText('Verification code'), wrong);
    await say(canvas, 'Too many wrong codes. Send a new code.');
    await expect(canvas.queryByLabelText('Verification code')).toBeNull();
  },
};

export const RateLimited: Story = {
  play: async ({ canvas, userEvent, loaded }) => {
    const bff = bffOf(loaded);
    // The number already got a code a moment ago (another device): the server refuses a second one for now.
    await bff.fetch('/api/otp/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: NUMBER }),
    });
    await userEvent.click(canvas.getByRole('button', { name: 'Send code' }));
    await say(canvas, 'Too many requests. Please wait.');
    await expect(canvas.getByRole('button', { name: /^Try again in \d+:\d\d$/ })).toBeDisabled();
  },
};

export const ProviderUnavailable: Story = {
  play: async ({ canvas, userEvent, loaded }) => {
    bffOf(loaded).sim.inject('http500');
    await userEvent.click(canvas.getByRole('button', { name: 'Send code' }));
    await say(canvas, 'The service is unavailable. Try again in a moment.');
    // Nothing is lost: the number is still there and the button works again.
    await expect(canvas.getByRole('button', { name: 'Send code' })).toBeEnabled();
  },
};

export const Japanese: Story = {
  args: { locale: 'ja' },
  play: async ({ canvas, userEvent, loaded }) => {
    const { sim } = bffOf(loaded);
    await userEvent.click(canvas.getByRole('button', { name: '認証コードを送信' }));
    const input = await canvas.findByLabelText('認証コード', {}, { timeout: 4000 });
    await expect(sim.messages.at(-1)?.language).toBe('ja');
    await userEvent.type(input, sim.lastCode(NUMBER) ?? '');
    await say(canvas, '認証が完了しました。');
  },
};

/** The default look in dark mode (styles.css); axe checks the colour contrast of the wrong-code state. */
export const DarkTheme: Story = {
  decorators: [
    (Story) => (
      <div data-theme="dark" style={{ background: '#030712', padding: '1.5rem' }}>
        <Story />
      </div>
    ),
  ],
  play: WrongCode.play,
};
