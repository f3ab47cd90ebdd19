import { TURNSTILE_TEST_KEYS, turnstile } from '@otpkit/bff/bot-checks';
import { createSiteverifySimulator, createTestBff, type SiteverifySimulator, type TestBff } from '@otpkit/bff/testing';
import { OtpVerification } from '@otpkit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useRef, useState } from 'react';
import { expect, waitFor } from 'storybook/test';

const NUMBER = '+14155550123';
const { sitekey, secret, dummyToken } = TURNSTILE_TEST_KEYS;

/**
 * Stands in for Cloudflare's Turnstile widget, offline: with a test site key the real widget hands the page the
 * dummy token `XXXX.DUMMY.TOKEN.XXXX`, and so does this one once its box is ticked. A token is single use, so the
 * widget resets when the flow takes it, as a page does with `turnstile.reset()` after each request.
 */
function useSimulatedTurnstile(key: string) {
  const [solved, setSolved] = useState(false);
  const token = useRef<string | undefined>(undefined);
  const widget = (
    <div className="cf-turnstile" data-sitekey={key} style={{ border: '1px solid #d1d5db', padding: '0.75rem' }}>
      <label>
        <input
          type="checkbox"
          checked={solved}
          onChange={(event) => {
            setSolved(event.target.checked);
            token.current = event.target.checked ? dummyToken : undefined;
          }}
        />{' '}
        Verify you are human
      </label>
      <small style={{ display: 'block' }}>Turnstile test site key {key} (simulated)</small>
    </div>
  );
  // What `botToken` gets: the token, once; the widget is then ready for the next challenge.
  const take = () => {
    const taken = token.current;
    token.current = undefined;
    setSolved(false);
    return taken;
  };
  return { widget, take };
}

interface Args {
  /** The widget's test site key and the server's test secret: a pair from Cloudflare's testing docs. */
  keys: 'always passes' | 'always fails';
}

function Flow({ bff, keys }: Args & { bff: TestBff }) {
  const turnstileWidget = useSimulatedTurnstile(keys === 'always passes' ? sitekey.alwaysPasses : sitekey.alwaysFails);
  return (
    <>
      <OtpVerification fetch={bff.fetch} defaultTo={NUMBER} botToken={turnstileWidget.take} />
      {turnstileWidget.widget}
    </>
  );
}

/** The BFF with `botCheck: turnstile(...)`, checking tokens against the siteverify simulator (Cloudflare's documented
 * test secrets behave there as they do at Cloudflare). */
const meta = {
  title: 'Flow/OtpVerification with a bot check',
  args: { keys: 'always passes' },
  argTypes: { keys: { control: 'inline-radio', options: ['always passes', 'always fails'] } },
  loaders: [
    async ({ args }) => {
      const captcha = createSiteverifySimulator({ service: 'turnstile' });
      const key = (args as Args).keys === 'always fails' ? secret.alwaysFails : secret.alwaysPasses;
      const bff = createTestBff({ handler: { botCheck: turnstile({ secret: key, fetch: captcha.fetch }) } });
      return { bff, captcha };
    },
  ],
  render: (args, { loaded }) => <Flow {...args} bff={loaded.bff as TestBff} />,
} satisfies Meta<Args>;
export default meta;
type Story = StoryObj<typeof meta>;

const status = (canvas: { getByText: (text: string, options: { selector: string }) => HTMLElement }, text: string) =>
  waitFor(() => expect(canvas.getByText(text, { selector: '[role=status]' })).toBeInTheDocument(), { timeout: 4000 });

const HUMAN = 'We could not confirm you are human. Complete the check and try again.';

/** Without the challenge the server refuses (403 bot_check_failed) and no SMS goes out; ticked, the code comes. */
export const Turnstile: Story = {
  play: async ({ canvas, userEvent, loaded }) => {
    const { sim } = loaded.bff as TestBff;
    const captcha = loaded.captcha as SiteverifySimulator;
    await userEvent.click(canvas.getByRole('button', { name: 'Send code' }));
    await status(canvas, HUMAN);
    await expect(sim.messages).toHaveLength(0);
    await expect(captcha.requests).toHaveLength(0);

    await userEvent.click(canvas.getByRole('checkbox', { name: 'Verify you are human' }));
    await userEvent.click(canvas.getByRole('button', { name: 'Send code' }));
    // Every step of the drop-in is in the DOM: wait until the code step is the one shown.
    const input = canvas.getByLabelText('Verification code');
    await waitFor(() => expect(input.closest('[data-otpkit-hidden]')).toBeNull(), { timeout: 4000 });
    // The server checked the dummy token with siteverify; the widget reset for the next request.
    await expect(captcha.requests.map((r) => r.response)).toEqual([dummyToken]);
    await expect(canvas.getByRole('checkbox', { name: 'Verify you are human' })).not.toBeChecked();
    await userEvent.type(input, sim.lastCode(NUMBER) ?? '');
    await status(canvas, 'Verified.');
  },
};

/** Cloudflare's always-fails pair: siteverify refuses the token, the user is told to try the check again. */
export const TurnstileRefuses: Story = {
  args: { keys: 'always fails' },
  play: async ({ canvas, userEvent, loaded }) => {
    const { sim } = loaded.bff as TestBff;
    await userEvent.click(canvas.getByRole('checkbox', { name: 'Verify you are human' }));
    await userEvent.click(canvas.getByRole('button', { name: 'Send code' }));
    await status(canvas, HUMAN);
    await expect(sim.messages).toHaveLength(0);
    await expect(canvas.getByRole('button', { name: 'Send code' })).toBeEnabled();
  },
};
