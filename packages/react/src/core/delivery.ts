// `POST …/status`: whether the code's message reached the phone, as the provider's delivery reports tell the BFF.
// Its own module, not a method of the client: only the drop-in polls it, so the primitives do not carry it.
import { type FetchLike, OtpClientError, type OtpClientOptions } from './client.js';
import type { Delivery } from './contract.js';

const DELIVERIES: readonly string[] = ['pending', 'sent', 'delivered', 'failed', 'unknown'];

/** Nothing more will change: stop asking. */
export const isFinalDelivery = (delivery: Delivery): boolean =>
  delivery === 'delivered' || delivery === 'failed' || delivery === 'unknown';

/** Reads a verification's delivery. Rejects with an `OtpClientError` (`not_found` once the verification is gone,
 * `network_error` when no answer came). */
export async function readDelivery({
  endpoint = '/api/otp',
  fetch,
  verificationId,
  signal,
}: OtpClientOptions & { verificationId: string; signal?: AbortSignal }): Promise<Delivery> {
  const url = `${endpoint.replace(/\/+$/, '')}/status`;
  let response: Response;
  try {
    response = await ((fetch ?? globalThis.fetch) as FetchLike)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verificationId }),
      ...(signal ? { signal } : {}),
    });
  } catch (cause) {
    throw new OtpClientError('network_error', { status: 0, message: `${url}: no response`, cause });
  }
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, checked field by field
  const body: any = await response.json().catch(() => null);
  const { status } = response;
  if (response.ok && DELIVERIES.includes(body?.delivery)) return body.delivery;
  if (!response.ok && typeof body?.error?.code === 'string')
    throw new OtpClientError(body.error.code, { ...body.error, status });
  // An older server without the route answers 404 `not_found` too; anything else unreadable says where to look.
  throw new OtpClientError('internal_error', { status, message: `${url} answered HTTP ${status}, not otpkit JSON` });
}
