import { asRequest, BRIDGE, type Reply, type RequestHead, toWebResponse } from '../bridge.js';
import { resolveOptions } from '../config.js';
import { ROUTES, type Route } from '../contract.js';
import { deriveKeys, type HandlerKeys } from '../crypto.js';
import { describeError, errorReply, OtpError } from '../errors.js';
import { type Caller, DEFAULT_PURPOSE, type FlowContext, fromStore } from '../flow/context.js';
import { deliveryOf, deliveryState } from '../flow/delivery.js';
import { isVerificationId } from '../flow/input.js';
import { buildKeyring, consumeProof, derivedProofKey, type ProofKeyring, readProof } from '../flow/proof.js';
import { resend, send } from '../flow/send.js';
import { traced } from '../flow/telemetry.js';
import { verify } from '../flow/verify.js';
import type { OtpApi, OtpHandler, OtpHandlerOptions, OtpLogger, ProofCheckOptions, RequestContext } from '../types.js';
import { providerCallback } from './callbacks.js';
import { checkOrigin, clientIp, MAX_BOT_BODY_BYTES, parseJsonBodyText, readJsonBody } from './request.js';

/** How long a JWKS may be cached. A new key must be published (listed second) at least this long before it signs. */
export const JWKS_MAX_AGE_SECONDS = 300;

/** The headers of every 200 on the contract's routes. */
const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

const isRoute = (segment: string): segment is Route => (ROUTES as readonly string[]).includes(segment);

/**
 * The handler: options resolved once, the flow (send, resend, verify) as `otp.api` for server code, and the HTTP
 * contract (docs/http-contract.md) as `otp.handle(request) -> Response` for any framework.
 */
