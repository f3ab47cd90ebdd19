import { randomBytes } from 'node:crypto';

/** The demo's environment variables (docs/http-contract.md, "Server configuration"), read and checked. */
export interface DemoConfig {
  provider: (typeof PROVIDERS)[number];
  /** True when the chosen provider has no credentials set: its built-in simulator answers instead of the real API
   * (for smtp: an in-memory mailbox instead of an SMTP server). */
  simulator: boolean;
  engagelab: { devKey: string; devSecret: string; templateId: string; baseUrl?: string | undefined };
  unimtx: { accessKeyId: string; accessKeySecret?: string | undefined; baseUrl?: string | undefined };
  twilio: {
    accountSid: string;
    serviceSid: string;
    authToken?: string | undefined;
    apiKey?: string | undefined;
    apiSecret?: string | undefined;
    baseUrl?: string | undefined;
  };
  smtp: {
    host: string;
    port?: number | undefined;
    secure: boolean;
    user?: string | undefined;
    pass?: string | undefined;
    from: string;
  };
  secret: string;
  /** Set when OTP_SECRET was not: the caller prints the warning. */
  secretGenerated: boolean;
  codeTtlSeconds: number;
  maxAttempts: number;
  resendCooldownSeconds: number;
  redisUrl?: string | undefined;
  /** `OTP_BOT_CHECK=turnstile`: a Turnstile check on every send and resend. Without TURNSTILE_SECRET_KEY it runs on
   * Cloudflare's documented test keys, checked by the built-in siteverify simulator (`simulated`: offline). */
  botCheck?: { service: 'turnstile'; sitekey: string; secret: string; simulated: boolean } | undefined;
  port: number;
  host: string;
}

const PROVIDERS = ['engagelab', 'engagelab-custom', 'unimtx', 'unimtx-custom', 'twilio', 'smtp'] as const;

/** A bad value stops the demo at start with this message, never halfway through a request. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const value = (name: string) => (env[name]?.trim() ? env[name].trim() : undefined);
  const integer = (name: string, fallback: number, min: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min)
      throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}".`);
    return Number(raw);
  };

  const hasEngageLab = value('ENGAGELAB_DEV_KEY') !== undefined || value('ENGAGELAB_DEV_SECRET') !== undefined;
  const hasUnimtx = value('UNIMTX_ACCESS_KEY_ID') !== undefined;
  // Only UniMTX credentials set and no explicit choice: the user clearly means UniMTX.
  const provider = value('OTP_PROVIDER') ?? (hasUnimtx && !hasEngageLab ? 'unimtx' : 'engagelab');
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw new ConfigError(`OTP_PROVIDER must be one of ${PROVIDERS.join(', ')}, got "${provider}".`);
  }
  const chosen = provider as DemoConfig['provider'];

  // Each provider runs on its simulator until its credentials are set; set ones must be complete.
  const required = (names: string[], what: string) => {
    for (const name of names) {
      if (value(name) === undefined) throw new ConfigError(`${name} is required when ${what} credentials are set.`);
    }
  };
  let simulator = false;
  if (chosen === 'unimtx' || chosen === 'unimtx-custom') {
    simulator = !hasUnimtx;
  } else if (chosen === 'twilio') {
    const hasTwilio = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_API_KEY'].some((n) => value(n) !== undefined);
    if (hasTwilio) {
      required(['TWILIO_ACCOUNT_SID', 'TWILIO_VERIFY_SERVICE_SID'], 'Twilio');
      if (value('TWILIO_AUTH_TOKEN') === undefined) required(['TWILIO_API_KEY', 'TWILIO_API_SECRET'], 'Twilio');
    }
    simulator = !hasTwilio;
  } else if (chosen === 'smtp') {
    if (value('SMTP_HOST') !== undefined) required(['SMTP_FROM'], 'SMTP');
    simulator = value('SMTP_HOST') === undefined;
  } else if (hasEngageLab) {
    required(['ENGAGELAB_DEV_KEY', 'ENGAGELAB_DEV_SECRET', 'ENGAGELAB_TEMPLATE_ID'], 'EngageLab');
  } else {
    simulator = true;
  }

  const bot = value('OTP_BOT_CHECK') ?? 'off';
  if (bot !== 'off' && bot !== 'turnstile')
    throw new ConfigError(`OTP_BOT_CHECK must be off or turnstile, got "${bot}".`);
  const turnstileSecret = value('TURNSTILE_SECRET_KEY');
  if (bot === 'turnstile' && turnstileSecret !== undefined) required(['TURNSTILE_SITE_KEY'], 'Turnstile');

  const secret = value('OTP_SECRET');
  if (secret !== undefined && Buffer.byteLength(secret) < 32)
    throw new ConfigError('OTP_SECRET must be at least 32 bytes.');

  return {
    provider: chosen,
    simulator,
    engagelab: {
      devKey: value('ENGAGELAB_DEV_KEY') ?? '',
      devSecret: value('ENGAGELAB_DEV_SECRET') ?? '',
      templateId: value('ENGAGELAB_TEMPLATE_ID') ?? 'otpkit-demo',
      baseUrl: value('ENGAGELAB_BASE_URL'),
    },
    unimtx: {
      accessKeyId: value('UNIMTX_ACCESS_KEY_ID') ?? '',
      accessKeySecret: value('UNIMTX_ACCESS_KEY_SECRET'),
      baseUrl: value('UNIMTX_BASE_URL'),
    },
    twilio: {
      accountSid: value('TWILIO_ACCOUNT_SID') ?? '',
      serviceSid: value('TWILIO_VERIFY_SERVICE_SID') ?? '',
      authToken: value('TWILIO_AUTH_TOKEN'),
      apiKey: value('TWILIO_API_KEY'),
      apiSecret: value('TWILIO_API_SECRET'),
      baseUrl: value('TWILIO_BASE_URL'),
    },
    smtp: {
      host: value('SMTP_HOST') ?? '',
      port: value('SMTP_PORT') === undefined ? undefined : integer('SMTP_PORT', 587, 1),
      secure: value('SMTP_SECURE') === 'true',
      user: value('SMTP_USER'),
      pass: value('SMTP_PASS'),
      from: value('SMTP_FROM') ?? 'otpkit demo <no-reply@otpkit.localhost>',
    },
    secret: secret ?? randomBytes(32).toString('base64url'),
    secretGenerated: secret === undefined,
    codeTtlSeconds: integer('OTP_CODE_TTL_SECONDS', 300, 1),
    maxAttempts: integer('OTP_MAX_ATTEMPTS', 5, 1),
    resendCooldownSeconds: integer('OTP_RESEND_COOLDOWN_SECONDS', 60, 1),
    redisUrl: value('REDIS_URL'),
    botCheck:
      bot === 'turnstile'
        ? {
            service: 'turnstile',
            // Cloudflare's test keys (developers.cloudflare.com/turnstile/troubleshooting/testing): always passes.
            sitekey: value('TURNSTILE_SITE_KEY') ?? '1x00000000000000000000AA',
            secret: turnstileSecret ?? '1x0000000000000000000000000000000AA',
            simulated: turnstileSecret === undefined,
          }
        : undefined,
    port: integer('PORT', 3000, 0),
    host: value('HOST') ?? '127.0.0.1',
  };
}
