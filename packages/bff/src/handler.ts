import { deriveKeys, type HandlerKeys, hmac, hmacVerify, randomCode, randomId, secretBytes } from './crypto.js';
import { OtpError } from './errors.js';
import { maskRecipient } from './mask.js';
import { memoryStore } from './memory-store.js';
import { readProof, signProof } from './proof.js';
import type {
  HandlerContext,
  LimitRule,
  Locale,
  OtpHandler,
  OtpHandlerOptions,
  OtpLogger,
  OtpStore,
  SendResponse,
  VerificationRecord,
  VerifyResponse,
} from './types.js';
import { checkCode, checkLocale, checkOrigin, checkRecipient, readJsonBody, stringFields } from './validate.js';

/**
 * Records outlive their code by 15 minutes so that a verify after expiry answers 410 expired (and one after a
 * resend 404 not_found) instead of both looking like an unknown id.
 */
const RECORD_GRACE_MS = 15 * 60_000;
const FAILURE_PREFIX = 'f:';
const DAY_MS = 24 * 3600_000;

// The default logger stays quiet on `info` (one line per request is noise in a server's console) and speaks on
// what an operator must act on: outages, bad credentials, a store that is down, bugs.
const consoleLogger: OtpLogger = {
  info() {},
  warn: (message, fields) => console.warn(`[otpkit] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[otpkit] ${message}`, fields ?? ''),
};

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`otpkit: ${name} must be a positive integer (got ${value}).`);
  return n;
}

function limitOption(
  name: string,
  value: { limit: number; windowSeconds: number } | undefined,
  fallback: [number, number],
) {
  return {
    limit: positiveInt(`${name}.limit`, value?.limit, fallback[0]),
    windowMs: positiveInt(`${name}.windowSeconds`, value?.windowSeconds, fallback[1]) * 1000,
  };
}

/** Options checked once at creation: a misconfigured handler fails at boot, not on the first user's request. */
function resolveOptions(options: OtpHandlerOptions) {
  const { provider } = options;
  if (!provider || typeof provider.send !== 'function') throw new Error('otpkit: `provider` is required.');
  if (provider.codeSource !== 'local' && typeof provider.verify !== 'function') {
    throw new Error(`otpkit: provider "${provider.name}" checks codes itself but has no verify().`);
  }
  if (!Number.isInteger(provider.codeLength) || provider.codeLength < 4 || provider.codeLength > 10) {
    throw new Error(`otpkit: provider "${provider.name}" has an invalid codeLength.`);
  }
  if (typeof options.secret !== 'string' && !(options.secret instanceof Uint8Array)) {
    throw new Error('otpkit: `secret` must be a string or Uint8Array of at least 32 bytes.');
  }
  const secret = secretBytes(options.secret);
  if (secret.byteLength < 32) {
    throw new Error(
      `otpkit: \`secret\` must be at least 32 bytes (got ${secret.byteLength}). Use e.g. \`openssl rand -base64 32\`.`,
    );
  }
  const allowedOrigins = new Set(
    (options.allowedOrigins ?? []).map((origin) => {
      try {
        return new URL(origin).origin;
      } catch {
        throw new Error(`otpkit: allowedOrigins entry "${origin}" is not an origin like https://app.example.com.`);
      }
    }),
  );
  for (const prefix of options.allowedCountries ?? []) {
    if (!/^\+[1-9]\d{0,5}$/.test(prefix))
      throw new Error(`otpkit: allowedCountries entry "${prefix}" must look like "+44".`);
  }
  const trustProxy = options.trustProxy ?? false;
  if (typeof trustProxy !== 'boolean' && typeof trustProxy !== 'function') {
    throw new Error('otpkit: `trustProxy` must be a boolean or a function.');
  }
  return {
    provider,
    secret,
    store: options.store ?? memoryStore(),
    ttlMs: positiveInt('codeTtlSeconds', options.codeTtlSeconds, 300) * 1000,
    maxAttempts: positiveInt('maxAttempts', options.maxAttempts, 5),
    maxFailures: positiveInt('maxFailuresPerNumber', options.maxFailuresPerNumber, 10),
    failureWindowMs: positiveInt('failureWindowSeconds', options.failureWindowSeconds, 3600) * 1000,
    cooldownMs: positiveInt('resendCooldownSeconds', options.resendCooldownSeconds, 60) * 1000,
    numberLimit: limitOption('numberLimit', options.numberLimit, [5, 600]),
    ipLimit: limitOption('ipLimit', options.ipLimit, [20, 3600]),
    trustProxy,
    allowedCountries: options.allowedCountries,
    allowedOrigins,
    allowEmail: options.allowEmail ?? false,
    timeoutMs: positiveInt('timeoutMs', options.timeoutMs, 8000),
    proofTtlMs: positiveInt('proofTtlSeconds', options.proofTtlSeconds, 600) * 1000,
    onVerified: options.onVerified,
    logger: options.logger ?? consoleLogger,
    now: options.now ?? Date.now,
  };
}

