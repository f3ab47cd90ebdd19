'use client';
import { useEffect, useState } from 'react';
import type { OtpClientError, OtpClientOptions } from '../core/client.js';
import type { Delivery } from '../core/contract.js';
import { isFinalDelivery, readDelivery } from '../core/delivery.js';

export type { Delivery } from '../core/contract.js';

/** Waits between reads. Carriers usually accept a message within seconds and report delivery within about ten;
 * after that a report is rare, so the reads thin out (at most one every 10 s: a few dozen over a code's life). */
const WAITS_MS = [2000, 3000, 5000, 8000];
const LONGEST_WAIT_MS = 10_000;

/** Failures worth another read: no answer, or a store or rate limit that will pass. Anything else (`not_found`:
 * the verification is gone; a server without the route) ends the reads. */
const TRANSIENT = ['network_error', 'provider_unavailable', 'rate_limited'];

export interface UseDeliveryOptions extends OtpClientOptions {
  /** Stop reading after this time (epoch ms), e.g. the code's `expiresAt`. */
  until?: number | null;
}

/**
 * The delivery of a verification's code (`POST …/status`), read every few seconds while `verificationId` is set
 * and nothing final is known: `null` until the first answer, then `pending`, `sent`, `delivered`, `failed` or
 * `unknown` (the server reads no delivery reports; no more reads). Pass `null` to stop.
 */
export function useDelivery(verificationId: string | null, options: UseDeliveryOptions = {}): Delivery | null {
  const [state, setState] = useState<{ id: string; delivery: Delivery } | null>(null);
  const { endpoint, fetch, until } = options;
  useEffect(() => {
    if (!verificationId) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let round = 0;
    const read = async () => {
      try {
        const delivery = await readDelivery({ endpoint, fetch, verificationId, signal: controller.signal });
        if (controller.signal.aborted) return;
        setState({ id: verificationId, delivery });
        if (isFinalDelivery(delivery)) return;
      } catch (error) {
        if (controller.signal.aborted || !TRANSIENT.includes((error as OtpClientError).code)) return;
      }
      if (until && Date.now() >= until) return;
      timer = setTimeout(read, WAITS_MS[round++] ?? LONGEST_WAIT_MS);
    };
    timer = setTimeout(read, WAITS_MS[round++]);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [verificationId, endpoint, fetch, until]);
  return state?.id === verificationId ? state.delivery : null;
}
