// docs:composed-import
import { ExpiryCountdown, OtpInput, type OtpMessages, ResendButton, useOtpVerification } from '@otpkit/react';
// docs:end
import { type FormEvent, useState } from 'react';
import type { DemoInfo } from './demo-api.js';
import type { Language } from './languages.js';
import { ProofResult } from './proof-result.js';
import { useTurnstile } from './turnstile-widget.js';

/** The words for the states this flow shows, from the same locale messages the drop-in uses. */
function statusText(m: OtpMessages, otp: ReturnType<typeof useOtpVerification>): string {
  switch (otp.status) {
    case 'verifying':
      return m.verifying;
    case 'verified':
      return m.verified;
    case 'invalid_code':
      return m.wrongCode(otp.attemptsLeft ?? 0);
    case 'expired':
      return m.expired;
    case 'already_verified':
      return m.alreadyVerified;
    case 'too_many_attempts':
      return m.tooManyAttempts;
    case 'rate_limited':
      return m.rateLimited;
    case 'error':
      if (otp.error?.code === 'bot_check_failed') return m.botCheckFailed;
      return otp.error?.code === 'invalid_phone' ? m.invalidPhone : m.genericError;
    default:
      return '';
  }
}

/** The same flow built from the hook and the primitives, for apps that want their own layout. */
export function ComposedFlow({ language, botCheck }: { language: Language; botCheck: DemoInfo['botCheck'] }) {
  const turnstile = useTurnstile(botCheck);
  const m = language.messages;
  const [phone, setPhone] = useState('');
  const [proof, setProof] = useState<string | null>(null);
  // docs:composed
  const otp = useOtpVerification({
    endpoint: '/api/otp',
    locale: language.locale,
    onVerified: ({ proof }) => setProof(proof), // send it to your server: otp.verifyProof(proof)
    botToken: turnstile.botToken, // where the server runs a bot check: () => a fresh widget token
  });
  // docs:end
  const codeStep = otp.to !== null && otp.status !== 'idle';
  const finished = otp.status === 'expired' || otp.status === 'already_verified' || otp.status === 'too_many_attempts';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void otp.send(phone.replace(/[\s\-().]/g, ''));
  };

  return (
    <div className="composed-form" data-status={otp.status}>
      {!codeStep ? (
        <form className="composed-form" onSubmit={submit}>
          <label>
            {m.phoneLabel}
            <input type="tel" autoComplete="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />
          </label>
          <button type="submit" disabled={otp.status === 'sending'}>
            {otp.status === 'sending' ? m.sending : m.sendCode}
          </button>
        </form>
      ) : (
        <>
          {otp.channel && <p>{m.codeSent(otp.to!, otp.channel)}</p>}
          {otp.status !== 'verified' && !finished && (
            <>
              {/* docs:composed-input */}
              <OtpInput {...otp.inputProps} aria-label={m.codeLabel} autoFocus />
              <ExpiryCountdown expiresAt={otp.expiresAt} onExpire={otp.expire} messages={m} />
              <ResendButton resendAt={otp.resendAt} retryAt={otp.retryAt} onResend={otp.resend} messages={m} />
              {/* docs:end */}
            </>
          )}
          {finished && (
            <button type="button" onClick={() => void otp.send(phone.replace(/[\s\-().]/g, ''))}>
              {m.sendNewCode}
            </button>
          )}
          {otp.status === 'verified' && (
            <button
              type="button"
              onClick={() => {
                setProof(null);
                otp.reset();
              }}
            >
              Start over
            </button>
          )}
        </>
      )}
      {turnstile.widget}
      <p className="composed-status" role="status" data-status={otp.status}>
        {statusText(m, otp)}
      </p>
      <ProofResult proof={proof} testId="composed-proof" />
    </div>
  );
}
