import { actionMatches, type SiteverifyOptions, siteverifyCheck } from './siteverify.js';
import type { BotCheck } from './types.js';

/** Cloudflare's documented endpoint (developers.cloudflare.com/turnstile/get-started/server-side-validation). */
export const TURNSTILE_SITEVERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

/**
 * Cloudflare's documented test keys (developers.cloudflare.com/turnstile/troubleshooting/testing): the test site
 * keys make the widget hand out the dummy token `XXXX.DUMMY.TOKEN.XXXX`, which only the test secrets accept.
 */
export const TURNSTILE_TEST_KEYS = {
  sitekey: { alwaysPasses: '1x00000000000000000000AA', alwaysFails: '2x00000000000000000000AB' },
  secret: {
    alwaysPasses: '1x0000000000000000000000000000000AA',
    alwaysFails: '2x0000000000000000000000000000000AA',
    tokenAlreadySpent: '3x0000000000000000000000000000000AA',
  },
  dummyToken: 'XXXX.DUMMY.TOKEN.XXXX',
} as const;

export interface TurnstileOptions extends SiteverifyOptions {
  /** The `action` the page rendered the widget with (`data-action`); siteverify's `action` must equal it. Cloudflare
   * recommends checking it. Unset: not checked. */
  action?: string;
}

/** Turnstile's siteverify error codes, as the flow reads them. */
const ERRORS = {
  'missing-input-secret': 'misconfigured',
  'invalid-input-secret': 'misconfigured',
  'bad-request': 'misconfigured',
  'missing-input-response': 'invalid_token',
  'invalid-input-response': 'invalid_token',
  // Redeemed already, or older than its 300 s.
  'timeout-or-duplicate': 'token_spent',
  // "The request can be retried": an outage, not the user's token.
  'internal-error': 'unavailable',
} as const;

/**
 * Cloudflare Turnstile, checked server-side with siteverify: `botCheck: turnstile({ secret })`. A token is single
 * use and lives 300 s.
 */
export function turnstile(options: TurnstileOptions): BotCheck {
  return siteverifyCheck(options, {
    service: 'Turnstile',
    url: TURNSTILE_SITEVERIFY_URL,
    errors: ERRORS,
    accept: (answer) => actionMatches(options.action, answer),
  });
}
