import { Redis, type RedisOptions } from 'ioredis';
import { OtpError } from './errors.js';
import type { LimitRule, OtpStore, ReserveResult, TakeResult, VerificationRecord } from './types.js';

export interface RedisStoreOptions {
  /**
   * An ioredis client you configure yourself. Recommended: `enableOfflineQueue: false` (a dead Redis fails at
   * once instead of queueing requests), `commandTimeout` (e.g. 1000) and `maxRetriesPerRequest: 0`. The store
   * never closes a client it did not create.
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

// Records are hashes: `r` holds the record as JSON (fields that never change), and the fields the scripts read or
// change sit beside it, so no script has to decode or re-encode JSON: `a` attempts, `ok` verified ('1'/'0'), `exp`
// expiresAt, `max` maxAttempts, `to` the recipient (for the failure key).
const CREATE = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'a', ARGV[2], 'ok', ARGV[3], 'exp', ARGV[4], 'max', ARGV[5], 'to', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return 1`;

// KEYS[1] record. ARGV: now, failure key prefix (store prefix + the caller's), max failures.
// The failure key is built here from the record's own `to` (the caller knows only the id): that is why it is not
// in KEYS, and why Redis Cluster needs every key in one hash slot (see the module doc).
const RESERVE = `
local h = redis.call('HMGET', KEYS[1], 'r', 'a', 'ok', 'exp', 'max', 'to')
if not h[1] then return {'not_found'} end
if h[3] == '1' then return {'already_verified', h[1], h[2], h[3]} end
if tonumber(ARGV[1]) >= tonumber(h[4]) then return {'expired', h[1], h[2], h[3]} end
local failures = tonumber(redis.call('GET', ARGV[2] .. h[6]) or '0')
if tonumber(h[2]) >= tonumber(h[5]) or failures >= (tonumber(ARGV[3]) or math.huge) then
  return {'exhausted', h[1], h[2], h[3]}
end
local a = redis.call('HINCRBY', KEYS[1], 'a', 1)
return {'reserved', h[1], tostring(a), h[3], tostring(failures)}`;

// KEYS[1] record, KEYS[2] failure counter. ARGV: '1' right code / '0' wrong, failure TTL in ms.
// The failure window starts at the first failure and is not extended by later ones (a fixed window, as in memory).
const FINISH = `
if ARGV[1] == '1' then
  local ok = redis.call('HGET', KEYS[1], 'ok')
  if not ok or ok == '1' then return 0 end
  redis.call('HSET', KEYS[1], 'ok', '1')
  return 1
end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1`;

// Fixed-window counters: hash {n, reset}. The window is judged by the caller's `now` against `reset` (as in
// memory); the key's TTL only collects garbage. All-or-nothing: nothing is counted unless every rule has room.
// KEYS: one per rule. ARGV: now, then limit and windowMs per rule.
const TAKE = `
local now = tonumber(ARGV[1])
local worst, worstAt = -1, 0
local live = {}
for i, key in ipairs(KEYS) do
  local limit, window = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  if window > 0 then
    local c = redis.call('HMGET', key, 'n', 'reset')
    local n, reset = tonumber(c[1]), tonumber(c[2])
    if n and reset and reset <= now then n = nil end
    live[i] = n ~= nil
    if limit <= 0 or (n and n >= limit) then
      local wait = n and (reset - now) or window
      if wait > worst then worst, worstAt = wait, i end
    end
  end
end
if worstAt > 0 then return {0, worst, worstAt} end
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[2 * i + 1])
  if window > 0 then
    if live[i] then
      redis.call('HINCRBY', key, 'n', 1)
    else
      redis.call('DEL', key)
      redis.call('HSET', key, 'n', 1, 'reset', now + window)
      redis.call('PEXPIRE', key, window)
      live[i] = true
    end
  end
end
return {1}`;

interface Scripts {
  otpkitCreate(key: string, ...args: (string | number)[]): Promise<number>;
  otpkitReserve(key: string, now: number, failurePrefix: string, maxFailures: number): Promise<string[]>;
  otpkitFinish(key: string, failureKey: string, ok: '1' | '0', failureTtlMs: number): Promise<number>;
  otpkitTake(...args: (string | number)[]): Promise<[number, number?, number?]>;
}

/**
 * A store in Redis, shared by every server instance, so the attempt budget and the send limits hold across a
 * load balancer. Each check-and-update that guards security is one Lua script (atomic in Redis; sent as EVALSHA
 * with an EVAL fallback on NOSCRIPT by ioredis' `defineCommand`), so every store call is one round trip and a
 * verify costs two (reserve, finish). Records and counters expire with Redis TTLs.
 *
 * Fails closed: any Redis error or timeout rejects with `OtpError('provider_unavailable')` (503), nothing is
 * verified without its record, and service resumes when the client reconnects.
 *
 * Redis Cluster: `reserveAttempt` reads the failure counter named after the record's recipient, and `take` spans
 * several keys, so all keys must live in one hash slot: use a prefix with a hash tag (`prefix: '{otpkit}:'`) or a
 * single primary (with replicas).
 *
 * ```ts
 * const store = redisStore({ url: process.env.REDIS_URL });
 * // or: redisStore({ client: new Redis(url, { enableOfflineQueue: false, commandTimeout: 1000 }) })
 * ```
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  const prefix = options.prefix ?? 'otpkit:';
  const timeoutMs = options.timeoutMs ?? 1000;
  const owned = !options.client;
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
    // Connection errors also reach every failing call as a rejection; without a listener ioredis prints each
    // reconnect failure to the console.
    client.on('error', () => {});
  } else {
    throw new TypeError('redisStore needs `client` (an ioredis instance) or `url`.');
  }
  const scripts = client as unknown as Scripts;
  client.defineCommand('otpkitCreate', { numberOfKeys: 1, lua: CREATE });
  client.defineCommand('otpkitReserve', { numberOfKeys: 1, lua: RESERVE });
  client.defineCommand('otpkitFinish', { numberOfKeys: 2, lua: FINISH });
  client.defineCommand('otpkitTake', { lua: TAKE });

  const recordKey = (id: string) => `${prefix}v:${id}`;

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
        timer = setTimeout(() => reject(new Error('Redis not connected')), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  };

  // Every failure becomes the contract's 503; the cause stays attached for server-side debugging (ioredis errors
  // name the command, never its arguments).
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      await whenReady();
      return await run();
    } catch (error) {
      throw new OtpError('provider_unavailable', 'The verification store is unavailable.', {}, { cause: error });
    }
  };

  const toRecord = (json: string, attempts: string | undefined, verified: string | undefined) => {
    const record = JSON.parse(json) as VerificationRecord;
    record.attempts = Number(attempts);
    record.verified = verified === '1';
    return record;
  };

  return {
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

    create: (record, ttlMs) =>
      call(async () => {
        const ms = Math.max(1, Math.ceil(ttlMs));
        await scripts.otpkitCreate(
          recordKey(record.id),
          JSON.stringify(record),
          record.attempts,
          record.verified ? '1' : '0',
          record.expiresAt,
          record.maxAttempts,
          record.to,
          ms,
        );
      }),

    get: (id) =>
      call(async () => {
        const [json, attempts, verified] = await client.hmget(recordKey(id), 'r', 'a', 'ok');
        return json ? toRecord(json, attempts ?? undefined, verified ?? undefined) : null;
      }),

    delete: (id) => call(async () => (await client.del(recordKey(id))) > 0),

    reserveAttempt: (id, now, failurePrefix, maxFailures) =>
      call(async (): Promise<ReserveResult> => {
        const [status, json, attempts, verified, failures] = await scripts.otpkitReserve(
          recordKey(id),
          now,
          prefix + failurePrefix,
          maxFailures,
        );
        if (status === 'not_found' || json === undefined) return { status: 'not_found' };
        const record = toRecord(json, attempts, verified);
        if (status === 'reserved') return { status, record, failures: Number(failures) };
        return { status: status as 'expired' | 'already_verified' | 'exhausted', record };
      }),

    finishAttempt: (id, ok, failureKey, failureTtlMs) =>
      call(
        async () =>
          (await scripts.otpkitFinish(
            recordKey(id),
            prefix + failureKey,
            ok ? '1' : '0',
            Math.max(1, Math.ceil(failureTtlMs)),
          )) === 1,
      ),

    failures: (failureKey) => call(async () => Number((await client.get(prefix + failureKey)) ?? 0)),

    // A limit counter is a hash { n, reset } (see TAKE); its window is judged by the caller's `now`, as in take.
    hits: (key, now) =>
      call(async () => {
        const [n, reset] = await client.hmget(prefix + key, 'n', 'reset');
        return n !== null && Number(reset) > now ? Number(n) : 0;
      }),

    take: (rules: LimitRule[], now: number) =>
      call(async (): Promise<TakeResult> => {
        if (rules.length === 0) return { ok: true };
        const args: (string | number)[] = [rules.length, ...rules.map((rule) => prefix + rule.key), now];
        for (const rule of rules) args.push(rule.limit, Math.ceil(rule.windowMs));
        const [ok, wait, at] = await scripts.otpkitTake(...args);
        if (ok === 1) return { ok: true };
        return { ok: false, retryAfterMs: Number(wait), key: rules[Number(at) - 1]!.key };
      }),

    release: (keys) =>
      call(async () => {
        if (keys.length > 0) await client.del(...keys.map((key) => prefix + key));
      }),
  };
}
