// Lifecycle events: what an operator watches (the funnel sent -> delivered -> verified, refusals by reason, abuse).
// Each event names a step of the flow; none carries a code, a secret, a provider message id or an unmasked
// recipient, so an `onEvent` that ships them to a log or an analytics pipeline leaks nothing.
import { describeError } from '../errors.js';
import type { DeliveryStatus } from '../providers/types.js';
import type { FlowContext } from './context.js';
import { countEvent } from './telemetry.js';

/** Why a send or resend was refused. */
export type SendRefusedReason =
  /** `to` is neither an E.164 number nor (where allowed) an e-mail address. */
  | 'invalid_recipient'
  /** The number's calling code is not in `allowedCountries`. */
  | 'country_not_allowed'
  /** Too many wrong codes for this recipient within the failure window. */
  | 'recipient_locked'
  /** `numberLimit`: too many sends to this recipient. */
  | 'number_limit'
  /** The resend cooldown has not passed. */
  | 'resend_cooldown'
  /** `ipLimit`: too many sends from this client address (an IPv6 /64 counts as one). */
  | 'ip_limit'
  /** `sendBudget`: all sends together, per hour or per day. */
  | 'send_budget'
  /** `countryBudget`: sends to the recipient's country this hour. */
  | 'country_budget'
  /** `prefixVelocity`: sends to neighbouring numbers (the SMS pumping signature). */
  | 'prefix_velocity'
  /** `botCheck` refused the request's token (missing, invalid, spent, wrong hostname or action, low score). */
  | 'bot_check'
  /** `beforeSend` refused. */
  | 'before_send'
  /** The number's type is refused (`refusedNumberTypes`: premium rate, shared cost, …). */
  | 'number_type_refused'
  /** The provider's own frequency limit. */
  | 'provider_rate_limited'
  /** The provider cannot deliver to this recipient. */
  | 'undeliverable'
  /** The browser asked for a channel the provider cannot be asked for, or one that does not fit the recipient. */
  | 'channel_unavailable'
  /** The provider refused the request (credentials, configuration). */
  | 'provider_error'
  /** The provider or the store is down or timed out. */
  | 'unavailable';

/** Fields every flow event has. */
interface FlowEventBase {
  /** Epoch ms, on the handler's clock. */
  at: number;
  /** The purpose of the verification (`'default'` when the handler declares none). */
  purpose: string;
  /** The recipient, masked (`+44******0123`, `j***@example.com`). */
  to: string;
}

/** One step of a verification's life. `verificationId` is the browser's opaque id (and the proof's `jti`). */
export type OtpEvent =
  | (Omit<FlowEventBase, 'to'> & {
      type: 'send_requested';
      resend: boolean;
      /** Absent when the recipient is invalid (a `send_refused` with `invalid_recipient` follows). */
      to?: string;
    })
  /** `provider`: the name of the provider that delivered (behind a failover, the one that served). */
  | (FlowEventBase & { type: 'sent'; verificationId: string; channel: string; provider: string })
  | (FlowEventBase & {
      type: 'resent';
      provider: string;
      verificationId: string;
      previousVerificationId: string;
      channel: string;
      resendCount: number;
    })
  | (Omit<FlowEventBase, 'to'> & {
      type: 'send_refused';
      reason: SendRefusedReason;
      resend: boolean;
      /** Absent when the recipient itself was invalid. */
      to?: string;
    })
  | (FlowEventBase & { type: 'verify_wrong'; verificationId: string; attemptsLeft: number })
  | (FlowEventBase & { type: 'verified'; verificationId: string })
  | (FlowEventBase & { type: 'verify_expired'; verificationId: string })
  | (FlowEventBase & {
      type: 'verify_locked';
      verificationId: string;
      /** Whose budget is spent: this verification's attempts, or the recipient's failures across resends. */
      scope: 'verification' | 'recipient';
    })
  | (FlowEventBase & { type: 'proof_consumed'; verificationId: string })
  | {
      /** A provider's delivery report (EngageLab callbacks). */
      type: 'delivery';
      at: number;
      provider: string;
      status: DeliveryStatus;
      /** The provider's own status word, e.g. `delivered_failed`. */
      providerStatus: string;
      /** The masked recipient, when the report names one. */
      to?: string;
      /** The channel the provider tried (`sms`, `whatsapp`, …), when the report names one. */
      channel?: string;
    };

export type OtpEventType = OtpEvent['type'];

/** Delivery as the provider reports it: `failed` may still be followed by `delivered` on a fallback channel. */
export type { DeliveryStatus } from '../providers/types.js';

/** Receives each event. Called synchronously and never awaited: a slow or failing sink cannot slow down or break a
 * request. A throw or a rejected promise is logged. */
export type OtpEventListener = (event: OtpEvent) => void | Promise<void>;

/** Hands `event` to the app's `onEvent`, if any; whatever it throws is logged, never passed on. */
export function emit(ctx: Pick<FlowContext, 'config' | 'logger'>, event: OtpEvent): void {
  countEvent(event);
  const { onEvent } = ctx.config;
  if (!onEvent) return;
  const failed = (error: unknown) =>
    ctx.logger.error('onEvent failed', { event: event.type, error: describeError(error) });
  try {
    const result = onEvent(event);
    if (result && typeof (result as Promise<void>).then === 'function')
      (result as Promise<void>).then(undefined, failed);
  } catch (error) {
    failed(error);
  }
}
