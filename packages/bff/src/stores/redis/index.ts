// `redisStore`: the Redis scripts (scripts.ts) on whichever client the app has. No static import of any Redis
// client: ioredis is loaded only for `{ url }`, so the same entry runs on edge runtimes with @upstash/redis.
import type { OtpStore } from '../types.js';
import { within } from '../within.js';
import { evalWithScriptCache, type RedisEval, redisScriptStore } from './scripts.js';

/** ioredis' `Redis` or `Cluster` (the part of them the store uses). */
export interface IoredisClient {
  /** true for a `Cluster`: keys then spread over its primaries (see redisScriptStore's `cluster`). */
  readonly isCluster?: boolean;
  defineCommand(name: string, definition: { lua: string }): void;
  readonly status: string;
  connect(): Promise<void>;
  once(event: 'ready' | 'end', listener: () => void): unknown;
  on(event: 'error' | 'ready', listener: (error?: unknown) => void): unknown;
  listenerCount(event: 'error'): number;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/** node-redis (`redis` 4/5: `createClient()`, `createCluster()`). */
export interface NodeRedisClient {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  readonly isReady?: boolean;
}

/** @upstash/redis (Redis over HTTPS: Vercel, Netlify, Lambda, Cloudflare Workers, Deno Deploy). */
export interface UpstashClient {
  evalsha(sha: string, keys: string[], args: unknown[]): Promise<unknown>;
  eval(script: string, keys: string[], args: unknown[]): Promise<unknown>;
}

export type RedisClient = IoredisClient | NodeRedisClient | UpstashClient;

export interface RedisStoreOptions {
  /**
   * The app's client: ioredis (`Redis` or `Cluster`), node-redis, or @upstash/redis. The store never closes a
   * client it did not create. Recommended, so a dead Redis fails at once instead of queueing requests: ioredis
   * `enableOfflineQueue: false, maxRetriesPerRequest: 0`; node-redis `disableOfflineQueue: true`. With ioredis use
   * `prefix`, not its `keyPrefix`: the failure key is built inside a script, where `keyPrefix` does not reach.
   */
  client?: RedisClient;
  /** Or a URL (`redis://[:password@]host:port[/db]`, `rediss://` for TLS): the store creates an ioredis client (an
   * optional peer dependency, imported at run time so edge bundles never see it) with the fail-fast settings above,
   * and `close()` quits it. Node only; a server bundled into one file without node_modules passes `client`. */
  url?: string;
  /** Extra ioredis options for the client made from `url`. */
  redisOptions?: Record<string, unknown>;
  /** Prepended to every key. @defaultValue 'otpkit:' */
  prefix?: string;
  /** The keys live on several nodes: Redis Cluster. Found out by itself for an ioredis `Cluster`; set it for a
   * node-redis `createCluster()` client. @defaultValue false, or true for an ioredis `Cluster` */
  cluster?: boolean;
  /** The longest a store call may take (waiting for a reconnecting client included) before it fails as a 503.
   * @defaultValue 1000 */
  timeoutMs?: number;
}

export interface RedisStore extends OtpStore {
  /** Quits the client if the store created it (from `url`); leaves a caller's client alone. */
  close(): Promise<void>;
}

const isIoredis = (client: RedisClient): client is IoredisClient =>
  typeof (client as IoredisClient).defineCommand === 'function';
const isNodeRedis = (client: RedisClient): client is NodeRedisClient =>
  typeof (client as NodeRedisClient).evalSha === 'function';
const isUpstash = (client: RedisClient): client is UpstashClient =>
  typeof (client as UpstashClient).evalsha === 'function';

/**
 * A store in Redis, shared by every server instance, so the attempt budget and the send limits hold across a load
 * balancer and across serverless or edge instances. Every store call is one script (one round trip).
 *
 * Fails closed: any Redis error or timeout rejects with `OtpError('provider_unavailable')` (503) whose `cause` says
 * what went wrong, nothing is verified without its record, and service resumes when the client reconnects.
 *
 * Redis Cluster: pass an ioredis `Cluster` as `client` (no special prefix: keep braces out of it, or every key lands
 * in the one slot they name). Each recipient's keys share a hash slot and recipients spread over all slots.
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  const timeoutMs = options.timeoutMs ?? 1000;
  const { client } = options;
  const notOwned = async () => {};
  let binding: { eval: RedisEval; close(): Promise<void> };
  if (client && isIoredis(client))
    binding = { eval: ioredisEval(client, timeoutMs, observeErrors(client)), close: notOwned };
  else if (client && isNodeRedis(client)) {
    const evaluate = evalWithScriptCache({
      evalsha: (sha, keys, args) => client.evalSha(sha, { keys, arguments: args }),
      eval: (lua, keys, args) => client.eval(lua, { keys, arguments: args }),
    });
    // node-redis queues commands while it reconnects (unless disableOfflineQueue): bound every call.
    binding = {
      eval: (script, keys, args) => within(timeoutMs, 'Redis', evaluate(script, keys, args)),
      close: notOwned,
    };
  } else if (client && isUpstash(client)) {
    const evaluate = evalWithScriptCache({
      evalsha: (sha, keys, args) => client.evalsha(sha, keys, args),
      eval: (lua, keys, args) => client.eval(lua, keys, args),
    });
    binding = {
      eval: (script, keys, args) => within(timeoutMs, 'Redis', scrubbed(evaluate(script, keys, args))),
      close: notOwned,
    };
  } else if (client) {
    throw new TypeError('redisStore: `client` must be an ioredis, node-redis or @upstash/redis client.');
  } else if (options.url) binding = ownIoredis(options.url, options.redisOptions, timeoutMs);
  else throw new TypeError('redisStore needs `client` (ioredis, node-redis or @upstash/redis) or `url`.');

  const cluster = options.cluster ?? (client !== undefined && isIoredis(client) && client.isCluster === true);
  return { ...redisScriptStore({ eval: binding.eval, prefix: options.prefix, cluster }), close: () => binding.close() };
}

/**
 * @upstash/redis puts the whole command into its error messages (`…, command was: [["evalsha", sha, 1, key, …]]`),
 * and a key holds a recipient: the message is cut there, so no number reaches a log line through the cause.
 */
async function scrubbed<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    // NOSCRIPT has already been handled by evalWithScriptCache; the name and the first part stay for the log.
    const message = error.message.split(', command was:')[0] ?? '';
    throw Object.assign(new Error(message), { name: error.name });
  }
}

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

