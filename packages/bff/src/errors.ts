/** The contract's error vocabulary (shared/spec/http-contract.md), each with its HTTP status. */
export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_phone: 400,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  already_verified: 409,
  expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  undeliverable: 422,
  too_many_attempts: 429,
  rate_limited: 429,
  internal_error: 500,
  provider_error: 502,
  provider_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Extra fields of an error body: `retryAfter` (seconds, also sent as `Retry-After`) on every 429. */
export interface ErrorExtra {
  retryAfter?: number;
}

/**
 * The one error type of the BFF. It knows its HTTP response, so every layer (validation, store, provider
 * mapping) throws it and the handler turns it into the contract's error shape. `message` is plain English for
 * developers and must never carry a secret, a code, a message id or an unmasked number.
 */
export class OtpError extends Error {
  override readonly name = 'OtpError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: ErrorExtra = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = ERROR_STATUS[code];
  }

  toResponse(): Response {
    const headers = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    if (this.extra.retryAfter !== undefined) headers.set('retry-after', String(this.extra.retryAfter));
    if (this.code === 'method_not_allowed') headers.set('allow', 'POST');
    return new Response(JSON.stringify({ error: { code: this.code, message: this.message, ...this.extra } }), {
      status: this.status,
      headers,
    });
  }
}
