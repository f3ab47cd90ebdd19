// The bot-check seam: what the flow asks of a verifier (Turnstile, hCaptcha, reCAPTCHA or the app's own). The flow
// sees only this file; the verifiers know nothing of the flow.

/** What the flow tells a verifier about the request whose token it checks. */
export interface BotCheckContext {
  /** The client's address (after `trustProxy`), passed on as siteverify's `remoteip`. */
  clientIp?: string | undefined;
  /** The step the token was sent with. A widget token is single use, so a resend carries a fresh one. */
  action: 'send' | 'resend';
  /** The verification's purpose. */
  purpose: string;
  /** Aborted after the handler's `timeoutMs`. */
  signal: AbortSignal;
}

/**
 * Why a token was not accepted. The first five refuse the send (403 `bot_check_failed`); `unavailable` (timeout,
 * 5xx, an unreadable answer) follows the handler's `whenUnavailable`; `misconfigured` (the service refused our
 * secret or our request) is the operator's to fix: 502 `provider_error`, logged loudly.
 */
export type BotRefusal =
  | 'invalid_token'
  | 'token_spent'
  | 'hostname_mismatch'
  | 'action_mismatch'
  | 'low_score'
  | 'unavailable'
  | 'misconfigured';

/** A verifier's answer. `errorCodes` (the service's own, never a secret) and `detail` are for the server's log. */
export type BotVerdict =
  | { ok: true; score?: number | undefined }
  | { ok: false; reason: BotRefusal; errorCodes?: readonly string[]; detail?: string };

/**
 * Checks a widget token on the server. Resolve a verdict; a throw counts as `unavailable`. A verifier must never
 * put its secret in a verdict or an error.
 */
export type BotCheck = (token: string, context: BotCheckContext) => Promise<BotVerdict>;
