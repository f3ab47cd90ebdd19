// The bot check of a send or resend: the widget's token, checked with its service BEFORE anything is counted or
// sent, so a bot without a solved challenge spends none of a victim's limits and costs no SMS.
import type { BotRefusal } from '../bot-checks/types.js';
import { describeError, OtpError } from '../errors.js';
import type { FlowContext } from './context.js';

/** What the browser's developer reads for each refusal (the user sees the kit's words for `bot_check_failed`). */
const REFUSED: Record<Exclude<BotRefusal, 'unavailable' | 'misconfigured'>, string> = {
  invalid_token: 'The bot check failed: the token is not valid. Solve the challenge again.',
  token_spent:
    'The bot check failed: the token was used before or has expired. Each send and resend needs a fresh one.',
  hostname_mismatch: 'The bot check failed: the challenge was solved on another site.',
  action_mismatch: 'The bot check failed: the challenge was solved for another action.',
  low_score: 'The bot check failed: this request looks automated.',
};

/** Throws the contract's error unless the token passes (or the service is down and the server lets sends through). */
export async function checkBot(
  ctx: FlowContext,
  token: string | undefined,
  context: { clientIp: string | undefined; action: 'send' | 'resend'; purpose: string },
): Promise<void> {
  const { botCheck, timeoutMs } = ctx.config;
  if (!botCheck) return;
  const { logger } = ctx;
  if (!token) {
    throw new OtpError('bot_check_failed', {
      message: '"botToken" is required: this server checks for bots before it sends a code.',
    });
  }
  let verdict: Awaited<ReturnType<typeof botCheck.verify>>;
  try {
    verdict = await botCheck.verify(token, { ...context, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    verdict = { ok: false, reason: 'unavailable', detail: describeError(error) };
  }
  if (verdict.ok) return;
  const { reason, errorCodes, detail } = verdict;
  const fields = { reason, errorCodes, detail, action: context.action };
  if (reason === 'unavailable') {
    if (botCheck.whenUnavailable === 'allow') {
      logger.warn('bot check unavailable: the send goes through unchecked (whenUnavailable: allow)', fields);
      return;
    }
    logger.error('bot check unavailable: sends are refused until it answers', fields);
    throw new OtpError('provider_unavailable', { message: 'The bot check is unavailable. Try again shortly.' });
  }
  if (reason === 'misconfigured') {
    // Every user is refused while this lasts: the operator must hear it (a wrong secret, a v2 key for v3, a URL).
    logger.error('bot check misconfigured: the service refused our request', fields);
    throw new OtpError('provider_error', { message: 'The bot check is misconfigured.' });
  }
  logger.info('bot check refused the send', fields);
  throw new OtpError('bot_check_failed', { message: REFUSED[reason] });
}
