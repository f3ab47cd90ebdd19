// A faithful fake of the siteverify APIs of Cloudflare Turnstile, hCaptcha and Google reCAPTCHA, as their docs
// describe them: a form-encoded POST of `secret`, `response` and `remoteip` (Turnstile also reads JSON, hCaptcha a
// `sitekey`), a JSON answer with `success`, `hostname`, `challenge_ts`, `error-codes` and the service's own fields,
// each token single use with its documented lifetime, and Turnstile's documented test secrets. `issue()` plays the
// widget: it hands out a token as a solved challenge would.
import { randomId } from '../crypto.js';
import { type Fault, FaultQueue, faultResponse, json } from './faults.js';
import { type FetchLike, type LoopbackServer, listenLoopback } from './loopback.js';

export type SiteverifyService = 'turnstile' | 'hcaptcha' | 'recaptcha';

const SERVICES = {
  turnstile: {
    url: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
    // "valid for 300 seconds"
    lifetimeMs: 300_000,
    spent: 'timeout-or-duplicate',
    expired: 'timeout-or-duplicate',
    prefix: '0.',
  },
  hcaptcha: {
    url: 'https://api.hcaptcha.com/siteverify',
    lifetimeMs: 120_000,
    // What the live API answers a replayed token (its docs also list the newer `already-seen-response`; the
    // verifier reads both).
    spent: 'invalid-or-already-seen-response',
    expired: 'expired-input-response',
    prefix: 'P1_',
  },
  recaptcha: {
    url: 'https://www.google.com/recaptcha/api/siteverify',
    // "valid for two minutes, and can only be verified once"
    lifetimeMs: 120_000,
    spent: 'timeout-or-duplicate',
    expired: 'timeout-or-duplicate',
    prefix: '03A',
  },
} as const;

/** Turnstile's documented test secrets and the dummy token its test site keys produce. */
const TURNSTILE_TEST = {
  passes: '1x0000000000000000000000000000000AA',
  fails: '2x0000000000000000000000000000000AA',
  spent: '3x0000000000000000000000000000000AA',
  dummyToken: 'XXXX.DUMMY.TOKEN.XXXX',
};

export interface SiteverifySimulatorOptions {
  service: SiteverifyService;
  /** The simulated site's secret key. @defaultValue a fixed test-only value */
  secret?: string;
  /** hCaptcha: the site key that secret belongs to (a posted `sitekey` must equal it). @defaultValue a fixed one */
  sitekey?: string;
  /** Clock in epoch ms, for token expiry. @defaultValue Date.now */
  now?: () => number;
}

/** What the widget knew when it handed out a token. */
export interface IssueOptions {
  /** The page's hostname. @defaultValue 'localhost' */
  hostname?: string;
  /** Turnstile `data-action`, reCAPTCHA v3 `execute(…, { action })`. */
  action?: string;
  /** reCAPTCHA v3: the score (0.0 .. 1.0). Absent: a v2 token (no score, no action in the answer). */
  score?: number;
}

/** One siteverify request as it arrived (form fields; undefined when absent). */
export interface SiteverifyRequest {
  secret: string | undefined;
  response: string | undefined;
  remoteip: string | undefined;
  sitekey: string | undefined;
  contentType: string | null;
}

export interface SiteverifySimulator {
  /** Serves the API on any base URL: hand it to the verifier as `fetch` (Node or browser). */
  fetch: FetchLike;
  /** The service's documented siteverify URL (what the verifier calls by default). */
  url: string;
  /** The simulated site's secret. */
  secret: string;
  /** hCaptcha: the simulated site key. */
  sitekey: string;
  /** A token, as the widget hands it to the page after a solved challenge. */
  issue(options?: IssueOptions): string;
  /** Every siteverify request, oldest first. */
  requests: SiteverifyRequest[];
  /** Makes the next request(s) fail: an error code of the service (`{ code: 'internal-error' }`), a hang until the
   * caller's timeout, a non-JSON 200, or a bare 500. */
  inject(fault: Fault<string>, options?: { times?: number }): void;
  /** Forgets tokens, requests and faults. */
  reset(): void;
  /** The same API on a real loopback HTTP server (its URL + the service's path is the `siteverifyUrl`). */
  listen(): Promise<LoopbackServer>;
}

interface Token extends IssueOptions {
  issuedAt: number;
  spent: boolean;
}

