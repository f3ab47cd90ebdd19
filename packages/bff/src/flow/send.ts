import type { Channel, Locale, ResendRequest, SendRequest, SendResponse } from '../contract.js';
import { hmac, randomCode, randomId } from '../crypto.js';
import { OtpError } from '../errors.js';
import type { ProviderSendResult } from '../providers/types.js';
import { type LimitRule, recipientKey, shardHash, shardTag, type VerificationRecord } from '../stores/types.js';
import { checkBot } from './bot-check.js';
import {
  type Caller,
  DEFAULT_PURPOSE,
  type FlowContext,
  fromProvider,
  fromStore,
  type PurposePolicy,
  seconds,
} from './context.js';
import { emit, type SendRefusedReason } from './events.js';
import { checkChannel, checkLocale, isVerificationId, stringFields } from './input.js';
import { ipBucket } from './ip.js';
import {
  DAILY_FAILURE_PREFIX,
  DAY_MS,
  dailySendsKey,
  FAILURE_PREFIX,
  gateKey,
  ipKey,
  messageKey,
  resendWaitMs,
  sendsKey,
} from './limits.js';
import { maskRecipient } from './mask.js';
import { type PhoneType, parseRecipient, type Recipient, TYPE_REFUSED } from './recipient.js';

/**
 * Records outlive their code by 15 minutes so that a verify after expiry answers 410 expired (and one after a
 * resend 404 not_found) instead of both looking like an unknown id.
 */
const RECORD_GRACE_MS = 15 * 60_000;

/** One answer for every id that leads nowhere (unknown, forged, cancelled, another server's), so that none can be
 * told apart. */
export const notFound = () => new OtpError('not_found');

/** The purpose a send names, checked against the handler's; a send that names none is for `default`. */
function checkPurpose(ctx: FlowContext, purpose: string | undefined): string {
  const name = purpose ?? DEFAULT_PURPOSE;
  if (ctx.config.purposes.has(name)) return name;
  throw new OtpError('invalid_request', {
    message:
      purpose === undefined
        ? '"purpose" is required: this server verifies for named purposes only.'
        : '"purpose" is not one this server verifies for.',
  });
}

/** A purpose's policy; a record whose purpose was removed from the options since falls back to the handler's. */
export function policyOf(ctx: FlowContext, purpose: string | undefined): PurposePolicy {
  return ctx.config.purposes.get(purpose ?? DEFAULT_PURPOSE) ?? ctx.config;
}

// Why each refusal happened, for its `send_refused` event: tagged where the refusal is decided (a rate limit alone
// does not say which one), read where the event is emitted.
const reasons = new WeakMap<object, SendRefusedReason>();
const tagged = <E extends object>(reason: SendRefusedReason, error: E): E => {
  reasons.set(error, reason);
  return error;
};
function refusalReason(error: unknown): SendRefusedReason {
  const reason = typeof error === 'object' && error !== null ? reasons.get(error) : undefined;
  if (reason) return reason;
  switch (error instanceof OtpError ? error.code : undefined) {
    case 'invalid_phone':
      return 'invalid_recipient';
    case 'forbidden':
      return 'country_not_allowed';
    case 'bot_check_failed':
      return 'bot_check';
    case 'rate_limited':
      return 'provider_rate_limited';
    case 'undeliverable':
      return 'undeliverable';
    case 'channel_unavailable':
      return 'channel_unavailable';
    case 'provider_error':
      return 'provider_error';
    default:
      return 'unavailable';
  }
}

