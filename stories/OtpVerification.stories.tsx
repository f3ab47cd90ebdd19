import { unimtx } from '@otpkit/bff';
import { createTestBff, createUnimtxSimulator, type TestBff } from '@otpkit/bff/testing';
import { OtpVerification, type OtpVerificationProps } from '@otpkit/react';
import { ja } from '@otpkit/react/locales/ja';
import { PhoneInput } from '@otpkit/react/phone';
import '@otpkit/react/phone.css';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, type userEvent, waitFor, type within } from 'storybook/test';

const NUMBER = '+14155550123';
type Canvas = ReturnType<typeof within>;
type User = ReturnType<typeof userEvent.setup>;

interface FlowArgs {
  onVerified: () => void;
  locale?: 'ja';
  recipient?: OtpVerificationProps['recipient'];
  channels?: OtpVerificationProps['channels'];
  defaultTo?: string;
  /** PhoneInput from @otpkit/react/phone in the drop-in's `phoneInput` slot. */
  phonePicker?: boolean;
}

/**
 * Each story gets its own BFF (`createTestBff`: the real handler + the EngageLab simulator), created by the loader when the story
 * loads, so no story sees another's codes or limits. It is handed to the component (as `fetch`) and to the play
 * function (to read the code the "SMS" carried).
 */
function Flow({
  bff,
  onVerified,
  locale,
  recipient,
  channels,
  defaultTo = NUMBER,
  phonePicker,
}: FlowArgs & { bff: TestBff }) {
  return (
    <OtpVerification
      {...(phonePicker ? { phoneInput: (field) => <PhoneInput {...field} defaultCountry="US" /> } : {})}
      fetch={bff.fetch}
      onVerified={onVerified}
      defaultTo={defaultTo}
      recipient={recipient}
      channels={channels}
      {...(locale ? { locale, messages: ja } : {})}
    />
  );
}

/** The same story on a dark page (`data-theme="dark"`): the kit follows the page, and axe checks its contrast. */
const dark = (story: Story): Story => ({
  ...story,
  decorators: [
    (Story) => (
      <div data-theme="dark" style={{ background: '#030712', padding: '1.5rem' }}>
        <Story />
      </div>
    ),
  ],
});

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
  // The code step is always in the card (hidden, holding its height): wait until it is the one shown.
  await canvas.findByRole('heading', { name: 'Enter the code' }, { timeout: 4000 });
  return canvas.getByLabelText('Verification code');
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
    await expect(phone).toHaveFocus();
    // Editing clears the error.
    await userEvent.type(phone, '1');
    await expect(phone).not.toHaveAttribute('aria-invalid');
  },
};

export const HappyPath: Story = {
  play: async ({ canvas, userEvent, loaded, args }) => {
    const { sim } = bffOf(loaded);
    const input = await sendCode(canvas, userEvent);
    // Spoken as digits, the hidden part a pause (never "star star star").
    await say(canvas, /^We sent a code to \+1( \d)* …( \d)+ by SMS\.$/);
    await userEvent.type(input, sim.lastCode(NUMBER) ?? '');
    await say(canvas, 'Verified.');
    await expect(args.onVerified).toHaveBeenCalledTimes(1);
    await expect(canvas.getByRole('heading', { name: 'Verified' })).toHaveFocus();
  },
};

export const CodeSent: Story = {
  play: async ({ canvas, userEvent }) => {
    await sendCode(canvas, userEvent);
    await expect(canvas.getByRole('heading', { name: 'Enter the code' })).toBeInTheDocument();
    // One clock at a time: the resend button counts; the expiry line waits its turn.
    await expect(canvas.getByRole('button', { name: /^Resend code in [45]:\d\d$/ })).toBeDisabled();
    await expect(canvas.queryByRole('timer')).toBeNull();
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
    // A working way forward, focused: not the dead code's resend cooldown.
    await expect(canvas.getByRole('button', { name: 'Send a new code' })).toHaveFocus();
    await expect(canvas.getByLabelText('Verification code')).toBeDisabled();
  },
};

/** The code's lifetime ends on screen: at zero the flow closes the code field by itself (no request), says so,
 * and offers a new code. A 3 s code with a 1 s resend cooldown, so the story runs in real time. */
