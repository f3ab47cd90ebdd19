// The demo's own endpoints (examples/demo/server/app.ts), not part of the otpkit contract.

export interface DemoInfo {
  provider: string;
  /** True on the built-in EngageLab simulator: the page then shows the simulator inbox. */
  simulator: boolean;
  /** Set when the server runs a bot check (OTP_BOT_CHECK=turnstile): the widget's public site key, and whether the
   * server checks tokens on its siteverify simulator (the page then shows a simulated widget: no network needed). */
  botCheck: { service: 'turnstile'; sitekey: string; simulated: boolean } | null;
}

export interface InboxMessage {
  to: string;
  code: string;
  sentAt: string;
}

export type ProofCheck = { accepted: true; to: string; verifiedAt: string } | { accepted: false };

export async function fetchDemoInfo(): Promise<DemoInfo> {
  const response = await fetch('/api/demo/config');
  if (!response.ok) throw new Error(`/api/demo/config answered ${response.status}`);
  return response.json();
}

export async function fetchInbox(): Promise<InboxMessage[]> {
  const response = await fetch('/api/demo/inbox', { cache: 'no-store' });
  if (!response.ok) return [];
  return ((await response.json()) as { messages: InboxMessage[] }).messages;
}

/** Asks the server whether it trusts the proof (the server calls `otp.verifyProof`). */
export async function checkProof(proof: string): Promise<ProofCheck> {
  const response = await fetch('/api/demo/proof', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ proof }),
  });
  return response.json();
}

/** The server's counts from its `onEvent` listener (examples/demo/server/app.ts). */
export interface Funnel {
  requested: number;
  sent: number;
  delivered: number;
  failed: number;
  verified: number;
  refused: Record<string, number>;
}

export async function fetchFunnel(): Promise<Funnel | null> {
  const response = await fetch('/api/demo/funnel', { cache: 'no-store' });
  return response.ok ? response.json() : null;
}
