import { randomBytes } from 'node:crypto';

/** The demo's environment variables (docs/http-contract.md, "Server configuration"), read and checked. */
export interface DemoConfig {
  provider: 'engagelab' | 'engagelab-custom' | 'unimtx';
  /** True when no credentials are set: the built-in EngageLab simulator answers instead of the real API. */
  simulator: boolean;
  engagelab: { devKey: string; devSecret: string; templateId: string; baseUrl?: string | undefined };
  unimtx: { accessKeyId: string; accessKeySecret?: string | undefined; baseUrl?: string | undefined };
  secret: string;
  /** Set when OTP_SECRET was not: the caller prints the warning. */
  secretGenerated: boolean;
  codeTtlSeconds: number;
  maxAttempts: number;
  resendCooldownSeconds: number;
  redisUrl?: string | undefined;
  port: number;
  host: string;
}

const PROVIDERS = ['engagelab', 'engagelab-custom', 'unimtx'] as const;

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

  let simulator = false;
  if (chosen === 'unimtx') {
    // There is no UniMTX simulator in the demo: asking for UniMTX without a key is a mistake, not a demo mode.
    if (!hasUnimtx)
      throw new ConfigError('OTP_PROVIDER=unimtx needs UNIMTX_ACCESS_KEY_ID (and usually UNIMTX_ACCESS_KEY_SECRET).');
  } else if (hasEngageLab) {
    for (const name of ['ENGAGELAB_DEV_KEY', 'ENGAGELAB_DEV_SECRET', 'ENGAGELAB_TEMPLATE_ID']) {
      if (value(name) === undefined) throw new ConfigError(`${name} is required when EngageLab credentials are set.`);
    }
  } else {
    simulator = true;
  }

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
    secret: secret ?? randomBytes(32).toString('base64url'),
    secretGenerated: secret === undefined,
    codeTtlSeconds: integer('OTP_CODE_TTL_SECONDS', 300, 1),
    maxAttempts: integer('OTP_MAX_ATTEMPTS', 5, 1),
    resendCooldownSeconds: integer('OTP_RESEND_COOLDOWN_SECONDS', 60, 1),
    redisUrl: value('REDIS_URL'),
    port: integer('PORT', 3000, 0),
    host: value('HOST') ?? '127.0.0.1',
  };
}