const json = (body: SendResponse | VerifyResponse): Response =>
  new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The shape randomId() produces. Anything else cannot exist, so it is refused without a store round trip. */
const isVerificationId = (id: string) => /^[A-Za-z0-9_-]{22}$/.test(id);

/** One answer for every id that leads nowhere (unknown, forged, cancelled, another server's), so that none can be
 * told apart. */
const notFound = () => new OtpError('not_found', 'No such verification.');

/** A short description of an unexpected error for the server log (never for the browser). */
const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export function createOtpHandler(options: OtpHandlerOptions): OtpHandler {
  const o = resolveOptions(options);
  const { provider, store, logger } = o;
  // Derived lazily: createOtpHandler stays synchronous, and a failure surfaces on a request (as a 500), not as
  // an unhandled rejection at import time.
  let keys: Promise<HandlerKeys> | undefined;
  const getKeys = () => {
    keys ??= deriveKeys(o.secret);
    return keys;
  };
  let warnedNoIp = false;

  /** Every store call goes through here: a store that is down is a 503, whatever it threw. */
  async function db<T>(call: (s: OtpStore) => Promise<T>): Promise<T> {
    try {
      return await call(store);
    } catch (error) {
      logger.error('store unavailable', { error: describe(error) });
      throw new OtpError('provider_unavailable', 'The verification store is unavailable. Try again shortly.');
    }
  }

  /**
   * Provider calls: OtpErrors pass through; anything else a custom provider throws is a 503. An outage is logged
   * here (the browser only hears "try again"), credential and configuration errors by errorResponse.
   */
  async function upstream<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof OtpError)) {
        logger.error('provider call failed', { provider: provider.name, error: describe(error) });
        throw new OtpError('provider_unavailable', 'The verification provider is unavailable. Try again shortly.');
      }
      if (error.code === 'provider_unavailable') {
        logger.warn('provider unavailable', { provider: provider.name, message: error.message });
      }
      throw error;
    }
  }

  function clientIp(request: Request, context: HandlerContext | undefined): string | undefined {
    if (typeof o.trustProxy === 'function') return o.trustProxy(request) ?? context?.clientIp;
    if (o.trustProxy) {
      // The LAST entry is the one our own proxy appended; everything left of it came from the client.
      const forwarded = request.headers
        .get('x-forwarded-for')
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return forwarded?.at(-1) ?? context?.clientIp;
    }
    return context?.clientIp;
  }

  /** Shared by send and resend: limits, the provider's send, the new record, the 200 body. */
  async function start(to: string, locale: Locale | undefined, resendCount: number, ip: string | undefined) {
    const now = o.now();
    const [failures, recentSends] = await Promise.all([
      db((s) => s.failures(FAILURE_PREFIX + to)),
      db((s) => s.hits(`n:${to}`, now)),
    ]);
    if (failures >= o.maxFailures) {
      // The store does not say when the failure window started; the whole window is an honest upper bound.
      throw new OtpError('rate_limited', 'Too many wrong codes for this recipient. Try again later.', {
        retryAfter: seconds(o.failureWindowMs),
      });
    }
    // The resend gate: closed until the moment we promise as `resendAt`. For EngageLab that is never before the
    // code expires, because it answers 3004 to a second send while a code is still valid.
    // The cooldown doubles with each send to this number inside the per-number window, whether it came through
    // /resend or as a fresh /send (the drop-in's "Send a new code" after expiry is one): a fresh send must not reset
    // it. Capped at a day so a long resend chain cannot overflow a Date.
    const doublings = Math.max(resendCount, recentSends);
    const cooldownMs = Math.min(o.cooldownMs * 2 ** doublings, DAY_MS);
    const waitMs = Math.max(cooldownMs, provider.blocksResendWhileValid ? o.ttlMs : 0);
    const resendAt = now + waitMs;
    const rules: LimitRule[] = [
      { key: `n:${to}`, limit: o.numberLimit.limit, windowMs: o.numberLimit.windowMs },
      { key: `g:${to}`, limit: 1, windowMs: waitMs },
    ];
    if (ip) rules.push({ key: `ip:${ip}`, limit: o.ipLimit.limit, windowMs: o.ipLimit.windowMs });
    else if (!warnedNoIp) {
      warnedNoIp = true;
      logger.warn(
        'no client IP known: the per-IP send limit is skipped. Pass context.clientIp from your adapter or set trustProxy.',
      );
    }
    const taken = await db((s) => s.take(rules, now));
    if (!taken.ok) {
      logger.info('send refused by a limit', { to: maskRecipient(to), limit: taken.key.split(':')[0] });
      throw new OtpError('rate_limited', 'Too many codes requested. Try again later.', {
        retryAfter: seconds(taken.retryAfterMs),
      });
    }

    const id = randomId();
    const code = provider.codeSource === 'local' ? randomCode(provider.codeLength) : undefined;
    let sent: Awaited<ReturnType<typeof provider.send>>;
    try {
      sent = await upstream(() =>
        provider.send({
          to,
          locale,
          code,
          ttlSeconds: o.ttlMs / 1000,
          codeLength: provider.codeLength,
          signal: AbortSignal.timeout(o.timeoutMs),
        }),
      );
    } catch (error) {
      const err = error as OtpError;
      if (err.code === 'rate_limited') {
        // EngageLab 3004: a code is still valid at the provider. Keep our gate closed (it ends when that code
        // can no longer be valid) and tell the browser that wait, since the provider gives none.
        throw err.extra.retryAfter === undefined
          ? new OtpError('rate_limited', err.message, { retryAfter: seconds(resendAt - now) })
          : err;
      }
      // A timeout or 5xx may still have delivered an SMS, so the gate stays closed then. Any other refusal means
      // nothing went out: reopen the gate so the user is not told to wait for a code that never came.
      if (err.code !== 'provider_unavailable') await db((s) => s.release([`g:${to}`]));
      throw err;
    }

    const record: VerificationRecord = {
      id,
      to,
      channel: sent.channel,
      locale,
      messageId: code === undefined ? sent.messageId : undefined,
      codeHash: code === undefined ? undefined : await hmac((await getKeys()).code, `${id}:${code}`),
      codeLength: provider.codeLength,
      createdAt: now,
      expiresAt: now + o.ttlMs,
      resendAt,
      resendCount: doublings,
      attempts: 0,
      maxAttempts: o.maxAttempts,
      verified: false,
    };
    await db((s) => s.create(record, o.ttlMs + RECORD_GRACE_MS));
    logger.info('code sent', { to: maskRecipient(to), channel: sent.channel, provider: provider.name, resendCount });
    return {
      record,
      body: {
        verificationId: id,
        to: maskRecipient(to),
        channel: sent.channel,
        expiresAt: new Date(record.expiresAt).toISOString(),
        resendAt: new Date(resendAt).toISOString(),
        attemptsLeft: Math.max(0, Math.min(o.maxAttempts, o.maxFailures - failures)),
        codeLength: provider.codeLength,
      } satisfies SendResponse,
    };
  }

  async function send(body: unknown, ip: string | undefined): Promise<Response> {
    const fields = stringFields(body, ['to'], ['locale']);
    const locale = checkLocale(fields.locale);
    checkRecipient(fields.to, o.allowEmail);
    if (o.allowedCountries && fields.to.startsWith('+') && !o.allowedCountries.some((p) => fields.to.startsWith(p))) {
      throw new OtpError('forbidden', 'Numbers from this country are not accepted.');
    }
    return json((await start(fields.to, locale, 0, ip)).body);
  }

  async function resend(body: unknown, ip: string | undefined): Promise<Response> {
    const { verificationId } = stringFields(body, ['verificationId']);
    const old = isVerificationId(verificationId) ? await db((s) => s.get(verificationId)) : null;
    if (!old) throw notFound();
    if (old.verified) throw new OtpError('already_verified', 'This verification already succeeded.');
    const now = o.now();
    if (now < old.resendAt) {
      throw new OtpError('rate_limited', 'Wait before requesting a new code.', {
        retryAfter: seconds(old.resendAt - now),
      });
    }
    const { body: fresh } = await start(old.to, old.locale, old.resendCount + 1, ip);
    // The old verification is cancelled: its code must not be usable next to the new one.
    await db((s) => s.delete(verificationId));
    return json(fresh);
  }

  async function verify(body: unknown, request: Request): Promise<Response> {
    const { verificationId, code } = stringFields(body, ['verificationId', 'code']);
    checkCode(code, provider.codeLength);
    if (!isVerificationId(verificationId)) throw notFound();
    const now = o.now();
    const reserved = await db((s) => s.reserveAttempt(verificationId, now, FAILURE_PREFIX, o.maxFailures));
    switch (reserved.status) {
      case 'not_found':
        throw notFound();
      case 'expired':
        throw new OtpError('expired', 'The code has expired. Request a new one.');
      case 'already_verified':
        throw new OtpError('already_verified', 'This verification already succeeded.');
      case 'exhausted': {
        // Retry-After says when a new code can be had: at the resend gate if only this verification's budget is
        // spent, at the end of the failure window (an upper bound: the store does not say when it started) if the
        // number's is.
        const { record } = reserved;
        const numberLocked = (await db((s) => s.failures(FAILURE_PREFIX + record.to))) >= o.maxFailures;
        throw new OtpError('too_many_attempts', 'Too many wrong codes. Request a new one.', {
          retryAfter: seconds(numberLocked ? o.failureWindowMs : record.resendAt - now),
        });
      }
    }
    const { record, failures } = reserved;
    const failureKey = FAILURE_PREFIX + record.to;
    let right: boolean;
    try {
      right =
        provider.codeSource === 'local'
          ? await hmacVerify((await getKeys()).code, record.codeHash ?? '', `${record.id}:${code}`)
          : await upstream(() =>
              // resolveOptions made sure verify exists for provider-checked codes.
              (provider.verify as NonNullable<typeof provider.verify>)({
                messageId: record.messageId ?? '',
                to: record.to,
                code,
                ttlSeconds: o.ttlMs / 1000,
                signal: AbortSignal.timeout(o.timeoutMs),
              }),
            );
    } catch (error) {
      // The attempt stays spent: a timeout is ambiguous (the provider may have checked the code).
      if (error instanceof OtpError && error.code === 'expired') {
        // EngageLab 3003 means "expired OR already verified"; our own record knows which. (A concurrent right
        // guess whose finishAttempt has not landed yet reads as expired here: a wrong word in a race that one
        // browser never runs, since the hook ignores a second verify in flight; never a second success.)
        const current = await db((s) => s.get(verificationId));
        if (current?.verified) throw new OtpError('already_verified', 'This verification already succeeded.');
        if (o.now() < record.expiresAt) {
          logger.warn(
            'the provider says the code expired before our record did: does codeTtlSeconds match the template?',
          );
        }
        throw new OtpError('expired', 'The code has expired. Request a new one.');
      }
      if (error instanceof OtpError && error.code === 'rate_limited' && error.extra.retryAfter === undefined) {
        // UniMTX's LimitExceed (105300) carries no wait, but the contract promises `retryAfter` on every
        // rate_limited. Its rate-limit extension counts per minute at the finest, so a minute is an honest wait.
        throw new OtpError('rate_limited', error.message, { retryAfter: 60 });
      }
      throw error;
    }

    if (!right) {
      await db((s) => s.finishAttempt(verificationId, false, failureKey, o.failureWindowMs));
      const attemptsLeft = Math.max(0, Math.min(record.maxAttempts - record.attempts, o.maxFailures - failures - 1));
      logger.info('wrong code', { to: maskRecipient(record.to), attemptsLeft });
      return json({ verified: false, attemptsLeft });
    }
    if (!(await db((s) => s.finishAttempt(verificationId, true, failureKey, o.failureWindowMs)))) {
      // Two right guesses raced; the other request won and its caller got the proof.
      throw new OtpError('already_verified', 'This verification already succeeded.');
    }
    await o.onVerified?.({ to: record.to, request });
    const verifiedAt = o.now();
    const proof = await signProof((await getKeys()).proof, {
      sub: record.to,
      vid: record.id,
      iat: verifiedAt,
      exp: verifiedAt + o.proofTtlMs,
    });
    logger.info('verified', { to: maskRecipient(record.to) });
    return json({ verified: true, proof });
  }

  const routes = { send, resend, verify } as const;

  function errorResponse(error: unknown): Response {
    if (error instanceof OtpError) {
      if (error.code === 'provider_error') {
        // Credentials or configuration: the operator must hear about it; the browser learns nothing useful to
        // an attacker.
        logger.error('provider rejected the request', { provider: provider.name, message: error.message });
        return new OtpError('provider_error', 'The verification provider rejected the request.').toResponse();
      }
      if (error.code !== 'internal_error') return error.toResponse();
    }
    logger.error('internal error', { error: describe(error) });
    return new OtpError('internal_error', 'Something went wrong.').toResponse();
  }

  return {
    async handle(request, context) {
      try {
        if (request.method !== 'POST') throw new OtpError('method_not_allowed', 'Use POST.');
        const segment = new URL(request.url).pathname.split('/').filter(Boolean).at(-1) ?? '';
        if (!Object.hasOwn(routes, segment)) throw new OtpError('not_found', 'Unknown route.');
        checkOrigin(request, o.allowedOrigins);
        const body = await readJsonBody(request);
        const ip = clientIp(request, context);
        if (segment === 'verify') return await verify(body, request);
        return await routes[segment as 'send' | 'resend'](body, ip);
      } catch (error) {
        return errorResponse(error);
      }
    },

    async verifyProof(proof) {
      try {
        return await readProof((await getKeys()).proof, proof, o.now());
      } catch {
        return null;
      }
    },
  };
}
