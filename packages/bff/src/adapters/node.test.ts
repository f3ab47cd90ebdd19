import { once } from 'node:events';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOtpHandler } from '../http/handler.js';
import { engagelab } from '../providers/engagelab.js';
import { memoryStore } from '../stores/memory.js';
import { createEngageLabSimulator } from '../testing/index.js';
import type { HandlerContext, OtpHandler, OtpHandlerOptions } from '../types.js';
import { toExpress, toNodeHandler } from './node.js';

// Express 4 ships no types; it is the same API as far as mounting middleware goes.
const express4 = createRequire(import.meta.url)('express4') as typeof express;

type Handle = OtpHandler['handle'];

/** One way of serving the bridge: a real server on 127.0.0.1:0 and the base URL the OTP routes live under. */
interface Mount {
  name: string;
  /** True when a body parser has run before the bridge (the body reaches it re-serialised, not streamed). */
  parsed: boolean;
  /** `otp`: a handler from createOtpHandler (the bridge's fast entry) or an app's own `{ handle }`. */
  start(otp: Pick<OtpHandler, 'handle'>): Promise<{ base: string; server: Server }>;
}

async function listen(server: Server, path: string): Promise<{ base: string; server: Server }> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}${path}`, server };
}

/** What Next.js does for a Pages Router API route with its default bodyParser: read the whole body, parse JSON
 * (or keep other types as a string), set `req.body`, then call the route's default export. */
function nextPagesServer(route: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Server {
  return createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const json = (req.headers['content-type'] ?? '').startsWith('application/json');
    Object.assign(req, { body: json && text ? JSON.parse(text) : text });
    await route(req, res);
  });
}

const mounts: Mount[] = [
  {
    name: 'node:http',
    parsed: false,
    start: (otp) => listen(createServer(toNodeHandler(otp)), '/api/otp'),
  },
  {
    name: 'Express 5',
    parsed: false,
    start: (otp) => listen(createServer(express().use('/api/otp', toNodeHandler(otp))), '/api/otp'),
  },
  {
    name: 'Express 5 + express.json()',
    parsed: true,
    start: (otp) =>
      listen(
        createServer(
          express()
            .use(express.json())
            .use('/api/otp', ...toExpress(otp)),
        ),
        '/api/otp',
      ),
  },
  {
    name: 'Express 5 sub-router at /auth/v1/otp',
    parsed: true,
    start: (otp) => {
      const router = express.Router().use('/otp', ...toExpress(otp));
      return listen(createServer(express().use(express.json()).use('/auth/v1', router)), '/auth/v1/otp');
    },
  },
  {
    name: 'Express 4 + express.json()',
    parsed: true,
    start: (otp) =>
      listen(
        createServer(
          express4()
            .use(express4.json())
            .use('/api/otp', ...toExpress(otp)),
        ),
        '/api/otp',
      ),
  },
  {
    name: 'Next.js Pages Router API route',
    parsed: true,
    start: (otp) => listen(nextPagesServer(toNodeHandler(otp)), '/api/otp'),
  },
];

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** Serves `handle` as an app's own `{ handle }` (the public path), or a whole handler (the bridge's fast entry). */
async function serve(mount: Mount, handle: Handle | Pick<OtpHandler, 'handle'>): Promise<string> {
  const { base, server } = await mount.start(typeof handle === 'function' ? { handle } : handle);
  servers.push(server);
  return base;
}

interface Seen {
  method: string;
  path: string;
  contentType: string | null;
  body: string;
  clientIp: string | undefined;
}

/** A trivial handler that tells the test what the bridge handed it. */
const echo: Handle = async (request, context) => {
  const seen: Seen = {
    method: request.method,
    path: new URL(request.url).pathname,
    contentType: request.headers.get('content-type'),
    body: await request.text(),
    clientIp: context?.clientIp,
  };
  const headers = new Headers({ 'content-type': 'application/json', 'x-echo': 'yes' });
  headers.append('set-cookie', 'a=1; HttpOnly');
  headers.append('set-cookie', 'b=2; HttpOnly');
  return new Response(JSON.stringify(seen), { status: 201, headers });
};

describe.each(mounts)('toNodeHandler in $name', (mount) => {
  it('hands the handler method, full path, headers, body and socket IP, and writes status, headers and body back', async () => {
    const base = await serve(mount, echo);
    const body = { to: '+8618701235678', locale: 'en' };
    const res = await fetch(`${base}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-echo')).toBe('yes');
    expect(res.headers.getSetCookie()).toEqual(['a=1; HttpOnly', 'b=2; HttpOnly']);
    const seen = (await res.json()) as Seen;
    expect(seen.method).toBe('POST');
    expect(seen.path).toBe(new URL(`${base}/send`).pathname);
    expect(seen.contentType).toBe('application/json');
    expect(JSON.parse(seen.body)).toEqual(body);
    expect(seen.clientIp).toMatch(/127\.0\.0\.1$/);
  });

  it('passes a non-JSON body through, so the handler can refuse its type', async () => {
    const base = await serve(mount, echo);
    const res = await fetch(`${base}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    const seen = (await res.json()) as Seen;
    expect(seen.contentType).toBe('text/plain');
    // Express's json() leaves text/plain unread (the stream reaches us); Next keeps it as a string. Express 4
    // sets `req.body = {}` without reading: either way the handler sees a text/plain request.
    if (!mount.name.startsWith('Express 4')) expect(seen.body).toBe('hi');
  });

  it('keeps the bytes of a large JSON body, so the handler can count them', async () => {
    const base = await serve(mount, echo);
    const body = JSON.stringify({ to: 'x'.repeat(3000) });
    const res = await fetch(`${base}/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const seen = (await res.json()) as Seen;
    expect(Buffer.byteLength(seen.body)).toBe(Buffer.byteLength(body));
  });

  it('forwards GET without a body', async () => {
    const base = await serve(mount, echo);
    const res = await fetch(`${base}/send`);
    expect(((await res.json()) as Seen).method).toBe('GET');
  });

  it('answers a contract-shaped 500 without a stack trace when the handler throws', async () => {
    const base = await serve(mount, async () => {
      throw new Error('boom at secret place');
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const res = await fetch(`${base}/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(500);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: 'Internal error.' } });
      expect(text).not.toMatch(/boom|at |node\.ts/);
      expect(errors).toHaveLength(1);
    } finally {
      console.error = original;
    }
  });
});

describe.each(mounts)('toNodeHandler when the answer cannot be read, in $name', (mount) => {
  it('answers a contract 500 and keeps serving', async () => {
    const broken = new ReadableStream({
      pull(controller) {
        controller.error(new Error('stream broke'));
      },
    });
    const base = await serve(mount, async () => new Response(broken, { status: 200 }));
    const original = console.error;
    console.error = () => {};
    try {
      const res = await fetch(`${base}/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(500);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal_error');
      const again = await fetch(`${base}/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(again.status).toBe(500);
    } finally {
      console.error = original;
    }
  });
});

describe.each(mounts.filter((m) => !m.parsed))('toNodeHandler streaming the raw body in $name', (mount) => {
  it('lets the handler stop reading a huge upload and still delivers its 413 on the same connection', async () => {
    // The handler's way of refusing an oversized body: read up to the limit, cancel the stream, answer 413.
    const base = await serve(mount, async (request) => {
      const reader = request.body!.getReader();
      let bytes = 0;
      while (bytes <= 2048) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
      }
      await reader.cancel();
      return new Response(JSON.stringify({ error: { code: 'payload_too_large' } }), { status: 413 });
    });
    const res = await fetch(`${base}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(4 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
    // The connection survived: the next request answers normally.
    const again = await fetch(`${base}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(again.status).toBe(413);
  });

  it('aborts the Request signal when the client goes away before the answer', async () => {
    let seen: HandlerContext | undefined;
    const aborted = new Promise<boolean>((resolve) => {
      void serve(mount, (request, context) => {
        seen = context;
        request.signal.addEventListener('abort', () => resolve(true));
        setTimeout(() => resolve(false), 5000).unref();
        return new Promise<Response>(() => {}); // a provider that never answers
      }).then((base) => {
        const req = httpRequest(`${base}/send`, { method: 'POST', headers: { 'content-type': 'application/json' } });
        req.on('error', () => {});
        req.end('{}');
        setTimeout(() => req.destroy(), 200);
      });
    });
    expect(await aborted).toBe(true);
    expect(seen?.clientIp).toMatch(/127\.0\.0\.1$/);
  });
});

it('answers 400 invalid_request for a Host header no URL can be built from', async () => {
  const base = await serve(mounts[0]!, echo);
  const { port } = new URL(base);
  const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path: '/api/otp/send',
      method: 'POST',
      headers: { host: 'a b' },
    });
    req.on('response', async (r) => {
      let body = '';
      for await (const chunk of r) body += chunk;
      resolve({ status: r.statusCode ?? 0, body });
    });
    req.on('error', reject);
    req.end('{}');
  });
  expect(res.status).toBe(400);
  expect(JSON.parse(res.body).error.code).toBe('invalid_request');
});

/** The real handler on the EngageLab simulator (the provider's network edge), with a store that records which
 * limit keys it was asked to count, so a test can see the client IP the adapter passed. */
function realOtp(options: Partial<OtpHandlerOptions> = {}) {
  const sim = createEngageLabSimulator();
  const store = memoryStore();
  const limitKeys: string[] = [];
  const take = store.take.bind(store);
  store.take = (input) => {
    limitKeys.push(...input.rules.map((r) => r.key));
    return take(input);
  };
  const otp = createOtpHandler({
    provider: engagelab(sim.providerOptions),
    secret: 'adapter-test-secret-0123456789abcdef012345',
    store,
    ...options,
  });
  return { otp, sim, limitKeys };
}

const postJson = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe.each(mounts)('the real handler through toNodeHandler in $name', (mount) => {
  const to = '+8618701235678';

  it('send, then verify with the code the simulator delivered: 200 verified with a proof the server accepts', async () => {
    const { otp, sim } = realOtp();
    const base = await serve(mount, otp);
    const sent = await postJson(`${base}/send`, { to, locale: 'en' });
    expect(sent.status).toBe(200);
    const { verificationId } = (await sent.json()) as { verificationId: string };

    const wrong = sim.lastCode(to) === '000000' ? '111111' : '000000';
    const miss = await postJson(`${base}/verify`, { verificationId, code: wrong });
    expect(await miss.json()).toEqual({ verified: false, attemptsLeft: 4 });

    const res = await postJson(`${base}/verify`, { verificationId, code: sim.lastCode(to) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { verified: boolean; proof: string };
    expect(body.verified).toBe(true);
    expect(await otp.verifyProof(body.proof)).toMatchObject({ to, verificationId });
  });

  it('415 for text/plain', async () => {
    const { otp } = realOtp();
    const base = await serve(mount, otp);
    const res = await fetch(`${base}/send`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ to }),
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
  });

  it('413 for a 3 KB JSON body', async () => {
    const { otp, sim } = realOtp();
    const base = await serve(mount, otp);
    const res = await postJson(`${base}/send`, { to, locale: 'x'.repeat(3 * 1024) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(sim.calls.messages).toBe(0);
  });

  it('405 with Allow: POST for GET', async () => {
    const { otp } = realOtp();
    const base = await serve(mount, otp);
    const res = await fetch(`${base}/send`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
  });

  it('hooks and a trustProxy function get a real Request with the headers the browser sent', async () => {
    const requests: Request[] = [];
    const { otp, sim, limitKeys } = realOtp({
      trustProxy: (request) => request.headers.get('x-client-ip') ?? undefined,
      beforeSend: ({ request }) => {
        if (request) requests.push(request);
      },
      onVerified: ({ request }) => {
        if (request) requests.push(request);
      },
    });
    const base = await serve(mount, otp);
    const headers = { 'content-type': 'application/json', 'x-client-ip': '203.0.113.7', 'x-trace': 'abc' };
    const sent = await fetch(`${base}/send`, { method: 'POST', headers, body: JSON.stringify({ to }) });
    const { verificationId } = (await sent.json()) as { verificationId: string };
    const body = JSON.stringify({ verificationId, code: sim.lastCode(to) });
    expect((await fetch(`${base}/verify`, { method: 'POST', headers, body })).status).toBe(200);
    expect(limitKeys).toContain('ip:4:203.0.113.7');
    expect(requests.map((r) => [r instanceof Request, r.method, new URL(r.url).pathname.split('/').at(-1)])).toEqual([
      [true, 'POST', 'send'],
      [true, 'POST', 'verify'],
    ]);
    expect(requests.map((r) => r.headers.get('x-trace'))).toEqual(['abc', 'abc']);
  });

  it("limits sends by the socket's IP", async () => {
    const { otp, limitKeys } = realOtp({ ipLimit: { limit: 1, windowSeconds: 60 } });
    const base = await serve(mount, otp);
    expect((await postJson(`${base}/send`, { to })).status).toBe(200);
    // A dual-stack socket may say ::ffff:127.0.0.1: either way it counts as the IPv4 address.
    expect(limitKeys.filter((k) => k.startsWith('ip:'))).toEqual(['ip:4:127.0.0.1']);
    // Another number from the same client: the per-IP budget (1) is spent.
    const res = await postJson(`${base}/send`, { to: '+8618701235679' });
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });
});

describe.each(mounts)('the bridge (bridge.ts) in $name', (mount) => {
  /** Status, the headers a browser reads, and the body of one answer. */
  const seen = async (res: Response) => ({
    status: res.status,
    headers: Object.fromEntries(
      ['content-type', 'cache-control', 'retry-after', 'allow', 'content-length'].map((h) => [h, res.headers.get(h)]),
    ),
    body: await res.text(),
  });
  const json = { 'content-type': 'application/json' };
  const cases: [string, string, RequestInit][] = [
    [
      'text/plain',
      'send',
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"to":"+8618701235678"}' },
    ],
    ['a 3 KB body', 'send', { method: 'POST', headers: json, body: JSON.stringify({ locale: 'x'.repeat(3072) }) }],
    // 700 three-byte characters: 2,100 bytes in 700 UTF-16 units (the cap counts bytes, however the body arrived).
    [
      '2 KiB passed in UTF-8 only',
      'send',
      { method: 'POST', headers: json, body: JSON.stringify({ locale: '日'.repeat(700) }) },
    ],
    [
      'under the cap in UTF-8',
      'send',
      { method: 'POST', headers: json, body: JSON.stringify({ locale: '日'.repeat(600) }) },
    ],
    ['an empty object', 'send', { method: 'POST', headers: json, body: '{}' }],
    ['an array', 'send', { method: 'POST', headers: json, body: '[]' }],
    ['an invalid number', 'send', { method: 'POST', headers: json, body: '{"to":"12"}' }],
    ['GET on a POST route', 'send', { method: 'GET' }],
    ['an unknown route', 'nope', { method: 'POST', headers: json, body: '{}' }],
    [
      'an unknown verification',
      'verify',
      { method: 'POST', headers: json, body: JSON.stringify({ verificationId: 'a'.repeat(22), code: '123456' }) },
    ],
    [
      'a foreign Origin',
      'send',
      { method: 'POST', headers: { ...json, origin: 'https://evil.example' }, body: '{"to":"+8618701235678"}' },
    ],
    ['the JWKS', 'jwks', { method: 'GET' }],
    ['POST on the JWKS', 'jwks', { method: 'POST', headers: json, body: '{}' }],
    ['callbacks without a provider that takes them', 'callbacks', { method: 'POST', headers: json, body: '{}' }],
  ];

  /** What each case must answer, so that the comparison compares the case it names. */
  const status: Record<string, number> = {
    'text/plain': 415,
    'a 3 KB body': 413,
    '2 KiB passed in UTF-8 only': 413,
    'under the cap in UTF-8': 400,
    'an empty object': 400,
    'an array': 400,
    'an invalid number': 400,
    'GET on a POST route': 405,
    'an unknown route': 404,
    'an unknown verification': 404,
    'a foreign Origin': 403,
    'the JWKS': 200,
    'POST on the JWKS': 405,
    'callbacks without a provider that takes them': 404,
  };

  it.each(cases)('%s: the same answer as the public handle()', async (name, route, init) => {
    const { otp } = realOtp({ logger: { info() {}, warn() {}, error() {} } });
    const bridged = await serve(mount, otp);
    const wrapped = await serve(mount, { handle: (request, context) => otp.handle(request, context) });
    const answer = await seen(await fetch(`${bridged}/${route}`, init));
    expect(answer.status).toBe(status[name]);
    expect(answer).toEqual(await seen(await fetch(`${wrapped}/${route}`, init)));
  });

  // A body no parser has read: one within the cap is read whole by the bridge, a larger or chunked one streamed.
  const raw: [string, number, RequestInit & { duplex?: 'half' }][] = [
    ['malformed JSON', 400, { method: 'POST', headers: json, body: '{"to": "+8618701235678",' }],
    ['bytes that are not UTF-8', 400, { method: 'POST', headers: json, body: new Uint8Array([0x7b, 0xff, 0x7d]) }],
    [
      'a chunked body (no Content-Length)',
      400,
      {
        method: 'POST',
        headers: json,
        body: new Blob(['{"to":"12"}']).stream(),
        duplex: 'half',
      },
    ],
    ['an empty body', 400, { method: 'POST', headers: json, body: '' }],
  ];

  // Behind a body parser these never reach the bridge (the refusals below).
  it.each(mount.parsed ? [] : raw)('%s, unparsed: the same answer as the public handle()', async (_, status, init) => {
    const { otp } = realOtp({ logger: { info() {}, warn() {}, error() {} } });
    const bridged = await serve(mount, otp);
    const wrapped = await serve(mount, { handle: (request, context) => otp.handle(request, context) });
    // A stream can be sent once: one per server.
    const again = init.body instanceof ReadableStream ? { ...init, body: new Blob(['{"to":"12"}']).stream() } : init;
    const answer = await seen(await fetch(`${bridged}/send`, init));
    expect(answer.status).toBe(status);
    expect(answer).toEqual(await seen(await fetch(`${wrapped}/send`, again)));
  });

  it('a send and a wrong code: the same answers as the public handle()', async () => {
    const now = Date.now();
    const { otp, sim } = realOtp({ now: () => now });
    const answers = [];
    for (const [base, to] of [
      [await serve(mount, otp), '+8618701235678'],
      [await serve(mount, { handle: (request, context) => otp.handle(request, context) }), '+8618701235679'],
    ] as const) {
      const sent = await postJson(`${base}/send`, { to });
      // The ids and the masked numbers differ; everything else must not.
      const { verificationId, to: _masked, ...rest } = (await sent.json()) as { verificationId: string; to: string };
      const wrong = sim.lastCode(to) === '000000' ? '111111' : '000000';
      const miss = await seen(await postJson(`${base}/verify`, { verificationId, code: wrong }));
      answers.push({ status: sent.status, rest, miss });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]?.miss.body).toBe('{"verified":false,"attemptsLeft":4}');
  });
});

describe.each(mounts.filter((m) => m.name.includes('express.json()')))('body parser refusals in $name', (mount) => {
  it.each([
    ['malformed JSON', '{"to": "+8618701235678", "code": "123456"', 400, 'invalid_request'],
    ["a body over express.json()'s limit", `{"to":"${'9'.repeat(200_000)}"}`, 413, 'payload_too_large'],
  ])(
    "%s: the contract JSON, never Express's HTML page, and nothing in Express's log",
    async (_, body, status, code) => {
      let reached = false;
      const base = await serve(mount, async () => {
        reached = true;
        return new Response('{}');
      });
      const logged: unknown[] = [];
      const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args));
      try {
        const res = await fetch(`${base}/send`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        const text = await res.text();
        expect(JSON.parse(text)).toMatchObject({ error: { code } });
        expect(text).not.toMatch(/<html|at \/|node_modules|123456/i);
      } finally {
        spy.mockRestore();
      }
      expect(reached).toBe(false);
      expect(logged).toEqual([]);
    },
  );
});

it("toExpress passes errors that are not a body parser's on to the app", async () => {
  const app = express()
    .use((_req, _res, next) => next(new Error("the app's own failure")))
    .use('/api/otp', ...toExpress({ handle: async () => new Response('{}') }))
    .use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(599).json({ mine: error.message });
    });
  const { base, server } = await listen(createServer(app), '/api/otp');
  servers.push(server);
  const res = await fetch(`${base}/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect([res.status, await res.json()]).toEqual([599, { mine: "the app's own failure" }]);
});
