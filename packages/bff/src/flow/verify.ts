import type { VerifyRequest, VerifyResponse } from '../contract.js';
import { hmac, hmacVerify } from '../crypto.js';
import { OtpError } from '../errors.js';
import type { VerificationRecord } from '../stores/types.js';
import { type Caller, DEFAULT_PURPOSE, type FlowContext, fromProvider, fromStore, seconds } from './context.js';
import { emit } from './events.js';
import { checkCode, isVerificationId, stringFields } from './input.js';
import { failureBudgets, GATE_PREFIX } from './limits.js';
import { maskRecipient } from './mask.js';
import { signProof } from './proof.js';
import { notFound, policyOf } from './send.js';

/** The fields every verify event of `record` carries. */
const about = (record: VerificationRecord, at: number) => ({
  at,
  purpose: record.purpose ?? DEFAULT_PURPOSE,
  to: maskRecipient(record.to),
  verificationId: record.id,
});

/** `POST …/verify`: checks a code against an open verification; a right one earns a signed proof. */
export async function verify(
  ctx: FlowContext,
  input: VerifyRequest | unknown,
  caller: Caller = {},
): Promise<VerifyResponse> {
  const { config, logger } = ctx;
  const { verificationId, code } = stringFields(input, ['verificationId', 'code']);
  checkCode(code, ctx.provider.codeLength);
  if (!isVerificationId(verificationId)) throw notFound();
  const now = config.now();
  const budgets = failureBudgets(config);
  // A code we may check ourselves (a local one, or a test number's): its keyed hash goes to the store, which
  // compares it in the same step, so a right code costs one store call and a wrong one too.
  const guess =
    ctx.provider.codeSource === 'local' || config.testNumbers.size > 0
      ? await hmac((await ctx.keys()).code, `${verificationId}:${code}`)
      : undefined;
  // The guess counts as wrong on the recipient's budgets from here on, until it proves right (markVerified, or the
  // store's own comparison) or cannot be checked (refundAttempt): the same atomic step reserves the attempt. The step
  // that leaves this code no guess (right, or its last attempt) also reopens the resend gate (`reopen`): "Send a new
  // code" must work at once, not after a cooldown that protected a code now dead (the recipient's failure budgets,
  // checked by every send, still bound the guesses), and a used code need not hold back a new one (another purpose,
  // another tab). So a verify costs one store call, or two around a provider's check.
  const reopen = [GATE_PREFIX];
  const reserved = await fromStore(ctx, (s) =>
    s.reserveAttempt({ id: verificationId, budgets, now, codeHash: guess, reopen }),
  );
  switch (reserved.status) {
    case 'verified':
      return succeed(ctx, reserved.record, caller);
    case 'not_found':
      throw notFound();
    case 'expired':
      emit(ctx, { type: 'verify_expired', ...about(reserved.record, now) });
      throw new OtpError('expired');
    case 'already_verified':
      throw new OtpError('already_verified');
    case 'exhausted': {
      // Retry-After says when a new code can be had: at the resend gate if only this verification's budget is
      // spent, when the recipient's budgets have room again if one of them is full.
      const numberLocked = reserved.retryAfterMs > 0;
      emit(ctx, {
        type: 'verify_locked',
        ...about(reserved.record, now),
        scope: numberLocked ? 'recipient' : 'verification',
      });
      throw new OtpError('too_many_attempts', {
        message: 'Too many wrong codes. Request a new one.',
        retryAfter: seconds(numberLocked ? reserved.retryAfterMs : newCodeWaitMs(ctx, reserved.record, now)),
      });
    }
  }
  const { record, failuresLeft } = reserved;
  // The attempt stays spent whatever happens next: a timeout is ambiguous (the provider may have checked the code).
  let right: boolean;
  try {
    // A local code's hash was compared by the store already: reserved means wrong.
    right = guess !== undefined && record.codeHash !== undefined ? false : await isRightCode(ctx, record, code);
  } catch (error) {
    if (error instanceof OtpError && error.code === 'expired') {
      emit(ctx, { type: 'verify_expired', ...about(record, config.now()) });
    }
    // No answer about the code reached the caller, so the guess taught nothing: its failure goes back to the
    // recipient's budgets. A store that fails here too has been logged; the provider's error is the answer.
    await fromStore(ctx, (s) => s.refundAttempt({ id: verificationId, budgets, now })).catch(() => {});
    throw error;
  }
  if (!right) {
    // Already counted on the recipient's budgets by reserveAttempt.
    const attemptsLeft = Math.max(0, Math.min(record.maxAttempts - record.attempts, failuresLeft));
    logger.info('wrong code', { to: maskRecipient(record.to), attemptsLeft });
    emit(ctx, { type: 'verify_wrong', ...about(record, now), attemptsLeft });
    return { verified: false, attemptsLeft };
  }
  if (!(await fromStore(ctx, (s) => s.markVerified({ id: verificationId, budgets, now, reopen })))) {
    // Two right guesses raced; the other request won and its caller got the proof (and the winner's refund). This
    // guess was right too: its failure goes back as well.
    await fromStore(ctx, (s) => s.refundAttempt({ id: verificationId, budgets, now }));
    throw new OtpError('already_verified');
  }
  return succeed(ctx, record, caller);
}

