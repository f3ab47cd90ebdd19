import { actionMatches, type SiteverifyOptions, siteverifyCheck } from './siteverify.js';
import type { BotCheck } from './types.js';

/** Google's documented endpoint (developers.google.com/recaptcha/docs/verify). */
export const RECAPTCHA_SITEVERIFY_URL = 'https://www.google.com/recaptcha/api/siteverify';

export type RecaptchaOptions = SiteverifyOptions &
  (
    | {
        /** v2: the "I'm not a robot" checkbox or the invisible badge; a token passes or fails. */
        version: 2;
      }
    | {
        /** v3: a score per request, no challenge shown. */
        version: 3;
        /** The lowest score accepted (0.0 very likely a bot .. 1.0 very likely a human). @defaultValue 0.5 (Google's
         * suggested start; tune it from the admin console's traffic) */
        minScore?: number;
        /** The action the page executed (`grecaptcha.execute(siteKey, { action })`); siteverify's `action` must
         * equal it. Google says to verify it. Unset: not checked. */
        action?: string;
      }
  );

/** reCAPTCHA's siteverify error codes, as the flow reads them. */
const ERRORS = {
  'missing-input-secret': 'misconfigured',
  'invalid-input-secret': 'misconfigured',
  'bad-request': 'misconfigured',
  'missing-input-response': 'invalid_token',
  'invalid-input-response': 'invalid_token',
  // Older than its two minutes, or verified before.
  'timeout-or-duplicate': 'token_spent',
} as const;

/**
 * Google reCAPTCHA (v2, or v3 with a score threshold), checked server-side with siteverify:
 * `botCheck: recaptcha({ version: 3, secret, action: 'otp_send' })`.
 */
export function recaptcha(options: RecaptchaOptions): BotCheck {
  const v3 = options.version === 3 ? options : undefined;
  if (options.version !== 2 && !v3) throw new Error('otpkit: recaptcha `version` must be 2 or 3.');
  const minScore = v3?.minScore ?? 0.5;
  if (!(minScore >= 0 && minScore <= 1)) throw new Error('otpkit: recaptcha `minScore` must be between 0 and 1.');
  return siteverifyCheck(options, {
    service: 'reCAPTCHA',
    url: RECAPTCHA_SITEVERIFY_URL,
    errors: ERRORS,
    accept(answer) {
      if (!v3) return { ok: true };
      // Only v3 keys score: a v3 check fed by a v2 key is a deployment mistake, not a bot.
      if (typeof answer.score !== 'number') {
        return { ok: false, reason: 'misconfigured', detail: 'no score in the answer: is the key a v3 key?' };
      }
      const action = actionMatches(v3.action, answer);
      if (!action.ok) return action;
      if (answer.score < minScore) return { ok: false, reason: 'low_score', detail: `score ${answer.score}` };
      return { ok: true, score: answer.score };
    },
  });
}
