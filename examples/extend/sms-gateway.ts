// A third provider, written only against the public entries (`@otpkit/bff/provider-kit`): an HTTP SMS gateway
// that delivers a code the BFF generates and checks. The bff README's "Write a provider" is this file.
// docs:write-provider
import {
  type ErrorRow,
  type FetchLike,
  isObject,
  type LocalCodeProvider,
  matchLocale,
  platformFetch,
  postJson,
  providerError,
  unreadable,
} from '@otpkit/bff/provider-kit';

export interface SmsGatewayOptions {
  apiKey: string;
  /** @defaultValue 'https://sms.example.com' */
  baseUrl?: string;
  fetch?: FetchLike;
}

/** The gateway's error codes -> the contract (a rate limit always with its wait). */
const ERRORS: Record<string, ErrorRow> = {
  unauthorized: ['provider_error', 'wrong API key'],
  invalid_number: ['invalid_phone', 'the number is not valid'],
  blocked: ['undeliverable', 'the number blocks messages'],
  throttled: ['rate_limited', 'too many messages to this number', 60],
};

const TEXTS: Record<string, (code: string) => string> = {
  en: (code) => `Your code is ${code}`,
  es: (code) => `Tu código es ${code}`,
};

export function smsGateway(options: SmsGatewayOptions): LocalCodeProvider {
  const fetch = options.fetch ?? platformFetch;
  const url = `${options.baseUrl ?? 'https://sms.example.com'}/messages`;
  return {
    name: 'sms-gateway',
    codeSource: 'local', // the BFF generates, hashes and checks the code
    resend: 'new-code',
    codeLength: 6,
    async send({ to, code, locale, signal }) {
      const text = (matchLocale(locale, TEXTS) ?? TEXTS.en!)(code);
      const headers = { authorization: `Bearer ${options.apiKey}` };
      const { status, body } = await postJson({
        provider: 'SMS gateway',
        fetch,
        url,
        headers,
        body: { to, text },
        signal,
      });
      if (status === 201 && isObject(body) && typeof body.id === 'string')
        return { messageId: body.id, channel: 'sms' };
      if (isObject(body) && typeof body.error === 'string')
        throw providerError('SMS gateway', ERRORS, body.error, status);
      throw unreadable('SMS gateway', status);
    },
  };
}
// docs:end
