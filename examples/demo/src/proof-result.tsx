import { useEffect, useState } from 'react';
import { checkProof, type ProofCheck } from './demo-api.js';

/**
 * Sends the proof from a successful verify to the demo server, which checks it with `otp.verifyProof`: "verified"
 * is something the server trusts, not only a flag in the browser.
 */
export function ProofResult({ proof, testId }: { proof: string | null; testId: string }) {
  const [check, setCheck] = useState<ProofCheck | 'checking' | null>(null);

  useEffect(() => {
    if (proof === null) {
      setCheck(null);
      return;
    }
    let current = true;
    setCheck('checking');
    checkProof(proof)
      .then((result) => current && setCheck(result))
      .catch(() => current && setCheck({ accepted: false }));
    return () => {
      current = false;
    };
  }, [proof]);

  return (
    <p
      className="proof"
      role="status"
      data-testid={testId}
      data-state={
        check === null ? 'none' : check === 'checking' ? 'checking' : check.accepted ? 'accepted' : 'rejected'
      }
    >
      {check === 'checking' && 'Asking the server to check the proof…'}
      {check !== null &&
        check !== 'checking' &&
        (check.accepted
          ? `Server accepted the proof: ${check.to} verified at ${new Date(check.verifiedAt).toLocaleTimeString()}.`
          : 'Server rejected the proof.')}
    </p>
  );
}
