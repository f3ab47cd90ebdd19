import { useEffect, useState } from 'react';
import { ComposedFlow } from './composed-flow.js';
import { type DemoInfo, fetchDemoInfo } from './demo-api.js';
import { DropInFlow } from './drop-in-flow.js';
import { FunnelPanel } from './funnel-panel.js';
import { LANGUAGES } from './languages.js';
import { SimulatorInbox } from './simulator-inbox.js';

export function App() {
  const [info, setInfo] = useState<DemoInfo | null>(null);
  const [languageIndex, setLanguageIndex] = useState(0);
  const language = LANGUAGES[languageIndex] ?? LANGUAGES[0]!;

  useEffect(() => {
    fetchDemoInfo().then(setInfo, () => setInfo(null));
  }, []);
  useEffect(() => {
    document.documentElement.lang = language.locale;
  }, [language.locale]);

  return (
    <div className="demo">
      <header className="demo-header">
        <div>
          <h1>otpkit demo</h1>
          <p className="demo-provider" data-testid="provider">
            {info === null
              ? 'Connecting to the demo server…'
              : info.simulator
                ? 'Provider: EngageLab simulator (no credentials set)'
                : `Provider: ${info.provider}`}
          </p>
        </div>
        <label className="language">
          Language
          <select value={languageIndex} onChange={(event) => setLanguageIndex(Number(event.target.value))}>
            {LANGUAGES.map((l, index) => (
              <option key={l.locale} value={index} lang={l.locale}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
      </header>
      <main className="demo-main">
        <section className="card" aria-labelledby="drop-in-title" data-testid="drop-in">
          <h2 id="drop-in-title">
            Drop-in <code>&lt;OtpVerification&gt;</code>
          </h2>
          <DropInFlow language={language} botCheck={info?.botCheck ?? null} />
        </section>
        <section className="card" aria-labelledby="composed-title" data-testid="composed">
          <h2 id="composed-title">Composed from the primitives</h2>
          <p className="card-note">
            <code>useOtpVerification</code> + <code>OtpInput</code> + <code>ExpiryCountdown</code> +{' '}
            <code>ResendButton</code>
          </p>
          <ComposedFlow language={language} botCheck={info?.botCheck ?? null} />
        </section>
        {info?.simulator && <SimulatorInbox />}
        <FunnelPanel />
      </main>
    </div>
  );
}