export function createSiteverifySimulator(options: SiteverifySimulatorOptions): SiteverifySimulator {
  const { service } = options;
  const spec = SERVICES[service];
  const path = new URL(spec.url).pathname;
  const secret = options.secret ?? `${service}-simulated-secret-0000000000000000`;
  const sitekey = options.sitekey ?? '10000000-ffff-ffff-ffff-0000000000aa';
  const now = options.now ?? Date.now;
  const tokens = new Map<string, Token>();
  const requests: SiteverifyRequest[] = [];
  const faults = new FaultQueue<string, 'siteverify'>();

  const refused = (...codes: string[]) => json(200, { success: false, 'error-codes': codes });
  const passed = (token: IssueOptions & { issuedAt: number }) => {
    const common = {
      success: true,
      challenge_ts: new Date(token.issuedAt).toISOString(),
      hostname: token.hostname ?? 'localhost',
    };
    if (service === 'turnstile') {
      return json(200, { ...common, 'error-codes': [], action: token.action ?? '', cdata: '' });
    }
    if (service === 'hcaptcha') return json(200, { ...common, credit: false });
    return json(200, token.score === undefined ? common : { ...common, score: token.score, action: token.action });
  };

  /** The form fields; Turnstile also reads a JSON body. */
  async function fields(request: Request): Promise<URLSearchParams> {
    const text = await request.text();
    const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (service === 'turnstile' && type === 'application/json') {
      try {
        const body: unknown = JSON.parse(text);
        const entries = Object.entries(body as Record<string, unknown>).filter(([, v]) => typeof v === 'string');
        return new URLSearchParams(entries as [string, string][]);
      } catch {
        return new URLSearchParams();
      }
    }
    // A body of another type is not read as a form: the fields are missing, as at the real service.
    return new URLSearchParams(type === 'application/x-www-form-urlencoded' ? text : '');
  }

  function verify(form: URLSearchParams): Response {
    const given = form.get('secret');
    const response = form.get('response');
    if (!given) return refused('missing-input-secret');
    const testSecret = service === 'turnstile' && Object.values(TURNSTILE_TEST).includes(given);
    if (given !== secret && !testSecret) return refused('invalid-input-secret');
    if (!response) return refused('missing-input-response');
    if (testSecret) {
      // Test secrets accept only the dummy token (and the production secret never does).
      if (given === TURNSTILE_TEST.fails || response !== TURNSTILE_TEST.dummyToken) {
        return refused('invalid-input-response');
      }
      if (given === TURNSTILE_TEST.spent) return refused('timeout-or-duplicate');
      return json(200, {
        success: true,
        challenge_ts: new Date(now()).toISOString(),
        hostname: 'localhost',
        'error-codes': [],
        action: 'test',
        cdata: 'test-data',
      });
    }
    if (service === 'hcaptcha' && form.has('sitekey') && form.get('sitekey') !== sitekey) {
      return refused('sitekey-secret-mismatch');
    }
    const token = tokens.get(response);
    if (!token) return refused('invalid-input-response');
    // Single use: whatever this answer is, the token is redeemed now.
    const wasSpent = token.spent;
    token.spent = true;
    if (wasSpent) return refused(spec.spent);
    if (now() - token.issuedAt > spec.lifetimeMs) return refused(spec.expired);
    return passed(token);
  }

  async function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const signal = init?.signal ?? request.signal;
    if (signal.aborted) throw signal.reason;
    if (new URL(request.url).pathname !== path) {
      return new Response('<html><body>404 Not Found</body></html>', {
        status: 404,
        headers: { 'content-type': 'text/html' },
      });
    }
    if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405 });
    const form = await fields(request);
    requests.push({
      secret: form.get('secret') ?? undefined,
      response: form.get('response') ?? undefined,
      remoteip: form.get('remoteip') ?? undefined,
      sitekey: form.get('sitekey') ?? undefined,
      contentType: request.headers.get('content-type'),
    });
    const fault = faults.take('siteverify');
    if (typeof fault === 'string') return faultResponse(fault, signal);
    if (fault !== undefined) return json(fault.status ?? 200, { success: false, 'error-codes': [fault.code] });
    return verify(form);
  }

  return {
    fetch,
    url: spec.url,
    secret,
    sitekey,
    issue(issued = {}) {
      const token = `${spec.prefix}${randomId()}${randomId()}`;
      tokens.set(token, { ...issued, issuedAt: now(), spent: false });
      return token;
    },
    requests,
    inject: (fault, injected) => faults.add(fault, injected),
    reset() {
      tokens.clear();
      requests.length = 0;
      faults.clear();
    },
    listen: () => listenLoopback(fetch),
  };
}