/** `POST …/send`: a new verification for `to`. */
export async function send(ctx: FlowContext, input: SendRequest | unknown, caller: Caller = {}): Promise<SendResponse> {
  const fields = stringFields(input, ['to'], ['locale', 'purpose', 'channel', 'botToken']);
  const locale = checkLocale(fields.locale);
  const channel = checkChannel(fields.channel);
  const purpose = checkPurpose(ctx, fields.purpose);
  let recipient: Recipient | undefined;
  let invalid: unknown;
  try {
    recipient = recipientOf(ctx, fields.to);
  } catch (error) {
    invalid = error;
  }
  const to = recipient && maskRecipient(recipient.to);
  const requested = { at: ctx.config.now(), purpose, resend: false, ...(to === undefined ? {} : { to }) };
  emit(ctx, { type: 'send_requested', ...requested });
  try {
    if (!recipient) throw invalid;
    const { record, body, provider } = await start(
      ctx,
      { recipient, locale, purpose, channel, resendCount: 0, botToken: fields.botToken },
      caller,
    );
    emit(ctx, {
      type: 'sent',
      provider,
      at: record.createdAt,
      purpose,
      to: body.to,
      verificationId: record.id,
      channel: record.channel,
    });
    return body;
  } catch (error) {
    emit(ctx, { type: 'send_refused', ...requested, at: ctx.config.now(), reason: refusalReason(error) });
    throw error;
  }
}

