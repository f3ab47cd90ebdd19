'use client';
import { type FormEvent, useId, useRef, useState } from 'react';
import { useCountdown } from '../hooks/use-countdown.js';
import {
  isBusy,
  isFinished,
  type Locale,
  type UseOtpVerificationOptions,
  useOtpVerification,
} from '../hooks/use-otp-verification.js';
import { en, type OtpMessages } from '../i18n/locales/en.js';
import { formatTime, statusMessage } from '../i18n/messages.js';
import { ExpiryCountdown } from './expiry-countdown.js';
import { OtpInput } from './otp-input.js';
import { isE164, normalizePhone } from './phone.js';
import { ResendButton } from './resend-button.js';
import { visuallyHidden } from './visually-hidden.js';

export interface OtpVerificationProps {
  /** Where the @otpkit/bff handler is mounted. @defaultValue '/api/otp' */
  endpoint?: string;
  /** A fetch to use instead of the global one (e.g. the handler itself, in Storybook and tests). */
  fetch?: UseOtpVerificationOptions['fetch'];
  /** Runs once when the server accepted the code. Send `proof` to your server and check it there. */
  onVerified?: (result: { proof: string; to: string }) => void;
  /** The language of the SMS/e-mail template, as a BCP 47 tag (`'ja'`, `'zh-CN'`, …; the server maps it to its
   * provider's languages). The words on screen come from `messages`: pass the matching locale module, e.g.
   * `messages={ja}` from `@otpkit/react/locales/ja`. */
  locale?: Locale;
  /** Overrides for any of the words (English by default). */
  messages?: Partial<OtpMessages>;
  /** Prefills the phone number. */
  defaultTo?: string;
  className?: string;
}

/**
 * The drop-in flow: phone number -> code (with expiry and resend) -> verified. Each status has its words, shown
 * and announced once through a polite live region. Countdowns tick inside their own components, so neither the
 * flow nor the OtpInput re-renders once a second (render-count.test.tsx proves it for typing).
 */
export function OtpVerification({ messages, defaultTo = '', className = '', ...options }: OtpVerificationProps) {
  const m = { ...en, ...messages };
  // The rest of the props (endpoint, fetch, locale, onVerified) are the hook's options.
  const otp = useOtpVerification(options);
  const [phone, setPhone] = useState(defaultTo);
  const [badPhone, setBadPhone] = useState(false);
  const refocusPhone = useRef(false);
  const id = useId();
  const { status, to, channel } = otp;
  const step = status === 'verified' ? 'verified' : to && channel && status !== 'idle' ? 'code' : 'number';
  const message = badPhone ? m.phoneInvalid : statusMessage(m, otp);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const number = normalizePhone(phone);
    setBadPhone(!isE164(number));
    if (isE164(number)) otp.send(number);
  };

  return (
    <div className={`otpkit-flow ${className}`.trim()} data-step={step} data-status={status}>
      {step === 'number' && (
        <form className="otpkit-number" noValidate onSubmit={submit}>
          <label className="otpkit-label" htmlFor={`${id}to`}>
            {m.phoneLabel}
          </label>
          <input
            ref={(el) => {
              if (el && refocusPhone.current) {
                refocusPhone.current = false;
                el.focus();
              }
            }}
            id={`${id}to`}
            className="otpkit-phone"
            type="tel"
            name="to"
            autoComplete="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            aria-describedby={`${id}hint`}
            aria-invalid={badPhone || status === 'error' || undefined}
          />
          <p id={`${id}hint`} className="otpkit-hint">
            {m.phoneHint}
          </p>
          <SendButton retryAt={otp.retryAt} busy={status === 'sending'} m={m} />
        </form>
      )}
      {step === 'code' && to && channel && (
        <div className="otpkit-code">
          <p className="otpkit-sent">
            {m.codeSent(to, channel)}{' '}
            <button
              type="button"
              className="otpkit-change"
              onClick={() => {
                refocusPhone.current = true;
                otp.reset();
              }}
            >
              {m.changeNumber}
            </button>
          </p>
          {/* A finished code (expired, used, too many attempts): the input goes, only a new code helps. */}
          {!isFinished(status) && (
            <>
              <OtpInput {...otp.inputProps} aria-label={m.codeLabel} name="code" autoFocus webOtp />
              <ExpiryCountdown expiresAt={otp.expiresAt} onExpire={otp.expire} messages={m} />
            </>
          )}
          <ResendButton
            resendAt={otp.resendAt}
            retryAt={otp.retryAt}
            // The machine treats an already-used verification as finished (no resend): start a fresh one.
            onResend={() => (status === 'already_verified' ? otp.send(normalizePhone(phone)) : otp.resend())}
            disabled={isBusy(status)}
            messages={isFinished(status) ? { ...m, resend: m.sendNewCode } : m}
          />
        </div>
      )}
      {/* The words for sighted users; the live region below carries the same text for screen readers. On
          code_sent the "sent to" line above already says it. */}
      <p className="otpkit-message" data-status={status} aria-hidden="true">
        {step === 'code' && status === 'code_sent' ? '' : message}
      </p>
      <p role="status" className="otpkit-sr-only" style={visuallyHidden}>
        {message}
      </p>
    </div>
  );
}

/** Its own component so a rate-limit countdown re-renders only this button, not the flow. */
function SendButton({ retryAt, busy, m }: { retryAt: number | null; busy: boolean; m: OtpMessages }) {
  const left = useCountdown(retryAt);
  return (
    <button type="submit" className="otpkit-send" disabled={busy || left > 0}>
      {busy ? m.sending : left ? m.retryIn(formatTime(left)) : m.sendCode}
    </button>
  );
}
