import { Redis, type RedisOptions } from 'ioredis';
import type { OtpStore } from '../types.js';
import { REDIS_SCRIPTS, type RedisEval, type RedisScript, redisScriptStore } from './scripts.js';

export interface RedisStoreOptions {
  /**
   * An ioredis client you configure yourself. Recommended: `enableOfflineQueue: false` (a dead Redis fails at
   * once instead of queueing requests), `commandTimeout` (e.g. 1000) and `maxRetriesPerRequest: 0`. The store
   * never closes a client it did not create. Use `prefix`, not ioredis' `keyPrefix`: the failure key is built
   * inside a script, where `keyPrefix` does not reach.
   */
  client?: Redis;
  /** Or a URL (`redis://[:password@]host:port[/db]`, `rediss://` for TLS): the store creates a client with the
   * fail-fast settings above and `close()` quits it. */
  url?: string;
  /** Extra ioredis options for the client made from `url`. */
  redisOptions?: RedisOptions;
  /** Prepended to every key. @defaultValue 'otpkit:' */
  prefix?: string;
  /** How long a call waits for a (re)connecting client before failing, and the command timeout of a client made
   * from `url`. @defaultValue 1000 */
  timeoutMs?: number;
}

export interface RedisStore extends OtpStore {
  readonly client: Redis;
  /** Quits the client if the store created it (from `url`); leaves a caller's client alone. */
  close(): Promise<void>;
}

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

/**
 * A store in Redis over ioredis, shared by every server instance, so the attempt budget and the send limits hold
 * across a load balancer. It is `redisScriptStore` (`@otpkit/bff/redis-scripts`: the scripts, key layout and
 * behaviour) run by ioredis: each script is an ioredis `defineCommand` (EVALSHA, with EVAL the first time a
 * connection meets it and on NOSCRIPT), so every store call is one round trip.
 *
 * Fails closed: any Redis error or timeout rejects with `OtpError('provider_unavailable')` (503) whose `cause` says
 * what went wrong, nothing is verified without its record, and service resumes when the client reconnects.
 *
 * Redis Cluster: today every key must live in one hash slot: use a prefix with a hash tag (`prefix: '{otpkit}:'`).
 *
 * ```ts
 * const store = redisStore({ url: process.env.REDIS_URL });
 * // or: redisStore({ client: new Redis(url, { enableOfflineQueue: false, commandTimeout: 1000 }) })
 * ```
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  const timeoutMs = options.timeoutMs ?? 1000;
  const owned = !options.client;
  // The last connection error of a client made here, for the cause of a "not connected" failure.
  let lastError: unknown;
  let client: Redis;
  if (options.client) client = options.client;
  else if (options.url) {
    client = new Redis(options.url, {
      enableOfflineQueue: false,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      // A script whose reply was lost with the connection must not run again later, after the handler has already
      // answered 503: it would spend an attempt or a send slot nobody asked for.
      autoResendUnfulfilledCommands: false,
      // Keep trying to reconnect (at most 1 s apart) so service resumes as soon as Redis is back.
      retryStrategy: (times) => Math.min(times * 100, 1000),
      ...options.redisOptions,
    });
    // Connection errors also reach every failing call (as the cause of its rejection); without a listener ioredis
    // prints each reconnect failure to the console.
    client.on('error', (error) => {
      lastError = error;
    });
    client.on('ready', () => {
      lastError = undefined;
    });
  } else {
    throw new TypeError('redisStore needs `client` (an ioredis instance) or `url`.');
  }

  // One ioredis command per script, defined once per client (a second store on the same client redefines the same
  // scripts under the same names).
  const commands = client as unknown as Record<string, ScriptCommand>;
  for (const script of Object.values(REDIS_SCRIPTS)) client.defineCommand(script.name, { lua: script.lua });
  const command = (script: RedisScript): ScriptCommand => {
    if (typeof commands[script.name] !== 'function') client.defineCommand(script.name, { lua: script.lua });
    return (commands[script.name] as ScriptCommand).bind(client);
  };

  // With the offline queue off, a call made while the client (re)connects would fail at once: wait for 'ready'
  // up to `timeoutMs` (one shared listener, however many calls wait), then fail.
  let readyWait: Promise<void> | undefined;
  let closed = false;
  const whenReady = async (): Promise<void> => {
    if (closed || client.status === 'end') throw new Error('Redis connection closed');
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
          // The cause: the client's last connection error (a refused connection, a wrong password), when known.
          reject(new Error(`Redis not connected within ${timeoutMs} ms (${client.status})`, { cause: lastError }));
        }, timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  };

  // ioredis errors name the command, never its arguments; redisScriptStore wraps them (once) as the 503.
  const evaluate: RedisEval = async (script, keys, args) => {
    await whenReady();
    return command(script)(keys.length, ...keys, ...args);
  };

  return {
    ...redisScriptStore({ eval: evaluate, prefix: options.prefix }),
    client,

    async close() {
      if (!owned || closed) return;
      closed = true;
      if (client.status !== 'ready') {
        // Reconnecting: there is no connection to quit, only the reconnect timer to stop.
        client.disconnect();
        return;
      }
      const ended = new Promise((resolve) => client.once('end', resolve));
      await client.quit().catch(() => client.disconnect());
      await ended;
    },
  };
}
