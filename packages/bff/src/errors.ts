import { type Reply, toWebResponse } from './bridge.js';
import { ERROR_STATUS, type ErrorCode } from './contract.js';

export interface OtpErrorOptions {
  /** Plain English for developers. It reaches the browser, so it never carries a secret, a code, a provider
   * message id or an unmasked number. @defaultValue a generic sentence for the code */
  message?: string;
  /** Seconds until trying again makes sense; sent as the body's `retryAfter` and as `Retry-After`. */
  retryAfter?: number;
  /** What went wrong underneath, for the server's log (never sent). */
  cause?: unknown;
}

const DEFAULT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  not_found: 'No such verification.',
  expired: 'The code has expired. Request a new one.',
  already_verified: 'This verification already succeeded.',
  internal_error: 'Something went wrong.',
  channel_unavailable: 'This server cannot send a code by that channel.',
};

/**
 * The one error type of the BFF (Hono's HTTPException shape: a code that knows its status, an options object).
 * Every layer (validation, flow, store, provider) throws it and the HTTP layer turns it into the contract's error
 * body with `toResponse()`.
 */
export class OtpError extends Error {
  override readonly name = 'OtpError';
  readonly status: number;
  readonly retryAfter: number | undefined;

  constructor(
    readonly code: ErrorCode,
    options: OtpErrorOptions = {},
  ) {
    super(options.message ?? DEFAULT_MESSAGES[code] ?? code.replace(/_/g, ' '), { cause: options.cause });
    this.status = ERROR_STATUS[code];
    this.retryAfter = options.retryAfter;
  }

  toResponse(): Response {
    return toWebResponse(errorReply(this));
  }
}

/** The contract's error answer for `error`: its JSON body, with Retry-After and Allow where they apply. */
export function errorReply(error: OtpError): Reply {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  if (error.code === 'method_not_allowed') headers.allow = 'POST';
  const body = {
    code: error.code,
    message: error.message,
    ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
  };
  return { status: error.status, headers, body: JSON.stringify({ error: body }) };
}

/**
 * The error and its causes, one line each, for the server's log: "store unavailable" alone does not tell a wrong
 * Redis password from a dead server or a timeout.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' <- caused by ');
}