export const ExpiresOnScreen: Story = {
  loaders: [async () => ({ bff: createTestBff({ handler: { codeTtlSeconds: 3, resendCooldownSeconds: 1 } }) })],
  play: async ({ canvas, canvasElement, userEvent, loaded }) => {
    const { sim } = bffOf(loaded);
    await sendCode(canvas, userEvent);
    // One clock at a time: EngageLab's resend wait is the code's lifetime, so the resend button is the clock.
    await expect(canvas.getByRole('button', { name: /^Resend code in 0:0[1-3]$/ })).toBeDisabled();
    // The flow's own status (the countdown's "expired" line comes first, then the flow closes the field).
    await waitFor(() => expect(canvasElement.querySelector('.otpkit-flow')).toHaveAttribute('data-status', 'expired'), {
      timeout: 4000,
    });
    await say(canvas, 'Code expired. Send a new code.');
    await expect(canvas.getByLabelText('Verification code')).toBeDisabled();
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
    await expect(canvas.getByRole('button', { name: 'Send a new code' })).toHaveFocus();
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
    await expect(canvas.getByRole('button', { name: 'Send a new code' })).toHaveFocus();
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
    await say(canvas, /^Too many requests\. Please wait\. You can try again in \d minutes?\.$/);
    await expect(canvas.getByRole('button', { name: /^Try again in \d+:\d\d$/ })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
  },
};

export const ProviderUnavailable: Story = {
  play: async ({ canvas, userEvent, loaded }) => {
    bffOf(loaded).sim.inject('http500');
    await userEvent.click(canvas.getByRole('button', { name: 'Send code' }));
    await say(canvas, 'The service is unavailable. Try again in a moment.');
    // Nothing is lost: the number is still there, not marked invalid, and the button works again.
    await expect(canvas.getByRole('button', { name: 'Send code' })).not.toHaveAttribute('aria-disabled');
    await expect(canvas.getByLabelText('Phone number')).not.toHaveAttribute('aria-invalid');
  },
};

export const VerifyFailedTryAgain: Story = {
  play: async ({ canvas, userEvent, loaded }) => {
    const { sim } = bffOf(loaded);
    const input = await sendCode(canvas, userEvent);
    sim.inject('http500', { path: '/v1/verifications' });
    await userEvent.type(input, sim.lastCode(NUMBER) ?? '');
    await say(canvas, 'The service is unavailable. Try again in a moment.');
    const retry = canvas.getByRole('button', { name: 'Try again' });
    await expect(retry).toHaveFocus();
    await userEvent.click(retry);
    await say(canvas, 'Verified.');
  },
};

export const Email: Story = {
  args: { recipient: 'email', defaultTo: 'jane@example.com' },
  loaders: [async () => ({ bff: createTestBff({ handler: { allowEmail: true } }) })],
  play: async ({ canvas, userEvent, loaded }) => {
    const { sim } = bffOf(loaded);
    await expect(canvas.getByRole('heading', { name: 'Verify your email address' })).toBeInTheDocument();
    await userEvent.click(canvas.getByRole('button', { name: 'Send code' }));
    await canvas.findByRole('heading', { name: 'Enter the code' }, { timeout: 4000 });
    const input = canvas.getByLabelText('Verification code');
    await say(canvas, /^We sent a code to j…@example\.com by email\.$/);
    await userEvent.type(input, sim.lastCode('jane@example.com') ?? '');
    await say(canvas, 'Verified.');
  },
};

/** "Didn't get a code?": resend, or another channel the server's provider can be asked for (UniMTX here). */
export const OtherChannels: Story = {
  args: { channels: ['whatsapp', 'voice'] },
  loaders: [
    async () => {
      const unimtxSim = createUnimtxSimulator();
      const bff = createTestBff({ handler: { provider: unimtx(unimtxSim.providerOptions), resendCooldownSeconds: 1 } });
      return { bff, unimtxSim };
    },
  ],
  play: async ({ canvas, userEvent, loaded }) => {
    const unimtxSim = loaded.unimtxSim as ReturnType<typeof createUnimtxSimulator>;
    await sendCode(canvas, userEvent);
    await expect(canvas.getByText('Didn’t get a code?')).toBeInTheDocument();
    const whatsapp = canvas.getByRole('button', { name: 'Send by WhatsApp' });
    await waitFor(() => expect(whatsapp).toBeEnabled(), { timeout: 4000 });
    await userEvent.click(whatsapp);
    await say(canvas, /by WhatsApp\.$/);
    await expect(unimtxSim.messages.map((m) => m.requestedChannel)).toEqual(['auto', 'whatsapp']);
    await expect(canvas.getByRole('button', { name: 'Call me instead' })).toBeInTheDocument();
  },
};

export const Japanese: Story = {
  args: { locale: 'ja' },
  play: async ({ canvas, userEvent, loaded }) => {
    const { sim } = bffOf(loaded);
    await userEvent.click(canvas.getByRole('button', { name: '認証コードを送信' }));
    await canvas.findByRole('heading', { name: '認証コードを入力' }, { timeout: 4000 });
    const input = canvas.getByLabelText('認証コード');
    await expect(sim.messages.at(-1)?.language).toBe('ja');
    await userEvent.type(input, sim.lastCode(NUMBER) ?? '');
    await say(canvas, '認証が完了しました。');
  },
};

/** The default look in dark mode (styles.css); axe checks the colour contrast of the wrong-code state. */
export const DarkTheme: Story = dark(WrongCode);

// Every state again on a dark page.
export const NumberEntryDark = dark(NumberEntry);
export const HappyPathDark = dark(HappyPath);
export const CodeSentDark = dark(CodeSent);
export const ExpiredDark = dark(Expired);
export const AlreadyVerifiedDark = dark(AlreadyVerified);
export const LockedOutDark = dark(LockedOut);
export const RateLimitedDark = dark(RateLimited);
export const ProviderUnavailableDark = dark(ProviderUnavailable);
export const VerifyFailedTryAgainDark = dark(VerifyFailedTryAgain);
export const EmailDark = dark(Email);
export const OtherChannelsDark = dark(OtherChannels);

/** The drop-in with PhoneInput in its `phoneInput` slot: a national number, its country from the picker, sent as
 * E.164. */
export const WithPhoneInput: Story = {
  args: { phonePicker: true, defaultTo: '' },
  play: async ({ canvas, userEvent, loaded }) => {
    await userEvent.type(canvas.getByLabelText('Phone number'), '(206) 880-0123');
    await sendCode(canvas, userEvent);
    await expect(bffOf(loaded).requests[0]?.body).toEqual({ to: '+12068800123' });
  },
};

/** The provider reported the SMS undelivered (POST …/status): the card says so while the code can still be typed. */
export const NotDelivered: Story = {
  loaders: [async () => ({ bff: createTestBff({ deliveryReports: true }) })],
  play: async ({ canvas, userEvent, loaded }) => {
    await sendCode(canvas, userEvent);
    await bffOf(loaded).report('delivered_failed');
    // The drop-in reads the delivery 2 s after the code step opens.
    await waitFor(
      () => expect(canvas.getByText(/was not delivered/, { selector: '[role=status]' })).toBeInTheDocument(),
      {
        timeout: 8000,
      },
    );
  },
};
