import { type SiteverifyOptions, siteverifyCheck } from './siteverify.js';
import type { BotCheck } from './types.js';

/** hCaptcha's documented endpoint (docs.hcaptcha.com, "Verify the User Response Server Side"). */
export const HCAPTCHA_SITEVERIFY_URL = 'https://api.hcaptcha.com/siteverify';

export interface HcaptchaOptions extends SiteverifyOptions {
  /** The site key the token must belong to, posted as siteverify's optional `sitekey` (hCaptcha then refuses a
   * token solved for another of your site keys). Recommended. */
  sitekey?: string;
}

/** hCaptcha's siteverify error codes, as the flow reads them. */
const ERRORS = {
  'missing-input-secret': 'misconfigured',
  'invalid-input-secret': 'misconfigured',
  'sitekey-secret-mismatch': 'misconfigured',
  'bad-request': 'misconfigured',
  // Enterprise settings that require remoteip: the server must pass the client's address (trustProxy).
  'missing-remoteip': 'misconfigured',
  'invalid-remoteip': 'misconfigured',
  'missing-input-response': 'invalid_token',
  'invalid-input-response': 'invalid_token',
  'not-using-dummy-passcode': 'invalid_token',
  'expired-input-response': 'token_spent',
  'already-seen-response': 'token_spent',
  'invalid-or-already-seen-response': 'token_spent',
} as const;

/** hCaptcha, checked server-side with siteverify: `botCheck: hcaptcha({ secret, sitekey })`. A token is single use. */
export function hcaptcha(options: HcaptchaOptions): BotCheck {
  return siteverifyCheck(options, {
    service: 'hCaptcha',
    url: HCAPTCHA_SITEVERIFY_URL,
    errors: ERRORS,
    ...(options.sitekey === undefined ? {} : { fields: { sitekey: options.sitekey } }),
  });
}
