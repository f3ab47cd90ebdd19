import type { Locale, ResendRequest, SendRequest, SendResponse } from '../contract.js';
import { hmac, randomCode, randomId } from '../crypto.js';
import { OtpError } from '../errors.js';
import type { ProviderSendResult } from '../providers/types.js';
import type { LimitRule, VerificationRecord } from '../stores/types.js';
import { type Caller, type FlowContext, fromProvider, fromStore, seconds } from './context.js';
import { checkLocale, checkRecipient, isVerificationId, stringFields } from './input.js';
import { FAILURE_PREFIX, gateKey, ipKey, resendWaitMs, sendsKey } from './limits.js';
import { maskRecipient } from './mask.js';

/**
 * Records outlive their code by 15 minutes so that a verify after expiry answers 410 expired (and one after a
 * resend 404 not_found) instead of both looking like an unknown id.
 */
const RECORD_GRACE_MS = 15 * 60_000;

/** One answer for every id that leads nowhere (unknown, forged, cancelled, another server's), so that none can be
 * told apart. */
export const notFound = () => new OtpError('not_found');

/** `POST …/send`: a new verification for `to`. */
export async function send(ctx: FlowContext, input: SendRequest | unknown, caller: Caller = {}): Promise<SendResponse> {
  const fields = stringFields(input, ['to'], ['locale']);
  const locale = checkLocale(fields.locale);
  checkRecipient(fields.to, ctx.config.allowEmail);
  const allowed = ctx.config.allowedCountries;
  if (allowed && fields.to.startsWith('+') && !allowed.some((prefix) => fields.to.startsWith(prefix))) {
    throw new OtpError('forbidden', { message: 'Numbers from this country are not accepted.' });
  }
  return (await start(ctx, { to: fields.to, locale, resendCount: 0 }, caller)).body;
}

/** `POST …/resend`: a new code for an open verification, once its cooldown is over; the old one is cancelled. */
export async function resend(
  ctx: FlowContext,
  input: ResendRequest | unknown,
  caller: Caller = {},
): Promise<SendResponse> {
  const { verificationId } = stringFields(input, ['verificationId']);
  const now = ctx.config.now();
  const old = isVerificationId(verificationId) ? await fromStore(ctx, (s) => s.get({ id: verificationId, now })) : null;
  if (!old) throw notFound();
  if (old.verified) throw new OtpError('already_verified');
  if (now < old.resendAt) {
    throw new OtpError('rate_limited', {
      message: 'Wait before requesting a new code.',
      retryAfter: seconds(old.resendAt - now),
    });
  }
  const { body } = await start(
    ctx,
    { to: old.to, locale: old.locale, resendCount: old.resendCount + 1, previous: old },
    caller,
  );
  // The old verification is cancelled here (its id answers 404 from now on) and, where the provider can, there.
  await fromStore(ctx, (s) => s.delete({ id: verificationId, now }));
  await cancelAtProvider(ctx, old);
  return body;
}

/** Best effort: the old id is already dead here, so a provider that fails to cancel is logged, not fatal. */
async function cancelAtProvider(ctx: FlowContext, old: VerificationRecord): Promise<void> {
  const { provider } = ctx;
  // A same-code provider just re-delivered the old code: cancelling would kill it.
  if (!provider.cancel || provider.resend === 'same-code' || old.messageId === undefined) return;
  const { messageId, to } = old;
  try {
    await fromProvider(ctx, (signal) => provider.cancel?.({ messageId, to, signal }) ?? Promise.resolve());
  } catch {
    ctx.logger.warn('the provider did not cancel a superseded verification', { provider: provider.name });
  }
}

interface StartInput {
  to: string;
  locale: Locale | undefined;
  resendCount: number;
  /** The verification a resend replaces. */
  previous?: VerificationRecord;
}

