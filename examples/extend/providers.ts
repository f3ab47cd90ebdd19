// Every built-in provider as an app configures it; the bff README's "Providers" section is cut from here, and
// providers.test.ts runs each one against its simulator.
import {
  customCodes,
  engagelab,
  failover,
  type LocalCodeProvider,
  OtpError,
  type OtpLogger,
  twilio,
  unimtx,
} from '@otpkit/bff';
import type { FetchLike } from '@otpkit/bff/provider-kit';
import { smtpEmail } from '@otpkit/bff/smtp';

/** What the app reads from its environment; `fetch` lets the tests point every provider at a simulator. */
export interface ProviderEnv {
  ENGAGELAB_DEV_KEY: string;
  ENGAGELAB_DEV_SECRET: string;
  ENGAGELAB_TEMPLATE_ID: string;
  UNIMTX_ACCESS_KEY_ID: string;
  UNIMTX_ACCESS_KEY_SECRET: string;
  TWILIO_ACCOUNT_SID: string;
  TWILIO_AUTH_TOKEN: string;
  TWILIO_VERIFY_SERVICE_SID: string;
  SMTP_HOST: string;
  SMTP_PORT: number;
  SMTP_USER: string;
  SMTP_PASS: string;
  fetch?: FetchLike;
}

export function twilioProvider({ fetch, ...env }: ProviderEnv) {
  // docs:twilio
  const provider = twilio({
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN, // or apiKey + apiSecret
    serviceSid: env.TWILIO_VERIFY_SERVICE_SID,
    channel: 'sms', // 'sms' | 'call' | 'whatsapp'; e-mail addresses go by 'email'
    codeLength: 6, // the Verify Service's code length
    fetch,
  });
  // docs:end
  return provider;
}

export function unimtxProvider({ fetch, ...env }: ProviderEnv) {
  // docs:unimtx
  const provider = unimtx({
    accessKeyId: env.UNIMTX_ACCESS_KEY_ID,
    accessKeySecret: env.UNIMTX_ACCESS_KEY_SECRET, // HMAC-signed requests
    mode: 'custom', // the BFF generates and checks the code; UniMTX delivers it
    channel: 'auto', // 'sms' | 'call' | 'whatsapp' | 'auto'
    intent: 'signup', // one scenario label per handler
    templates: { en: 'tpl-en', 'zh-CN': 'tpl-zh-cn', default: 'tpl-en' }, // per language, by BCP 47 tag
    fetch,
  });
  // docs:end
  return provider;
}

export function smtpProvider(env: ProviderEnv) {
  // docs:smtp
  // import { smtpEmail } from '@otpkit/bff/smtp'; (npm install nodemailer)
  const provider = smtpEmail({
    smtp: {
      host: env.SMTP_HOST,
      port: env.SMTP_PORT,
      secure: env.SMTP_PORT === 465,
      auth: { user: env.SMTP_USER, pass: env.SMTP_PASS },
    },
    from: 'Acme <no-reply@acme.example>',
    appName: 'Acme',
    origin: 'https://acme.example', // adds the line "@acme.example #123456"
  });
  // docs:end
  return provider;
}

/** A chat app's API, as the app already calls it. */
export type ChatApi = (to: string, text: string, signal: AbortSignal) => Promise<{ ok: boolean; blocked?: boolean }>;

export function chatProvider(sendChat: ChatApi): LocalCodeProvider {
  // docs:custom-codes
  const provider = customCodes({
    name: 'chat',
    channel: 'whatsapp',
    async send({ to, code, ttlSeconds, signal }) {
      const result = await sendChat(to, `Your code is ${code} (valid ${ttlSeconds / 60} min)`, signal);
      // An OtpError is the answer the browser gets; anything else thrown is a 503.
      if (result.blocked) throw new OtpError('undeliverable', { message: 'The chat app refused this recipient.' });
      if (!result.ok) throw new OtpError('provider_unavailable', { message: 'The chat app failed.' });
    },
  });
  // docs:end
  return provider;
}

export function failoverProvider({ fetch, ...env }: ProviderEnv, logger: OtpLogger) {
  // docs:failover
  const provider = failover(
    [
      engagelab({
        devKey: env.ENGAGELAB_DEV_KEY,
        devSecret: env.ENGAGELAB_DEV_SECRET,
        templateId: env.ENGAGELAB_TEMPLATE_ID,
        mode: 'custom',
        fetch,
      }),
      unimtx({
        accessKeyId: env.UNIMTX_ACCESS_KEY_ID,
        accessKeySecret: env.UNIMTX_ACCESS_KEY_SECRET,
        mode: 'custom',
        fetch,
      }),
    ],
    {
      attemptTimeoutMs: 3000, // leaves the second provider time within the handler's timeoutMs
      onSendMayHaveGoneOut: 'stop', // after a timeout: answer 503 rather than risk two messages
      logger, // "failover: sent" / "failover: provider failed", with the provider's name
    },
  );
  // docs:end
  return provider;
}