/** A right code: the app's hook, then the proof. */
async function succeed(ctx: FlowContext, record: VerificationRecord, caller: Caller): Promise<VerifyResponse> {
  const { config, logger } = ctx;
  await config.onVerified?.({ to: record.to, request: caller.request });
  // JWT times are whole seconds.
  const iat = Math.floor(config.now() / 1000);
  const purpose = record.purpose ?? DEFAULT_PURPOSE;
  const proof = await signProof(
    await ctx.proofKeys(),
    { sub: record.to, purpose, jti: record.id, iat, exp: iat + policyOf(ctx, purpose).proofTtlMs / 1000 },
    config.proofIdentity,
  );
  logger.info('verified', { to: maskRecipient(record.to) });
  emit(ctx, { type: 'verified', ...about(record, config.now()) });
  return { verified: true, proof };
}

/** When a new code can be had after this verification ran out of attempts: at once, unless the provider refuses a
 * second code while this one is valid. */
function newCodeWaitMs(ctx: FlowContext, record: VerificationRecord, now: number): number {
  return ctx.provider.resend === 'blocked-while-valid' ? Math.max(0, record.expiresAt - now) : 0;
}

/** Asks whoever checks the code: our own hash, or the provider. */
async function isRightCode(ctx: FlowContext, record: VerificationRecord, code: string): Promise<boolean> {
  const { provider } = ctx;
  // A locally generated code, or a test number's fixed one (whatever the provider): our own keyed hash.
  if (record.codeHash !== undefined || provider.codeSource === 'local') {
    return hmacVerify((await ctx.keys()).code, record.codeHash ?? '', `${record.id}:${code}`);
  }
  try {
    return await fromProvider(ctx, (signal) =>
      provider.verify({
        messageId: record.messageId ?? '',
        to: record.to,
        code,
        // The lifetime announced for this verification's purpose (UniMTX bounds a generated code by it).
        ttlSeconds: policyOf(ctx, record.purpose).ttlMs / 1000,
        purpose: record.purpose,
        signal,
      }),
    );
  } catch (error) {
    if (error instanceof OtpError && error.code === 'expired') throw await expiredOrVerified(ctx, record);
    throw error;
  }
}

/**
 * A provider may say "no longer valid" both for an expired code and for one already used (one error code for
 * both is common); our own record knows which. (A concurrent right guess whose markVerified has not landed yet reads as
 * expired here: a wrong word in a race that one browser never runs, since the hook ignores a second verify in
 * flight; never a second success.)
 */
async function expiredOrVerified(ctx: FlowContext, record: VerificationRecord): Promise<OtpError> {
  const now = ctx.config.now();
  const current = await fromStore(ctx, (s) => s.get({ id: record.id, now }));
  if (current?.verified) return new OtpError('already_verified');
  if (now < record.expiresAt) {
    ctx.logger.warn(
      'the provider says the code expired before our record did: does codeTtlSeconds match its lifetime?',
    );
  }
  return new OtpError('expired');
}
