// A local endpoint that speaks Upstash's documented REST protocol (https://upstash.com/docs/redis/features/restapi)
// in front of a REAL redis-server, so `redisStore({ client: new Redis({ url, token }) })` from @upstash/redis is
// tested against Redis itself, over HTTP, as on Vercel, Netlify, Lambda or Cloudflare Workers:
// - `POST /` with a JSON array `["EVAL", script, numkeys, ...]` -> 200 `{ "result": … }`, or 400 `{ "error": "…" }`;
// - `POST /pipeline` with an array of commands -> an array of `{ "result" }` / `{ "error" }`, in order;
// - `Authorization: Bearer <token>`, else 401 `{ "error": "Unauthorized" }`;
// - `Upstash-Encoding: base64`: every bulk string in a result base64-encoded (status "OK" is not), as the client
//   asks by default; integers stay numbers, nil is null, arrays keep their shape.
import { Redis } from 'ioredis';
import { type LoopbackServer, listenLoopback } from '../../testing/loopback.js';

export interface UpstashRest extends LoopbackServer {
  token: string;
  /** Commands received, for assertions (the first word of each, upper case). */
  commands: string[];
  /** Makes the endpoint answer 5xx (a platform outage) until called again with false. */
  fail(failing: boolean): void;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function encode(reply: unknown, base64: boolean): unknown {
  if (Array.isArray(reply)) return reply.map((item) => encode(item, base64));
  if (typeof reply === 'string') return base64 && reply !== 'OK' ? b64(reply) : reply;
  return reply ?? null;
}

export async function upstashRest(redisUrl: string, token = 'upstash-test-token'): Promise<UpstashRest> {
  const redis = new Redis(redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
  const commands: string[] = [];
  let failing = false;
  const run = async (command: unknown, base64: boolean) => {
    if (!Array.isArray(command) || command.length === 0) return { error: 'ERR command must be a non-empty array' };
    const [name, ...args] = command.map((part) => (typeof part === 'string' ? part : JSON.stringify(part)));
    commands.push(String(name).toUpperCase());
    try {
      return { result: encode(await redis.call(String(name), ...args), base64) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  const server = await listenLoopback(async (input, init) => {
    const request = new Request(input, init);
    const json = (status: number, body: unknown) => Response.json(body, { status });
    if (failing) return json(503, { error: 'Service Unavailable' });
    if (request.headers.get('authorization') !== `Bearer ${token}`) return json(401, { error: 'Unauthorized' });
    if (request.method !== 'POST') return json(405, { error: 'Method Not Allowed' });
    const base64 = request.headers.get('upstash-encoding') === 'base64';
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return json(400, { error: 'ERR failed to parse command' });
    }
    const path = new URL(request.url).pathname;
    if (path === '/pipeline') {
      if (!Array.isArray(body)) return json(400, { error: 'ERR pipeline must be an array of commands' });
      const results = [];
      for (const command of body) results.push(await run(command, base64));
      return json(200, results);
    }
    if (path !== '/') return json(404, { error: 'Not Found' });
    const reply = await run(body, base64);
    return json('error' in reply ? 400 : 200, reply);
  });
  return {
    ...server,
    token,
    commands,
    fail: (value) => {
      failing = value;
    },
    async close() {
      await server.close();
      redis.disconnect();
    },
  };
}