/**
 * ioredis: each script an ioredis `defineCommand` (EVALSHA, with EVAL the first time a connection meets it and on
 * NOSCRIPT). With the offline queue off, a call made while the client (re)connects would fail at once: it waits for
 * 'ready' up to `timeoutMs` (one shared listener, however many calls wait), then fails with the client's last
 * connection error (`lastError()`) as its cause.
 */
function ioredisEval(client: IoredisClient, timeoutMs: number, lastError: () => unknown = () => undefined): RedisEval {
  const commands = client as unknown as Record<string, ScriptCommand>;
  let readyWait: Promise<void> | undefined;
  const whenReady = async (): Promise<void> => {
    if (client.status === 'end') throw new Error('Redis connection closed');
    if (client.status === 'ready') return;
    // A `lazyConnect` client that was never used: connect it (ioredis would only do so if it may queue).
    if (client.status === 'wait') client.connect().catch(() => {});
    readyWait ??= new Promise<void>((resolve) => {
      client.once('ready', () => {
        readyWait = undefined;
        resolve();
      });
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      readyWait,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`Redis not connected within ${timeoutMs} ms (${client.status})`, { cause: lastError() }));
        }, timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  };
  return async (script, keys, args) => {
    await whenReady();
    // Defined once per client (a second store on the same client finds the command already there).
    if (typeof commands[script.name] !== 'function') client.defineCommand(script.name, { lua: script.lua });
    return (commands[script.name] as ScriptCommand).call(client, keys.length, ...keys, ...args);
  };
}

/**
 * The app's ioredis client's last connection error, for the cause of a "not connected" failure. Observed only when
 * the app already listens for 'error': adding the first listener would silence ioredis' own report of them.
 */
function observeErrors(client: IoredisClient): () => unknown {
  let lastError: unknown;
  if (client.listenerCount('error') > 0) {
    client.on('error', (error) => {
      lastError = error;
    });
    client.on('ready', () => {
      lastError = undefined;
    });
  }
  return () => lastError;
}

/** `{ url }`: an ioredis client of the store's own, loaded on first use (so edge bundles never see ioredis). */
function ownIoredis(url: string, redisOptions: Record<string, unknown> | undefined, timeoutMs: number) {
  let closed = false;
  // The last connection error, for the cause of a "not connected" failure.
  let lastError: unknown;
  // A specifier bundlers do not follow: a Workers or edge bundle of this module must not try to resolve ioredis
  // (esbuild fails on it, absent or present), and only `{ url }` ever loads it.
  const ioredis = 'ioredis';
  const client = (
    import(/* webpackIgnore: true */ /* @vite-ignore */ ioredis) as Promise<typeof import('ioredis')>
  ).then(({ Redis }) => {
    const c = new Redis(url, {
      enableOfflineQueue: false,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      // A script whose reply was lost with the connection must not run again later, after the handler has already
      // answered 503: it would spend an attempt or a send slot nobody asked for.
      autoResendUnfulfilledCommands: false,
      // Keep trying to reconnect (at most 1 s apart) so service resumes as soon as Redis is back.
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
      ...redisOptions,
    });
    // Connection errors also reach every failing call (as the cause of its rejection); without a listener ioredis
    // prints each reconnect failure to the console.
    c.on('error', (error: unknown) => {
      lastError = error;
    });
    c.on('ready', () => {
      lastError = undefined;
    });
    return { c, evaluate: ioredisEval(c, timeoutMs, () => lastError) };
  });
  // An import failure surfaces on the first call (a 503 with its cause), never as an unhandled rejection.
  client.catch(() => {});
  return {
    eval: (async (script, keys, args) => {
      if (closed) throw new Error('Redis connection closed');
      return (await client).evaluate(script, keys, args);
    }) satisfies RedisEval,
    async close() {
      if (closed) return;
      closed = true;
      const { c } = await client;
      if (c.status !== 'ready') {
        // Reconnecting: there is no connection to quit, only the reconnect timer to stop.
        c.disconnect();
        return;
      }
      const ended = new Promise((resolve) => c.once('end', () => resolve(undefined)));
      await c.quit().catch(() => c.disconnect());
      await ended;
    },
  };
}