export function createOtpHandler(options: OtpHandlerOptions): OtpHandler {
  const config = resolveOptions(options);
  const { logger, provider } = config;
  // Derived lazily: createOtpHandler stays synchronous, and a failure surfaces on a request (as a 500), not as
  // an unhandled rejection at import time.
  let keys: Promise<HandlerKeys> | undefined;
  let proofKeys: Promise<ProofKeyring> | undefined;
  const loadProofKeys = async () => buildKeyring(config.proofKeys ?? [await derivedProofKey(config.secret)]);
  const ctx: FlowContext = {
    store: config.store,
    provider,
    keys: () => {
      keys ??= deriveKeys(config.secret);
      return keys;
    },
    proofKeys: () => {
      proofKeys ??= loadProofKeys();
      // A failure is not cached: the next call tries again.
      proofKeys.catch(() => {
        proofKeys = undefined;
      });
      return proofKeys;
    },
    config,
    logger,
    warned: new Set(),
  };
  /** Who asked, with the client IP that trustProxy gives; a request head's Request is made only if a hook reads it
   * (see RequestHead). */
  const callerOf = (head: Request | RequestHead, socketIp: string | undefined): Caller => {
    let request: Request | undefined;
    return {
      get request() {
        request ??= asRequest(head);
        return request;
      },
      clientIp: clientIp(head, socketIp, config.trustProxy),
    };
  };
  /** The caller of server code calling `otp.api`, which may pass the request it is answering. */
  const caller = (context: RequestContext = {}): Caller =>
    context.request ? callerOf(context.request, context.clientIp) : { clientIp: context.clientIp };
  // Each step in an OpenTelemetry span when the app has the API (flow/telemetry.ts); else just the step.
  const sent = () => 'sent';
  const routes = {
    send: (input: unknown, who: Caller) => traced('send', () => send(ctx, input, who), sent),
    verify: (input: unknown, who: Caller) =>
      traced(
        'verify',
        () => verify(ctx, input, who),
        (r) => (r.verified ? 'verified' : 'wrong_code'),
      ),
    resend: (input: unknown, who: Caller) => traced('resend', () => resend(ctx, input, who), sent),
    // A read of the store, no provider call: no span of its own.
    status: (input: unknown, _who: Caller) => deliveryState(ctx, input),
  } satisfies Record<Route, unknown>;
  const api: OtpApi = {
    send: (input, context) => routes.send(input, caller(context)),
    verify: (input, context) => routes.verify(input, caller(context)),
    resend: (input, context) => routes.resend(input, caller(context)),
    status: (input) => routes.status(input, {}),
  };

  const jwks = async () => structuredClone((await ctx.proofKeys()).jwks);
  const expected = (options: ProofCheckOptions = {}) => ({
    ...config.proofIdentity,
    purpose: options.purpose ?? DEFAULT_PURPOSE,
  });

  /** The HTTP contract. `bodyText`: the body, already read by the adapter's framework (the Request has none). */
  async function answer(
    request: Request | RequestHead,
    context: Omit<RequestContext, 'request'>,
    bodyText?: string,
  ): Promise<Reply | Response> {
    try {
      const segments = new URL(request.url).pathname.split('/').filter(Boolean);
      const segment = segments.at(-1) ?? '';
      if (segment === 'jwks') {
        // The one GET route: public keys, cacheable, readable from anywhere (they are public).
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          const refused = errorReply(new OtpError('method_not_allowed', { message: 'Use GET.' }));
          return { ...refused, headers: { ...refused.headers, allow: 'GET, HEAD' } };
        }
        return new Response(request.method === 'HEAD' ? null : JSON.stringify(await jwks()), {
          status: 200,
          headers: {
            'content-type': 'application/jwk-set+json',
            'cache-control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
          },
        });
      }
      if (request.method !== 'POST') throw new OtpError('method_not_allowed', { message: 'Use POST.' });
      if (segment === 'callbacks' || segments.at(-2) === 'callbacks') {
        // Server to server (`…/callbacks`, or `…/callbacks/<name>` as a provider's console may want it): no Origin
        // to check; the provider's signature is the check. A body the framework read already goes back into a
        // Request (a rare route: its cost does not matter).
        const withBody =
          bodyText === undefined
            ? asRequest(request)
            : new Request(request.url, { method: request.method, headers: asRequest(request).headers, body: bodyText });
        return await providerCallback(ctx, withBody);
      }
      if (!isRoute(segment)) throw new OtpError('not_found', { message: 'Unknown route.' });
      try {
        checkOrigin(request, config.allowedOrigins);
      } catch (error) {
        if (!ctx.warned.has('origin')) {
          // Once per process: the usual cause is a mount mistake, not an attack, and the 403 alone does not say
          // which origins were compared. A dev server's proxy with `changeOrigin: true` (Vite's usual setting)
          // rewrites Host but not Origin.
          ctx.warned.add('origin');
          logger.warn("cross-origin request refused (403): list the page's origin in allowedOrigins if it is yours", {
            origin: request.headers.get('origin'),
            requestOrigin: new URL(request.url).origin,
            host: request.headers.get('host'),
            allowedOrigins: [...config.allowedOrigins],
          });
        }
        throw error;
      }
      // A bot check's token can pass the contract's 2 KiB on its own: send and resend may then carry 8 KiB.
      const limits = config.botCheck !== undefined && segment !== 'verify' ? { maxBytes: MAX_BOT_BODY_BYTES } : {};
      const body =
        bodyText === undefined
          ? await readJsonBody(asRequest(request), limits)
          : parseJsonBodyText(request, bodyText, limits);
      // The flow checks the body's fields itself (server code calling `otp.api` gets the same checks).
      const result = await routes[segment](body, callerOf(request, context.clientIp));
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(result) };
    } catch (error) {
      return toErrorReply(error, logger, provider.name);
    }
  }

  const handler: OtpHandler = {
    api,
    handle: async (request, context = {}) => toWebResponse(await answer(request, context)),
    async verifyProof(proof, options) {
      return readProof(await ctx.proofKeys(), proof, { ...expected(options), now: config.now() });
    },
    async consumeProof(proof, options) {
      return consumeProof(ctx, await ctx.proofKeys(), proof, expected(options));
    },
    jwks,
    async deliveryStatus(verificationId) {
      if (!isVerificationId(verificationId)) return null;
      const now = config.now();
      const record = await fromStore(ctx, (s) => s.get({ id: verificationId, now }));
      return record ? deliveryOf(ctx, record) : null;
    },
  };
  // The package's own adapters' way in (bridge.ts): not on the OtpHandler type.
  return Object.assign(handler, { [BRIDGE]: answer });
}

/** Every failure as the contract's error body; what the browser must not learn goes to the log only. */
function toErrorReply(error: unknown, logger: OtpLogger, provider: string): Reply {
  if (error instanceof OtpError) {
    if (error.code === 'provider_error') {
      // Credentials or configuration: the operator must hear about it; the browser learns nothing useful to an
      // attacker.
      logger.error('provider rejected the request', { provider, error: describeError(error) });
      return errorReply(new OtpError('provider_error', { message: 'The verification provider rejected the request.' }));
    }
    if (error.code !== 'internal_error') return errorReply(error);
  }
  logger.error('internal error', { error: describeError(error) });
  return errorReply(new OtpError('internal_error'));
}
