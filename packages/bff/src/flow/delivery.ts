// Delivery reports (a provider's callbacks, already authenticated and parsed by the HTTP layer) -> `delivery`
// events and each message's delivery state, through the store alone (no new store method):
//
// - At send, while callbacks are on, the message id is marked as ours (`m:<id>`, a counter living as long as the
//   verification's record): a report for any other id is ignored.
// - Each report counts once on `cb:<id>:<provider status>` (take, limit 1): a retried callback is a duplicate,
//   atomically, across instances.
// - The state reached counts on `ds:<id>:<sent|delivered|failed>`; a verification finds its state through the
//   message id its record already holds, so no index from message id to verification is needed.
import type { StatusRequest, StatusResponse } from '../contract.js';
import type { DeliveryReport } from '../providers/types.js';
import type { VerificationRecord } from '../stores/types.js';
import { type FlowContext, fromStore } from './context.js';
import { type DeliveryStatus, emit } from './events.js';
import { isVerificationId, stringFields } from './input.js';
import { deliveryKey, messageKey, reportKey } from './limits.js';
import { maskRecipient } from './mask.js';
import { notFound } from './send.js';

export type { DeliveryReport } from '../providers/types.js';

/** How long a report is remembered: providers retry a callback for up to a day. */
const REPORT_WINDOW_MS = 24 * 3600_000;

export type ReportOutcome = 'accepted' | 'duplicate' | 'unknown';

/** Records one report; resolves what became of it. */
export async function recordDelivery(ctx: FlowContext, report: DeliveryReport): Promise<ReportOutcome> {
  const now = ctx.config.now();
  const ours = await fromStore(ctx, (s) => s.hits({ key: messageKey(report.messageId), now }));
  if (ours === 0) return 'unknown';
  const taken = await fromStore(ctx, (s) =>
    s.take({
      rules: [{ key: reportKey(report.messageId, report.providerStatus), limit: 1, windowMs: REPORT_WINDOW_MS }],
      now,
    }),
  );
  if (!taken.ok) return 'duplicate';
  const state = { key: deliveryKey(report.messageId, report.status), limit: 1, windowMs: REPORT_WINDOW_MS };
  await fromStore(ctx, (s) => s.take({ rules: [state], now }));
  emit(ctx, {
    type: 'delivery',
    at: now,
    provider: report.provider,
    status: report.status,
    providerStatus: report.providerStatus,
    ...(report.to ? { to: maskRecipient(report.to) } : {}),
    ...(report.channel ? { channel: report.channel } : {}),
  });
  return 'accepted';
}

/** A verification's delivery as reported so far: `delivered` wins over `failed` (a fallback channel may deliver
 * after the first one failed), `failed` over `sent`. */
export async function deliveryOf(ctx: FlowContext, record: VerificationRecord): Promise<'pending' | DeliveryStatus> {
  const { messageId } = record;
  if (!messageId) return 'pending';
  const now = ctx.config.now();
  const [delivered, failed, sent] = await Promise.all(
    (['delivered', 'failed', 'sent'] as const).map((status) =>
      fromStore(ctx, (s) => s.hits({ key: deliveryKey(messageId, status), now })),
    ),
  );
  if (delivered) return 'delivered';
  if (failed) return 'failed';
  return sent ? 'sent' : 'pending';
}

/**
 * `POST …/status`: what the browser may know of its code's delivery, so the drop-in can say "not delivered: try
 * another channel" instead of leaving the user waiting for an SMS that the carrier already refused. Read-only and
 * cheap (a record read plus three counter reads), so a page may poll it while the code step is open.
 */
export async function deliveryState(ctx: FlowContext, input: StatusRequest | unknown): Promise<StatusResponse> {
  const { verificationId } = stringFields(input, ['verificationId']);
  if (!isVerificationId(verificationId)) throw notFound();
  const now = ctx.config.now();
  const record = await fromStore(ctx, (s) => s.get({ id: verificationId, now }));
  if (!record) throw notFound();
  if (!ctx.config.trackDelivery) return { delivery: 'unknown' };
  return { delivery: await deliveryOf(ctx, record) };
}
