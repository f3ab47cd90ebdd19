// @otpkit/bff/bot-checks: ready verifiers for `createOtpHandler({ botCheck })`, each checking the widget's token with
// its service's siteverify API. The secret stays on the server; the client's address goes along as `remoteip`.
export { HCAPTCHA_SITEVERIFY_URL, type HcaptchaOptions, hcaptcha } from './hcaptcha.js';
export { RECAPTCHA_SITEVERIFY_URL, type RecaptchaOptions, recaptcha } from './recaptcha.js';
export type { FetchLike, SiteverifyOptions } from './siteverify.js';
export { TURNSTILE_SITEVERIFY_URL, TURNSTILE_TEST_KEYS, type TurnstileOptions, turnstile } from './turnstile.js';
export type { BotCheck, BotCheckContext, BotRefusal, BotVerdict } from './types.js';
