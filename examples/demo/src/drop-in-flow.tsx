// docs:drop-in-import
import { OtpVerification } from '@otpkit/react';
// docs:end
import { useState } from 'react';
import type { Language } from './languages.js';
import { ProofResult } from './proof-result.js';

/** The kit as most apps use it: one component, words from the chosen locale module. */
export function DropInFlow({ language }: { language: Language }) {
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
        />
        {/* docs:end */}
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
