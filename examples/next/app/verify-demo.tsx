'use client';
import { OtpVerification } from '@otpkit/react';
import { useEffect, useState } from 'react';

type ProofCheck = { accepted: boolean; verifiedAt?: string };

/** The drop-in flow, the server's answer about the proof, and (simulator mode) the codes "sent". */
export function VerifyDemo({ endpoint }: { endpoint: string }) {
  const [check, setCheck] = useState<ProofCheck | null>(null);

  // The app's server decides what "verified" means: it checks the signed proof (app/api/demo/proof/route.ts).
  const checkOnServer = async (proof: string) => {
    const response = await fetch('/api/demo/proof', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ proof }),
    });
    setCheck(await response.json());
  };

  return (
    <>
      {/* docs:drop-in */}
      <OtpVerification endpoint={endpoint} onVerified={({ proof }) => checkOnServer(proof)} />
      {/* docs:end */}
      <p
        role="status"
        data-testid="proof"
        data-state={check === null ? 'none' : check.accepted ? 'accepted' : 'rejected'}
      >
        {check === null ? '' : check.accepted ? 'Server accepted the proof.' : 'Server rejected the proof.'}
      </p>
      <Inbox />
    </>
  );
}

/** Simulator mode only: the inbox route answers 404 with real credentials, and this renders nothing. */
function Inbox() {
  const [messages, setMessages] = useState<{ to: string; code: string; sentAt: string }[] | null>(null);
  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      const response = await fetch('/api/demo/inbox', { cache: 'no-store' }).catch(() => null);
      if (!stopped && response?.ok) setMessages((await response.json()).messages);
    };
    void poll();
    const timer = setInterval(poll, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  if (messages === null) return null;
  return (
    <aside
      aria-labelledby="inbox-title"
      style={{ marginTop: 32, padding: 16, border: '2px dashed #b7791f', background: '#fffbea' }}
    >
      <h2 id="inbox-title">Simulator inbox</h2>
      <p>No EngageLab credentials are set: the built-in simulator "sends" the codes, and they appear here.</p>
      <ol>
        {messages
          .slice()
          .reverse()
          .map((m) => (
            <li key={`${m.sentAt}${m.to}${m.code}`}>
              {m.to}: <code>{m.code}</code>
            </li>
          ))}
      </ol>
    </aside>
  );
}
