'use client';
import { type ReactNode, useState } from 'react';
import { useCountdown } from '../hooks/use-countdown.js';
import { componentWords } from '../i18n/component-words.js';
import type { OtpMessages } from '../i18n/locales/en.js';
import { formatTime } from '../i18n/messages.js';
import { visuallyHidden } from './visually-hidden.js';

export interface ResendButtonRenderProps {
  /** Seconds until a resend is allowed (0: allowed now). */
  secondsLeft: number;
  /** The wait comes from a rate limit (`retryAt`), not the normal cooldown. */
  rateLimited: boolean;
  /** The text the button would show. */
  label: string;
}

export interface ResendButtonProps {
  /** Epoch ms (client clock) when the cooldown ends; null: no cooldown. */
  resendAt: number | null;
  /** Epoch ms until which the server rate-limits resends; the longer of the two waits wins. */
  retryAt?: number | null;
  onResend: () => void;
  disabled?: boolean;
  /** The words (English by default); a whole locale (`messages={ja}`) works too. */
  messages?: Partial<Pick<OtpMessages, 'resend' | 'resendIn' | 'resendAvailable' | 'retryIn'>>;
  className?: string;
  /** Say "you can resend" in its own live region when the wait ends. Off inside a flow that announces for
   * itself (one announcement per change). @defaultValue true */
  announce?: boolean;
  /** Replaces the button's content. */
  children?: (props: ResendButtonRenderProps) => ReactNode;
}

/**
 * A resend button that counts down its cooldown and stays disabled until then. The countdown text is the
 * button's own (a disabled button is not focusable, so screen readers do not read it every second); a polite
 * live region says "you can resend" ONCE, when the wait ends.
 */
export function ResendButton({
  resendAt,
  retryAt,
  onResend,
  disabled,
  messages,
  className = '',
  announce = true,
  children,
}: ResendButtonProps) {
  const m = { ...componentWords, ...messages };
  const rateLimited = (retryAt ?? 0) > (resendAt ?? 0);
  const secondsLeft = useCountdown(Math.max(resendAt ?? 0, retryAt ?? 0));
  // Announce only a transition from waiting to ready seen by this mount: a button that is ready from the start
  // has nothing to announce. (State set during render: React re-renders at once, without committing twice.)
  const [waited, setWaited] = useState(false);
  if (secondsLeft && !waited) setWaited(true);

  const time = formatTime(secondsLeft);
  const label = secondsLeft ? (rateLimited ? m.retryIn : m.resendIn)(time) : m.resend;
  return (
    <>
      <button
        type="button"
        className={`otpkit-resend ${className}`.trim()}
        data-state={secondsLeft ? (rateLimited ? 'rate-limited' : 'cooling') : 'ready'}
        // Busy (`disabled`): aria-disabled, not disabled, so a keyboard user's focus stays on the button while the
        // request runs (a disabled button drops focus to <body>). The cooldown disables it for real: a disabled
        // button is not focusable, so its ticking label is not read out every second.
        disabled={secondsLeft > 0}
        aria-disabled={disabled || undefined}
        onClick={disabled ? undefined : onResend}
      >
        {children ? children({ secondsLeft, rateLimited, label }) : label}
      </button>
      {announce && (
        <span role="status" className="otpkit-sr-only" style={visuallyHidden}>
          {waited && !secondsLeft ? m.resendAvailable : ''}
        </span>
      )}
    </>
  );
}
