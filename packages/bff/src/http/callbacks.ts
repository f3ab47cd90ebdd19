// `POST …/callbacks` (server to server): the provider's delivery reports. Which provider, how it signs and what its
// rows say is the provider's business (`deliveryReports`); here: the route, the bounded body, and the answer.
import { OtpError } from '../errors.js';
import type { FlowContext } from '../flow/context.js';
import { type ReportOutcome, recordDelivery } from '../flow/delivery.js';
import { readJsonBody } from './request.js';

/** A callback body may carry many rows; still bounded. */
const MAX_CALLBACK_BYTES = 256 * 1024;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });

/** The route: 404 when the provider reads no callbacks, 401 for a request it does not find genuine, else 200 with
 * what became of each report. Throws an OtpError for a bad body or a store that is down (the handler answers those;
 * providers retry on non-200). */
export async function providerCallback(ctx: FlowContext, request: Request): Promise<Response> {
  const { provider } = ctx;
  if (!provider.deliveryReports) throw new OtpError('not_found', { message: 'Unknown route.' });
  const reports = await provider.deliveryReports({
    headers: request.headers,
    body: () => readJsonBody(request, { maxBytes: MAX_CALLBACK_BYTES, anyContentType: true }),
    now: ctx.config.now(),
  });
  if (reports === null) {
    await request.body?.cancel().catch(() => {});
    ctx.logger.warn('delivery callback refused: missing, forged or stale signature', { provider: provider.name });
    // Not the browser contract's vocabulary: this route is the provider's, and 401 is what it expects.
    return json(401, { error: { code: 'unauthorized', message: 'Invalid or stale callback signature.' } });
  }
  const outcomes = await Promise.all(reports.map((report) => recordDelivery(ctx, report)));
  const count = (outcome: ReportOutcome) => outcomes.filter((o) => o === outcome).length;
  return json(200, { accepted: count('accepted'), duplicates: count('duplicate'), unknown: count('unknown') });
}
