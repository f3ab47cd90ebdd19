// docs:drop-in-import
import { OtpVerification } from '@otpkit/react';
// docs:end
import { useState } from 'react';
import type { DemoInfo } from './demo-api.js';
import type { Language } from './languages.js';
import { ProofResult } from './proof-result.js';
import { useTurnstile } from './turnstile-widget.js';

/** The kit as most apps use it: one component, words from the chosen locale module. */
export function DropInFlow({ language, botCheck }: { language: Language; botCheck: DemoInfo['botCheck'] }) {
  // Set when the server runs a bot check (OTP_BOT_CHECK=turnstile): a widget, and a fresh token for each request.
  const turnstile = useTurnstile(botCheck);
  const [proof, setProof] = useState<string | null>(null);
  // A new key starts a fresh flow: the drop-in keeps its own state.
  const [run, setRun] = useState(0);

  return (
    <>
      <div key={run}>
        {/* docs:drop-in */}
        <OtpVerification
          endpoint="/api/otp"
          locale={language.locale} // the SMS template's language
          messages={language.messages} // the words on screen, e.g. `ja` from '@otpkit/react/locales/ja'
          onVerified={({ proof }) => setProof(proof)} // send the proof to your server
          botToken={turnstile.botToken} // where the server runs a bot check: a fresh token per send and resend
        />
        {/* docs:end */}
        {turnstile.widget}
      </div>
      <ProofResult proof={proof} testId="drop-in-proof" />
      {proof !== null && (
        <button
          type="button"
          className="start-over"
          onClick={() => {
            setProof(null);
            setRun((n) => n + 1);
          }}
        >
          Start over
        </button>
      )}
    </>
  );
}
