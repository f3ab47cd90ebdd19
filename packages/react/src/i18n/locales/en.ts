import type { Channel } from '../../core/contract.js';
import { componentWords } from '../component-words.js';
import { waitParts } from '../messages.js';

/** The words of `PhoneInput` (`@otpkit/react/phone`) in English. */
export { phoneWords as enPhone } from '../../phone/words.js';

/**
 * Every word the components and the flow show or announce. A flat object: override any key with the `messages`
 * prop. The other languages live in their own modules (`@otpkit/react/locales/ja`, ...) so an app bundles only
 * the ones it imports; the flow itself bundles only this English set.
 */
export interface OtpMessages {
  /** The entry step's title, per `recipient`. */
  phoneTitle: string;
  emailTitle: string;
  phoneLabel: string;
  phoneHint: string;
  /** The client-side format check failed (not E.164). */
  phoneInvalid: string;
  emailLabel: string;
  emailHint: string;
  /** The client-side format check failed (not an e-mail address). */
  emailInvalid: string;
  /** `recipient="either"`: one field for a number or an address. */
  eitherTitle: string;
  eitherLabel: string;
  eitherHint: string;
  /** The code step's title. */
  codeTitle: string;
  sendCode: string;
  sending: string;
  codeLabel: string;
  /** `to` is the masked number from the server. */
  codeSent: (to: string, channel: Channel) => string;
  changeNumber: string;
  changeEmail: string;
  verifying: string;
  /** Announced when the code was right. */
  verified: string;
  /** The success step's title, and the line under it (`to` is the masked recipient). */
  verifiedTitle: string;
  verifiedTo: (to: string) => string;
  /** Above the resend button and the other channels. */
  didNotGetCode: string;
  /** A button that asks for the code by another channel: "Send by WhatsApp", "Call me instead". */
  sendBy: (channel: Channel) => string;
  /** Retries what failed (a verify after a network or provider error). */
  tryAgain: string;
  /** An honest wait in words, from whole seconds: "You can try again in 4 minutes." */
  waitFor: (seconds: number) => string;
  /** 422 channel_unavailable: the server cannot send by the channel asked for. */
  channelUnavailable: string;
  wrongCode: (attemptsLeft: number) => string;
  /** `time` is `m:ss` (see `formatTime`). */
  expiresIn: (time: string) => string;
  expired: string;
  alreadyVerified: string;
  tooManyAttempts: string;
  rateLimited: string;
  retryIn: (time: string) => string;
  resend: string;
  resendIn: (time: string) => string;
  /** Announced once, when the resend cooldown ends. */
  resendAvailable: string;
  sendNewCode: string;
  invalidPhone: string;
  undeliverable: string;
  /** The provider reported that the code's message did not arrive (`POST …/status`). */
  notDelivered: (to: string, channel: Channel) => string;
  /** 403 `forbidden`: the number's country is not allowed, OR the request's origin / fetch-site check failed (a
   * deployment mistake, not the number). The error does not say which without parsing its English message, so
   * the words must be true of both: this site cannot send to this number. */
  forbidden: string;
  /** 403 `bot_check_failed`: the server's bot check (Turnstile, hCaptcha, reCAPTCHA) refused the request, or it
   * carried no token. The user can solve the challenge again and retry. */
  botCheckFailed: string;
  networkError: string;
  unavailable: string;
  genericError: string;
}

const channels: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'email', voice: 'voice call' };
const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

// Object.assign marked pure rather than `{ ...componentWords, ... }`: bundlers cannot prove a spread free of side
// effects, so an app importing only the primitives from dist would carry this whole locale (measured: +370 B gz).
export const en: OtpMessages = /* @__PURE__ */ Object.assign({}, componentWords, {
  phoneTitle: 'Verify your phone number',
  emailTitle: 'Verify your email address',
  phoneLabel: 'Phone number',
  phoneHint: 'Include the country code, for example +14155550123.',
  phoneInvalid: 'Enter the number with its country code, starting with +.',
  emailLabel: 'Email address',
  emailHint: 'We will email you a code.',
  emailInvalid: 'Enter an email address such as name@example.com.',
  eitherTitle: 'Verify it’s you',
  eitherLabel: 'Phone number or email',
  eitherHint: 'A phone number with its country code, or an email address.',
  codeTitle: 'Enter the code',
  sendCode: 'Send code',
  sending: 'Sending…',
  codeLabel: 'Verification code',
  codeSent: (to, channel) => `We sent a code to ${to} by ${channels[channel]}.`,
  changeNumber: 'Change number',
  changeEmail: 'Change email',
  verifying: 'Checking the code…',
  verified: 'Verified.',
  verifiedTitle: 'Verified',
  verifiedTo: (to) => `${to} is verified.`,
  didNotGetCode: 'Didn’t get a code?',
  sendBy: (channel) => (channel === 'voice' ? 'Call me instead' : `Send by ${channels[channel]}`),
  tryAgain: 'Try again',
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    return `You can try again in ${plural(n, { s: 'second', m: 'minute', h: 'hour' }[unit])}.`;
  },
  channelUnavailable: 'That option is not available here. Try another way.',
  wrongCode: (n) => `Wrong code. ${n} ${n === 1 ? 'attempt' : 'attempts'} left.`,
  alreadyVerified: 'This code was already used. Send a new code.',
  tooManyAttempts: 'Too many wrong codes. Send a new code.',
  rateLimited: 'Too many requests. Please wait.',
  sendNewCode: 'Send a new code',
  invalidPhone: 'This number is not valid.',
  undeliverable: 'We could not deliver a code to this number.',
  notDelivered: (to, channel) =>
    `The ${channels[channel]} to ${to} was not delivered. Check the number, or use another one.`,
  forbidden: 'This site cannot send a code to this number.',
  botCheckFailed: 'We could not confirm you are human. Complete the check and try again.',
  networkError: 'No connection. Check your network and try again.',
  unavailable: 'The service is unavailable. Try again in a moment.',
  genericError: 'Something went wrong. Try again.',
} satisfies Omit<OtpMessages, keyof typeof componentWords>);
