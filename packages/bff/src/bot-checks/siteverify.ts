// The protocol Turnstile, hCaptcha and reCAPTCHA share (reCAPTCHA's, which the other two copied): POST the secret,
// the widget's token and the client's address form-encoded to the service's siteverify URL; read a JSON object
// with `success`, `hostname`, `error-codes` and, per service, `action` and `score`. Each verifier is this plus its
// URL, its table of error codes and its own checks.
import type { BotCheck, BotRefusal, BotVerdict } from './types.js';

/** The `fetch` a verifier calls: the global one, or a simulator's in tests. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Options every verifier takes. */
export interface SiteverifyOptions {
  /** The widget's secret key. It is sent to the service and nowhere else (never logged, never in a verdict). */
  secret: string;
  /** The hostnames the token must have been solved on (siteverify's `hostname`). Unset: any hostname the service
   * accepted for the site key. */
  hostname?: string | readonly string[];
  /** The siteverify endpoint, for a simulator in tests. @defaultValue the service's documented URL */
  siteverifyUrl?: string;
  /** @defaultValue globalThis.fetch (looked up at call time) */
  fetch?: FetchLike;
}

/** The fields of a siteverify answer that the verifiers read. */
export interface SiteverifyAnswer {
  success: boolean;
  'error-codes'?: string[];
  hostname?: string;
  action?: string;
  score?: number;
}

export interface SiteverifySpec {
  /** The service's name, for messages. */
  service: string;
  url: string;
  /** What each of the service's error codes means for the send; a code not listed refuses the token. */
  errors: Readonly<Record<string, BotRefusal>>;
  /** Form fields besides secret, response and remoteip (hCaptcha's `sitekey`). */
  fields?: Record<string, string>;
  /** The service's own checks of a successful answer (action, score). */
  accept?(answer: SiteverifyAnswer): BotVerdict;
}

/** The longest token worth sending: Turnstile's are at most 2,048 characters, the others' shorter or similar. */
const MAX_TOKEN = 4096;

// When several error codes come back, the one that matters most decides: an operator's mistake first (every user
// would be refused), then an outage, then the token itself.
const PRIORITY: BotRefusal[] = ['misconfigured', 'unavailable', 'token_spent', 'invalid_token'];

/** A BotCheck over a siteverify API. */
export function siteverifyCheck(options: SiteverifyOptions, spec: SiteverifySpec): BotCheck {
  if (typeof options?.secret !== 'string' || options.secret.trim() === '') {
    throw new Error(`otpkit: ${spec.service} needs its \`secret\` (the widget's secret key).`);
  }
  const hostnames = options.hostname === undefined ? undefined : new Set([options.hostname].flat());
  const url = options.siteverifyUrl ?? spec.url;
  return async (token, { clientIp, signal }) => {
    if (token.length > MAX_TOKEN) return { ok: false, reason: 'invalid_token', detail: 'token too long' };
    const form = new URLSearchParams({ secret: options.secret, response: token, ...spec.fields });
    if (clientIp) form.set('remoteip', clientIp);
    let response: Response;
    let text: string;
    try {
      response = await (options.fetch ?? globalThis.fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        signal,
      });
      text = await response.text();
    } catch (error) {
      // A timeout (our signal), a refused connection, DNS: the service did not answer.
      const name = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { ok: false, reason: 'unavailable', detail: `${spec.service} did not answer (${name})` };
    }
    let answer: SiteverifyAnswer | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as SiteverifyAnswer).success === 'boolean') {
        answer = parsed as SiteverifyAnswer;
      }
    } catch {}
    if (!answer || response.status >= 500) {
      // A 5xx, or a proxy's HTML page: no verdict. A 4xx without one is a wrong URL or request: ours to fix.
      const reason = response.status >= 400 && response.status < 500 ? 'misconfigured' : 'unavailable';
      return { ok: false, reason, detail: `${spec.service} answered HTTP ${response.status} without a verdict` };
    }
    const errorCodes = Array.isArray(answer['error-codes']) ? answer['error-codes'].map(String) : [];
    if (!answer.success) {
      const reasons = errorCodes.map((code) => spec.errors[code] ?? 'invalid_token');
      const reason = PRIORITY.find((r) => reasons.includes(r)) ?? 'invalid_token';
      return { ok: false, reason, errorCodes };
    }
    if (hostnames && !hostnames.has(answer.hostname ?? '')) {
      return { ok: false, reason: 'hostname_mismatch', detail: `solved on ${answer.hostname}` };
    }
    return spec.accept?.(answer) ?? { ok: true };
  };
}

/** The action check Turnstile and reCAPTCHA v3 share: the action the page gave the widget must be the expected one. */
export function actionMatches(expected: string | undefined, answer: SiteverifyAnswer): BotVerdict {
  if (expected !== undefined && answer.action !== expected) {
    return { ok: false, reason: 'action_mismatch', detail: `action "${answer.action ?? ''}"` };
  }
  return { ok: true };
}