/** Shared by send and resend: the limits, the provider's send, the new record, the 200 body. */
async function start(ctx: FlowContext, input: StartInput, caller: Caller) {
  const { config, provider } = ctx;
  const { to } = input;
  const now = config.now();
  const [failures, recentSends] = await Promise.all([
    fromStore(ctx, (s) => s.hits({ key: FAILURE_PREFIX + to, now })),
    fromStore(ctx, (s) => s.hits({ key: sendsKey(to), now })),
  ]);
  if (failures >= config.maxFailures) {
    // The store does not say when the failure window started; the whole window is an honest upper bound.
    throw new OtpError('rate_limited', {
      message: 'Too many wrong codes for this recipient. Try again later.',
      retryAfter: seconds(config.failureWindowMs),
    });
  }
  const doublings = Math.max(input.resendCount, recentSends);
  const waitMs = resendWaitMs({
    cooldownMs: config.cooldownMs,
    doublings,
    ttlMs: config.ttlMs,
    blockedWhileValid: provider.resend === 'blocked-while-valid',
  });
  await takeSendLimits(ctx, { to, waitMs, now, clientIp: caller.clientIp });

  const id = randomId();
  const sent = await deliver(ctx, { id, to, locale: input.locale, waitMs, now });
  // A same-code provider re-sent a code that lives no longer than it did before.
  const sameCode = provider.resend === 'same-code' && input.previous?.messageId === sent.messageId;
  const record: VerificationRecord = {
    id,
    to,
    channel: sent.channel,
    locale: input.locale,
    messageId: sent.codeHash === undefined ? sent.messageId : undefined,
    codeHash: sent.codeHash,
    codeLength: provider.codeLength,
    createdAt: now,
    expiresAt: sameCode && input.previous ? input.previous.expiresAt : now + config.ttlMs,
    resendAt: now + waitMs,
    resendCount: doublings,
    attempts: 0,
    maxAttempts: config.maxAttempts,
    verified: false,
  };
  await fromStore(ctx, (s) => s.create({ record, ttlMs: record.expiresAt - now + RECORD_GRACE_MS, now }));
  ctx.logger.info('code sent', {
    to: maskRecipient(to),
    channel: sent.channel,
    provider: provider.name,
    resendCount: input.resendCount,
  });
  const body: SendResponse = {
    verificationId: id,
    to: maskRecipient(to),
    channel: sent.channel,
    expiresAt: new Date(record.expiresAt).toISOString(),
    resendAt: new Date(record.resendAt).toISOString(),
    attemptsLeft: Math.max(0, Math.min(config.maxAttempts, config.maxFailures - failures)),
    codeLength: provider.codeLength,
  };
  return { record, body };
}

/** Counts the send on every limit that applies, all or nothing; refuses with the longest wait. */
async function takeSendLimits(
  ctx: FlowContext,
  input: { to: string; waitMs: number; now: number; clientIp: string | undefined },
): Promise<void> {
  const { config, logger } = ctx;
  const rules: LimitRule[] = [
    { key: sendsKey(input.to), limit: config.numberLimit.limit, windowMs: config.numberLimit.windowMs },
    { key: gateKey(input.to), limit: 1, windowMs: input.waitMs },
  ];
  if (input.clientIp)
    rules.push({ key: ipKey(input.clientIp), limit: config.ipLimit.limit, windowMs: config.ipLimit.windowMs });
  else if (!ctx.warned.has('no-ip')) {
    ctx.warned.add('no-ip');
    logger.warn(
      'no client IP known: the per-IP send limit is skipped. Pass context.clientIp from your adapter or set trustProxy.',
    );
  }
  const taken = await fromStore(ctx, (s) => s.take({ rules, now: input.now }));
  if (!taken.ok) {
    logger.info('send refused by a limit', { to: maskRecipient(input.to), limit: taken.key.split(':')[0] });
    throw new OtpError('rate_limited', {
      message: 'Too many codes requested. Try again later.',
      retryAfter: seconds(taken.retryAfterMs),
    });
  }
}

/** The provider's send, and for a locally checked code its keyed hash. */
async function deliver(
  ctx: FlowContext,
  input: { id: string; to: string; locale: Locale | undefined; waitMs: number; now: number },
): Promise<ProviderSendResult & { codeHash?: string }> {
  const { provider, config } = ctx;
  const common = {
    to: input.to,
    locale: input.locale,
    ttlSeconds: config.ttlMs / 1000,
    codeLength: provider.codeLength,
  };
  try {
    if (provider.codeSource === 'local') {
      const code = randomCode(provider.codeLength);
      const sent = await fromProvider(ctx, (signal) => provider.send({ ...common, code, signal }));
      return { ...sent, codeHash: await hmac((await ctx.keys()).code, `${input.id}:${code}`) };
    }
    return await fromProvider(ctx, (signal) => provider.send({ ...common, signal }));
  } catch (error) {
    const err = error as OtpError;
    if (err.code === 'rate_limited') {
      // The provider's own frequency limit. Our gate stays closed (it ends when a code sent now could no longer be
      // valid); the browser is told the longer of the provider's wait and ours.
      throw new OtpError('rate_limited', {
        message: err.message,
        retryAfter: Math.max(err.retryAfter ?? 0, seconds(input.waitMs)),
        cause: err,
      });
    }
    // A timeout or 5xx may still have delivered a message, so the gate stays closed then. Any other refusal means
    // nothing went out: reopen the gate so the user is not told to wait for a code that never came.
    if (err.code !== 'provider_unavailable') {
      await fromStore(ctx, (s) => s.release({ keys: [gateKey(input.to)], now: input.now }));
    }
    throw err;
  }
}
