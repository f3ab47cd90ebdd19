'use client';
import { useEffect } from 'react';
import { useCountdown } from '../hooks/use-countdown.js';
import { componentWords } from '../i18n/component-words.js';
import type { OtpMessages } from '../i18n/locales/en.js';
import { formatTime } from '../i18n/messages.js';

export interface ExpiryCountdownProps {
  /** Epoch ms (client clock) when the code expires. */
  expiresAt: number | null;
  /** Called once when the countdown reaches zero (also when it is already over at mount). */
  onExpire?: () => void;
  /** The words (English by default); a whole locale (`messages={ja}`) works too. */
  messages?: Partial<Pick<OtpMessages, 'expiresIn' | 'expired'>>;
  className?: string;
  /** Say "expired" in its own live region. Off inside a flow that announces for itself. @defaultValue true */
  announce?: boolean;
}

/**
 * "Code expires in 4:59", then "Code expired. Send a new code.". The ticking text is a `<time role="timer">`
 * (a timer is not announced on each change); the expired message goes into a polite live region that exists
 * from the start, so it is announced once, when the code runs out.
 */
export function ExpiryCountdown({
  expiresAt,
  onExpire,
  messages,
  className = '',
  announce = true,
}: ExpiryCountdownProps) {
  const m = { ...componentWords, ...messages };
  const secondsLeft = useCountdown(expiresAt);
  const expired = expiresAt != null && !secondsLeft;
  // Only a change of `expired` fires it: this render's onExpire is the app's latest.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new onExpire is not a new expiry
  useEffect(() => {
    if (expired) onExpire?.();
  }, [expired]);

  return (
    <p className={`otpkit-expiry ${className}`.trim()} data-state={expired ? 'expired' : 'running'}>
      {!!secondsLeft && (
        <time role="timer" dateTime={`PT${secondsLeft}S`}>
          {m.expiresIn(formatTime(secondsLeft))}
        </time>
      )}
      {announce ? <span role="status">{expired ? m.expired : ''}</span> : expired && m.expired}
    </p>
  );
}