/** `POST …/resend`: a new code for an open verification, once its cooldown is over; the old one is cancelled. */
export async function resend(
  ctx: FlowContext,
  input: ResendRequest | unknown,
  caller: Caller = {},
): Promise<SendResponse> {
  const fields = stringFields(input, ['verificationId'], ['channel', 'botToken']);
  const { verificationId, botToken } = fields;
  const channel = checkChannel(fields.channel);
  const now = ctx.config.now();
  const old = isVerificationId(verificationId) ? await fromStore(ctx, (s) => s.get({ id: verificationId, now })) : null;
  if (!old) throw notFound();
  if (old.verified) throw new OtpError('already_verified');
  const purpose = old.purpose ?? DEFAULT_PURPOSE;
  const requested = { at: now, purpose, resend: true, to: maskRecipient(old.to) };
  emit(ctx, { type: 'send_requested', ...requested });
  let started: Awaited<ReturnType<typeof start>>;
  try {
    if (now < old.resendAt) {
      throw tagged(
        'resend_cooldown',
        new OtpError('rate_limited', {
          message: 'Wait before requesting a new code.',
          retryAfter: seconds(old.resendAt - now),
        }),
      );
    }
    // The stored recipient is canonical already; parsing it again applies today's country and type rules.
    const recipient = recipientOf(ctx, old.to);
    started = await start(
      ctx,
      { recipient, locale: old.locale, purpose, channel, resendCount: old.resendCount + 1, previous: old, botToken },
      caller,
    );
  } catch (error) {
    emit(ctx, { type: 'send_refused', ...requested, at: ctx.config.now(), reason: refusalReason(error) });
    throw error;
  }
  const { record, body, provider } = started;
  emit(ctx, {
    type: 'resent',
    provider,
    at: record.createdAt,
    purpose,
    to: body.to,
    verificationId: record.id,
    previousVerificationId: old.id,
    channel: record.channel,
    resendCount: record.resendCount,
  });
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

/**
 * The recipient as the limits and the record know it: parsed (libphonenumber-js) and canonical. A configured test
 * number is taken as written: it may be a fictional number that no country's plan holds.
 */
function recipientOf(ctx: FlowContext, raw: string): Recipient {
  const { config } = ctx;
  if (config.testNumbers.has(raw)) return { kind: 'phone', to: raw, key: raw, country: '001', type: 'UNKNOWN' };
  try {
    return parseRecipient(raw, {
      allowEmail: config.allowEmail,
      allowedCountries: config.allowedCountries,
      deniedCountries: config.deniedCountries,
      refusedTypes: config.refusedNumberTypes as readonly PhoneType[],
    });
  } catch (error) {
    throw error instanceof OtpError && error.message === TYPE_REFUSED ? tagged('number_type_refused', error) : error;
  }
}

/** A channel asked for must fit the recipient (e-mail for an address, a phone channel for a number) and be one the
 * provider can be asked for: refused before any limit is counted, so a wrong ask costs nothing. */
function checkProviderChannel(ctx: FlowContext, recipient: Recipient, channel: Channel | undefined): void {
  if (channel === undefined) return;
  const fits = (channel === 'email') === (recipient.kind === 'email');
  if (fits && (ctx.provider.channels ?? []).includes(channel)) return;
  throw new OtpError('channel_unavailable', {
    message: fits
      ? `This server cannot send a code by ${channel}.`
      : `A code for ${recipient.kind === 'email' ? 'an e-mail address' : 'a phone number'} cannot go by ${channel}.`,
  });
}

/** The app's own rule: an OtpError it throws refuses the send as it is; anything else is a bug (500). */
async function beforeSend(ctx: FlowContext, event: Parameters<NonNullable<FlowContext['config']['beforeSend']>>[0]) {
  try {
    await ctx.config.beforeSend?.(event);
  } catch (error) {
    throw error instanceof OtpError ? tagged('before_send', error) : error;
  }
}

interface StartInput {
  recipient: Recipient;
  locale: Locale | undefined;
  purpose: string;
  /** The channel asked for; unset: the provider's default. */
  channel?: Channel | undefined;
  resendCount: number;
  /** The verification a resend replaces. */
  previous?: VerificationRecord;
  /** The bot-check widget's token, when the request carried one. */
  botToken: string | undefined;
}

/** Shared by send and resend: the limits, the provider's send, the new record, the 200 body. */
async function start(ctx: FlowContext, input: StartInput, caller: Caller) {
  const { config, provider } = ctx;
  const { recipient } = input;
  // E-mail codes go to the mailbox's canonical address (case, +tag and ignored dots folded): the same inbox.
  const to = recipient.key;
  const policy = policyOf(ctx, input.purpose);
  // First, before the app's rule, any counter or the provider: a request without a solved challenge spends nothing.
  const action = input.previous ? 'resend' : 'send';
  await checkBot(ctx, input.botToken, { clientIp: caller.clientIp, action, purpose: input.purpose });
  const now = config.now();
  checkProviderChannel(ctx, recipient, input.channel);
  // Only when the app has the hook: reading `request` builds it (see RequestHead).
  if (config.beforeSend)
    await beforeSend(ctx, {
      to,
      kind: recipient.kind,
      country: recipient.kind === 'phone' ? recipient.country : undefined,
      type: recipient.kind === 'phone' ? recipient.type : undefined,
      purpose: input.purpose,
      resend: input.previous !== undefined,
      clientIp: caller.clientIp,
      request: caller.request,
    });
  // The recipient's shard tag, then 128 random bits: a sharded store keeps the record beside its counters.
  const id = shardTag(to) + randomId();
  // A code checked here (made here, or a test number's fixed one) exists before the provider is called, and so does
  // its record: the same store call as the limits saves it, and the send costs one round trip. A provider's code
  // is known by the message id it answers with: its record is saved after.
  const code =
    config.testNumbers.get(to) ?? (provider.codeSource === 'local' ? randomCode(provider.codeLength) : undefined);
  const draft: VerificationRecord = {
    id,
    to,
    channel: input.channel ?? (recipient.kind === 'email' ? 'email' : 'sms'),
    locale: input.locale,
    // Absent means the default purpose (every reader says `?? DEFAULT_PURPOSE`): one field less in every record.
    purpose: input.purpose === DEFAULT_PURPOSE ? undefined : input.purpose,
    messageId: undefined,
    codeHash: code === undefined ? undefined : await hmac((await ctx.keys()).code, `${id}:${code}`),
    codeLength: provider.codeLength,
    createdAt: now,
    expiresAt: now + policy.ttlMs,
    // Decided by the store with the gate (see TakeCreate.resendBy); the same values come back below.
    resendAt: now,
    resendCount: input.resendCount,
    attempts: 0,
    maxAttempts: policy.maxAttempts,
    verified: false,
  };
  // One store call before the provider: the recipient's lock, every send limit, and the resend gate, whose window
  // the store picks by the sends of the day it counts in the same step (and the record, when it is whole).
  const { failures, dailyFailures, doublings, waitMs } = await takeSendLimits(ctx, {
    recipient,
    resendCount: input.resendCount,
    ttlMs: policy.ttlMs,
    now,
    clientIp: caller.clientIp,
    create: code === undefined ? undefined : { record: draft, ttlMs: draft.expiresAt - now + RECORD_GRACE_MS },
  });

  const sent = await deliver(ctx, {
    id,
    to,
    code,
    saved: code !== undefined,
    channel: input.channel,
    locale: input.locale,
    purpose: input.purpose,
    ttlMs: policy.ttlMs,
    waitMs,
    now,
  });
  // A same-code provider re-sent a code that lives no longer than it did before.
  const sameCode =
    code === undefined && provider.resend === 'same-code' && input.previous?.messageId === sent.messageId;
  const record: VerificationRecord = {
    ...draft,
    channel: sent.channel,
    messageId: code === undefined ? sent.messageId : undefined,
    expiresAt: sameCode && input.previous ? input.previous.expiresAt : draft.expiresAt,
    resendAt: now + waitMs,
    resendCount: doublings,
  };
  const ttlMs = record.expiresAt - now + RECORD_GRACE_MS;
  // Saved now: a provider's code, or (rarely) a local one that went by another channel than the one assumed.
  if (code === undefined || record.channel !== draft.channel)
    await fromStore(ctx, (s) => s.create({ record, ttlMs, now }));
  if (config.trackDelivery && sent.messageId) {
    // Marks the message id as ours for as long as the record lives, so that a delivery callback can tell our
    // messages from unknown ones (see flow/delivery.ts). A same-code resend finds the mark already there.
    const rule = { key: messageKey(sent.messageId), limit: 1, windowMs: ttlMs };
    await fromStore(ctx, (s) => s.take({ rules: [rule], now }));
  }
  ctx.logger.info('code sent', {
    to: maskRecipient(to),
    channel: sent.channel,
    provider: sent.servedBy ?? provider.name,
    resendCount: input.resendCount,
  });
  const body: SendResponse = {
    verificationId: id,
    to: maskRecipient(to),
    channel: sent.channel,
    expiresAt: new Date(record.expiresAt).toISOString(),
    resendAt: new Date(record.resendAt).toISOString(),
    attemptsLeft: Math.max(
      0,
      Math.min(policy.maxAttempts, config.maxFailures - failures, config.maxFailuresPerDay - dailyFailures),
    ),
    codeLength: provider.codeLength,
  };
  return { record, body, provider: sent.servedBy ?? provider.name };
}

/** The event reason for each limit's key prefix (see limits.ts). */
const REFUSAL_BY_LIMIT: Record<string, SendRefusedReason> = {
  fw: 'recipient_locked',
  fd: 'recipient_locked',
  g: 'resend_cooldown',
  ip: 'ip_limit',
  n: 'number_limit',
  sb: 'send_budget',
  cb: 'country_budget',
  pv: 'prefix_velocity',
};

/** The budgets that stop SMS pumping: all sends together, per country, and per block of neighbouring numbers. */
function budgetRules(config: FlowContext['config'], recipient: Recipient, shards: number): LimitRule[] {
  const { sendBudget, countryBudget, prefixVelocity } = config;
  // On a sharded store, the counters every send touches are split by the recipient's shard (see counterShards).
  const piece = shards > 1 ? `:${shardHash(recipient.key) % shards}` : '';
  const share = (limit: number) => (shards > 1 ? Math.ceil(limit / shards) : limit);
  const rules: LimitRule[] = [
    { key: `sb:h${piece}`, limit: share(sendBudget.perHour), windowMs: 3600_000 },
    { key: `sb:d${piece}`, limit: share(sendBudget.perDay), windowMs: 24 * 3600_000 },
  ];
  if (recipient.kind === 'phone') {
    const perCountry = countryBudget.perCountry[recipient.country] ?? countryBudget.default;
    rules.push(
      { key: `cb:${recipient.country}${piece}`, limit: share(perCountry), windowMs: 3600_000 },
      {
        key: `pv:${recipient.to.slice(0, -prefixVelocity.digits)}`,
        limit: prefixVelocity.limit,
        windowMs: prefixVelocity.windowMs,
      },
    );
  }
  return rules;
}

/**
 * Counts the send on every limit that applies, all or nothing, in one store call; refuses with the longest wait.
 * The recipient's wrong-code budgets are judged there too (peeked: verify counts them), and the resend gate's
 * window doubles with the sends of the day, chosen by the store from the day's count in the same atomic step (two
 * concurrent sends cannot both see the shorter cooldown).
 */
async function takeSendLimits(
  ctx: FlowContext,
  input: {
    recipient: Recipient;
    resendCount: number;
    ttlMs: number;
    now: number;
    clientIp: string | undefined;
    /** The new verification's record, when it is whole already (a code checked here): saved by the same take. */
    create: { record: VerificationRecord; ttlMs: number } | undefined;
  },
): Promise<{ failures: number; dailyFailures: number; doublings: number; waitMs: number }> {
  const { config, logger, provider } = ctx;
  const to = input.recipient.key;
  const daily = dailySendsKey(to);
  const wait = (sendsToday: number) =>
    resendWaitMs({
      cooldownMs: config.cooldownMs,
      doublings: Math.max(input.resendCount, sendsToday),
      ttlMs: input.ttlMs,
      blockedWhileValid: provider.resend === 'blocked-while-valid',
    });
  // The gate's window for 0, 1, 2 … sends today, up to where it stops growing (the cap of a day).
  const windowsMs = Array.from({ length: 64 }, (_, n) => wait(n));
  while (windowsMs.length > 1 && windowsMs.at(-1) === windowsMs.at(-2)) windowsMs.pop();
  const failures: LimitRule = {
    key: FAILURE_PREFIX + recipientKey(to),
    limit: config.maxFailures,
    windowMs: config.failureWindowMs,
    peek: true,
  };
  const dailyFailures: LimitRule = {
    key: DAILY_FAILURE_PREFIX + recipientKey(to),
    limit: config.maxFailuresPerDay,
    windowMs: DAY_MS,
    peek: true,
  };
  // Counts only (no limit): the doublings of the resend cooldown, over a day.
  const sendsToday: LimitRule = { key: daily, limit: Number.POSITIVE_INFINITY, windowMs: DAY_MS };
  const gate: LimitRule = { key: gateKey(to), limit: 1, windowMs: 0, windowBy: { by: daily, windowsMs } };
  const rules: LimitRule[] = [
    failures,
    dailyFailures,
    sendsToday,
    gate,
    { key: sendsKey(to), limit: config.numberLimit.limit, windowMs: config.numberLimit.windowMs },
    ...budgetRules(config, input.recipient, ctx.store.counterShards ?? 1),
  ];
  if (input.clientIp)
    rules.push({
      key: ipKey(ipBucket(input.clientIp)),
      limit: config.ipLimit.limit,
      windowMs: config.ipLimit.windowMs,
    });
  else if (!ctx.warned.has('no-ip')) {
    ctx.warned.add('no-ip');
    logger.warn(
      'no client IP known: the per-IP send limit is skipped. Pass context.clientIp from your adapter or set trustProxy.',
    );
  }
  const create = input.create && { ...input.create, resendBy: gate.key };
  const taken = await fromStore(ctx, (s) => s.take({ rules, now: input.now, create }));
  if (!taken.ok) {
    const limit = taken.key.split(':')[0] ?? '';
    const reason = REFUSAL_BY_LIMIT[limit] ?? 'number_limit';
    if (reason === 'send_budget') {
      // Every recipient is refused now: the operator must look (pumping, or a budget set too low for real traffic).
      logger.error('the global send budget is spent: every send is refused until its window ends', {
        window: taken.key,
        retryAfterSeconds: seconds(taken.retryAfterMs),
      });
    } else logger.info('send refused by a limit', { to: maskRecipient(to), limit });
    throw tagged(
      reason,
      new OtpError('rate_limited', {
        message:
          reason === 'recipient_locked'
            ? 'Too many wrong codes for this recipient. Try again later.'
            : 'Too many codes requested. Try again later.',
        retryAfter: seconds(taken.retryAfterMs),
      }),
    );
  }
  const held = (rule: LimitRule) => taken.hits[rules.indexOf(rule)] ?? 0;
  return {
    failures: held(failures),
    dailyFailures: held(dailyFailures),
    doublings: Math.max(input.resendCount, held(sendsToday)),
    waitMs: taken.windowsMs[rules.indexOf(gate)] ?? wait(held(sendsToday)),
  };
}

/** The provider's send, and for a locally checked code its keyed hash. */
async function deliver(
  ctx: FlowContext,
  input: {
    id: string;
    to: string;
    /** The code to deliver when it is made here (a local code, a test number's); else the provider makes it. */
    code: string | undefined;
    /** Whether the record is saved already (with the limits): a failed send removes it. */
    saved: boolean;
    channel: Channel | undefined;
    locale: Locale | undefined;
    purpose: string;
    ttlMs: number;
    waitMs: number;
    now: number;
  },
): Promise<ProviderSendResult> {
  const { provider } = ctx;
  const common = {
    to: input.to,
    locale: input.locale,
    ttlSeconds: input.ttlMs / 1000,
    codeLength: provider.codeLength,
    purpose: input.purpose,
    channel: input.channel,
  };
  if (ctx.config.testNumbers.has(input.to)) {
    // Never reaches the provider: the code is the configured one, checked here like a locally generated one.
    ctx.logger.warn('test number: no message sent, the fixed code applies', { to: maskRecipient(input.to) });
    return { messageId: 'test-number', channel: 'sms' };
  }
  try {
    const { code } = input;
    if (provider.codeSource !== 'local')
      return await fromProvider(ctx, (signal) => provider.send({ ...common, signal }));
    // Made (and its hash saved) in start: a code made here would not be the one the record knows.
    if (code === undefined) throw new Error('otpkit: a locally checked code is made before its send');
    return await fromProvider(ctx, (signal) => provider.send({ ...common, code, signal }));
  } catch (error) {
    const err = error as OtpError;
    if (err.code === 'rate_limited') {
      // The provider's own frequency limit. Our gate stays closed (it ends when a code sent now could no longer be
      // valid); the browser is told the longer of the provider's wait and ours.
      if (input.saved) await fromStore(ctx, (s) => s.delete({ id: input.id, now: input.now }));
      throw tagged(
        'provider_rate_limited',
        new OtpError('rate_limited', {
          message: err.message,
          retryAfter: Math.max(err.retryAfter ?? 0, seconds(input.waitMs)),
          cause: err,
        }),
      );
    }
    // The provider failed: reopen the gate, so the user who was told "try again" can, instead of waiting out a
    // code lifetime for a code that most likely never came. (A timeout or 5xx may still have delivered one; a second
    // message is the lesser harm. The send still counts against the per-number limit and doubles the next cooldown,
    // so retries stay bounded.)
    await fromStore(ctx, (s) => s.release({ keys: [gateKey(input.to)], now: input.now }));
    // A record saved with the limits leads nowhere now: its id never reaches the browser.
    if (input.saved) await fromStore(ctx, (s) => s.delete({ id: input.id, now: input.now }));
    throw err;
  }
}
