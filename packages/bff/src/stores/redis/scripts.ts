// The Redis store without a Redis client: the Lua scripts, the key layout, and `redisScriptStore`, which builds a
// full OtpStore over any function that can run a script (EVAL/EVALSHA). No ioredis and no `node:` import, so it runs
// on edge runtimes over Upstash's REST API as well as on Node over node-redis or ioredis (`@otpkit/bff/redis` is the
// ioredis binding).
import { OtpError } from '../../errors.js';
import {
  type LimitRule,
  type OtpStore,
  type ReserveResult,
  recipientKey,
  recordShard,
  SHARD_TAG_LENGTH,
  type TakeCreate,
  type TakeResult,
  type VerificationRecord,
} from '../types.js';

/** One Lua script of the store. `name` is stable and unique among `REDIS_SCRIPTS` (a client may cache by it). */
export interface RedisScript {
  readonly name: string;
  readonly lua: string;
}

/**
 * Runs one script atomically: EVALSHA with an EVAL fallback on NOSCRIPT, or plain EVAL (the client's choice).
 * Resolves the reply as Redis returns it: integers, bulk strings, arrays, nil as null (numbers as strings and
 * strings already parsed as JSON, as some REST clients return them, are fine too). Rejects on any error.
 */
export type RedisEval = (script: RedisScript, keys: string[], args: (string | number)[]) => Promise<unknown>;

export interface RedisScriptStoreOptions {
  /** Runs a script on your Redis. */
  eval: RedisEval;
  /** Prepended to every key. @defaultValue 'otpkit:' */
  prefix?: string;
  /**
   * The keys live on several nodes (Redis Cluster): a `take` or `release` whose keys are in several hash slots
   * runs one script per slot, side by side (see `take`). Every other call's keys already share one slot.
   * @defaultValue false
   */
  cluster?: boolean;
}

// Key layout (all under the store's prefix). Every key about one recipient carries its shard tag as a Redis hash tag
// (`{tag}`, see shardTag): its records (`v:{tag}<rest of the id>`: an id begins with its recipient's tag), its failure
// budgets and send limits (`fw:{tag}+44…`, built by the flow with recipientKey). So the keys of each script share one
// hash slot on Redis Cluster, while recipients spread over all slots; per-client and pumping counters (`ip:…`,
// `pv:…`) have no tag and spread by their own name.
// - `v:{tag}<rest of the id>`: a record, as a hash. `r` holds the record as JSON (its fields that never change), and the fields the
//   scripts read or change sit beside it, so no script decodes or re-encodes JSON: `a` attempts, `ok` verified
//   ('1'/'0'), `exp` expiresAt, `max` maxAttempts, `to` the recipient (for the failure key), `u` the moment it is
//   gone (create's `now + ttlMs`; a record written without `u` lives until its key expires).
// - `<key>`: a window counter (take's rules, reserveAttempt's failure budgets), as a hash { n, reset }.
// Records and counters are judged by the caller's `now` (against `u` and `reset`); each key also carries a Redis TTL
// of the same length, which only collects garbage.

// Shared by the scripts that read or count counters.
const COUNTERS = `
-- The count of a counter at now, and when its window ends; nil when there is none, its window has ended, or the key
-- is not a counter (a plain number left by an older version): such a key counts as empty and is replaced on the
-- next hit, instead of failing every call until it expires.
local function count(key, now)
  local c = redis.pcall('HMGET', key, 'n', 'reset')
  if c.err then return nil end
  local n, reset = tonumber(c[1]), tonumber(c[2])
  if n and reset and reset > now then return n, reset end
  return nil
end
-- One hit; a new window starts at the first hit, and later hits extend it only when sliding. window: a string of
-- digits, > 0.
local function hit(key, now, window, sliding)
  if count(key, now) then
    redis.call('HINCRBY', key, 'n', 1)
    if not sliding then return end
  else
    redis.call('DEL', key)
    redis.call('HSET', key, 'n', 1)
  end
  redis.call('HSET', key, 'reset', string.format('%.0f', now + tonumber(window)))
  redis.call('PEXPIRE', key, window)
end
-- One hit taken back (a refund), never below 0; the window is left as it is.
local function unhit(key, now)
  local n = count(key, now)
  if not n then return end
  if n <= 1 then redis.call('DEL', key) else redis.call('HINCRBY', key, 'n', -1) end
end
`;

// A record key's fields, or nil when there is no record or it is gone at now.
const RECORDS = `
local function record(key, now, ...)
  local h = redis.call('HMGET', key, 'u', ...)
  if not h[2] or (h[1] and tonumber(h[1]) <= now) then return nil end
  table.remove(h, 1)
  return h
end
`;

const script = (name: string, lua: string): RedisScript => Object.freeze({ name, lua: lua.trim() });

/** Every script the store runs, by method: preload them (SCRIPT LOAD, ioredis `defineCommand`) if your client wants. */
export const REDIS_SCRIPTS = Object.freeze({
  // KEYS[1] record. ARGV: json, attempts, verified '1'/'0', expiresAt, maxAttempts, to, until, ttlMs, codeHash ('' for
  // none).
  create: script(
    'otpkit_create',
    `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'a', ARGV[2], 'ok', ARGV[3], 'exp', ARGV[4], 'max', ARGV[5], 'to', ARGV[6], 'u', ARGV[7])
if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'h', ARGV[9]) end
redis.call('PEXPIRE', KEYS[1], ARGV[8])
return 1`,
  ),

  // KEYS[1] record. ARGV: now. Reply: nil, or {json, attempts, verified}.
  get: script(
    'otpkit_get',
    `${RECORDS}
local h = record(KEYS[1], tonumber(ARGV[1]), 'r', 'a', 'ok')
if not h then return nil end
return h`,
  ),

  // KEYS[1] record. ARGV: now. Reply: 1 if the record was there (and not gone at now), else 0.
  delete: script(
    'otpkit_delete',
    `${RECORDS}
local h = record(KEYS[1], tonumber(ARGV[1]), 'r')
redis.call('DEL', KEYS[1])
if h then return 1 end
return 0`,
  ),

  // KEYS[1] record. ARGV: now, the guessed code's hash ('' for none), the number of reopen prefixes and those
  // prefixes (store prefix + the caller's), then 4 per failure budget: key prefix (store prefix + the caller's), limit
  // ('' for none), windowMs, sliding '1'/'0'. Reply: {status, json, attempts, verified, failuresLeft ('' for none),
  // retryAfterMs}; 'verified' when the hash is the record's (`h`). The budget and reopen keys are built here from the
  // record's own `to` (the caller knows only the id); they share the record's hash slot (see the key layout).
  reserveAttempt: script(
    'otpkit_reserve',
    `${COUNTERS}${RECORDS}
local now = tonumber(ARGV[1])
local h = record(KEYS[1], now, 'r', 'a', 'ok', 'exp', 'max', 'to', 'h')
if not h then return {'not_found'} end
if h[3] == '1' then return {'already_verified', h[1], h[2], h[3]} end
if now >= tonumber(h[4]) then return {'expired', h[1], h[2], h[3]} end
local budgets = 4 + tonumber(ARGV[3])
local function reopen()
  for i = 4, budgets - 1 do redis.call('DEL', ARGV[i] .. h[6]) end
end
local left, wait = math.huge, 0
for i = budgets, #ARGV, 4 do
  local key, limit = ARGV[i] .. h[6], tonumber(ARGV[i + 1]) or math.huge
  local n, reset = count(key, now)
  n = n or 0
  if limit - n < left then left = limit - n end
  if n >= limit then
    local w = (n > 0 and reset - now) or tonumber(ARGV[i + 2])
    if w > wait then wait = w end
  end
end
local shown = ''
if tonumber(h[2]) >= tonumber(h[5]) or left <= 0 then
  if left < math.huge then shown = string.format('%.0f', math.max(0, left)) end
  return {'exhausted', h[1], h[2], h[3], shown, wait}
end
local a = redis.call('HINCRBY', KEYS[1], 'a', 1)
if ARGV[2] ~= '' and h[7] == ARGV[2] then
  redis.call('HSET', KEYS[1], 'ok', '1')
  reopen()
  return {'verified', h[1], a, '1'}
end
for i = budgets, #ARGV, 4 do hit(ARGV[i] .. h[6], now, ARGV[i + 2], ARGV[i + 3] == '1') end
if a >= tonumber(h[5]) or left <= 1 then reopen() end
if left < math.huge then shown = string.format('%.0f', left - 1) end
return {'reserved', h[1], a, h[3], shown, 0}`,
  ),

  // KEYS[1] record. ARGV: now, the number of reopen prefixes and those prefixes, then the failure key prefixes to
  // refund. Reply: 1 for the call that marked it (and refunded and reopened), 0 if it already was or is gone.
  markVerified: script(
    'otpkit_verified',
    `${COUNTERS}${RECORDS}
local now = tonumber(ARGV[1])
local h = record(KEYS[1], now, 'ok', 'to')
if not h or h[1] == '1' then return 0 end
redis.call('HSET', KEYS[1], 'ok', '1')
local refunds = 3 + tonumber(ARGV[2])
for i = 3, refunds - 1 do redis.call('DEL', ARGV[i] .. h[2]) end
for i = refunds, #ARGV do unhit(ARGV[i] .. h[2], now) end
return 1`,
  ),

  // KEYS[1] record. ARGV: now, then the failure key prefixes to refund.
  refundAttempt: script(
    'otpkit_refund',
    `${COUNTERS}${RECORDS}
local now = tonumber(ARGV[1])
local h = record(KEYS[1], now, 'to')
if not h then return 0 end
for i = 2, #ARGV do unhit(ARGV[i] .. h[1], now) end
return 1`,
  ),

  // KEYS: one counter per rule, then (a send that saves its record in the same step) the record. ARGV: now, the
  // number of rules, then 3 per rule: limit ('' for none), windowMs, and its mode: '' (count it), 'peek' (judge it,
  // never count it), or 'i,w0,w1,…' (its window is w[n], n the hits of rule i before this take, the last w for more);
  // then, with a record: the gate rule's index, the record's JSON without its resend fields and closing brace,
  // attempts, verified '1'/'0', expiresAt, maxAttempts, to, ttlMs, codeHash ('' for none), resendCount. All-or-nothing:
  // nothing is counted or saved unless every rule has room. Reply: {1, then each rule's hits before and window}, or
  // {0, longest wait in ms, 1-based index of its rule}.
  take: script(
    'otpkit_take',
    `${COUNTERS}
local now, rules = tonumber(ARGV[1]), tonumber(ARGV[2])
local n, resets, wins, bys = {}, {}, {}, {}
for i = 1, rules do
  local c, r = count(KEYS[i], now)
  n[i], resets[i] = c or 0, r
end
for i = 1, rules do
  local mode, w = ARGV[3 * i + 2], tonumber(ARGV[3 * i + 1])
  if mode ~= '' and mode ~= 'peek' then
    local list = {}
    for v in string.gmatch(mode, '[^,]+') do list[#list + 1] = tonumber(v) end
    bys[i] = table.remove(list, 1)
    w = list[math.min((n[bys[i]] or 0) + 1, #list)]
  end
  wins[i] = w
end
local worst, worstAt = -1, 0
for i = 1, rules do
  local limit = tonumber(ARGV[3 * i]) or math.huge
  if wins[i] > 0 and (limit <= 0 or n[i] >= limit) then
    local wait = (n[i] > 0 and resets[i] - now) or wins[i]
    if wait > worst then worst, worstAt = wait, i end
  end
end
if worstAt > 0 then return {0, worst, worstAt} end
local reply = {1}
for i = 1, rules do
  if wins[i] > 0 and ARGV[3 * i + 2] ~= 'peek' then hit(KEYS[i], now, string.format('%.0f', wins[i]), false) end
  reply[#reply + 1] = n[i]
  reply[#reply + 1] = wins[i]
end
if #KEYS > rules then
  local c, key = 3 * rules + 3, KEYS[rules + 1]
  local g = tonumber(ARGV[c])
  local doublings = (bys[g] and n[bys[g]]) or 0
  local json = ARGV[c + 1] .. ',"resendAt":' .. string.format('%.0f', now + wins[g]) .. ',"resendCount":' ..
    string.format('%.0f', math.max(tonumber(ARGV[c + 9]), doublings)) .. '}'
  redis.call('DEL', key)
  redis.call('HSET', key, 'r', json, 'a', ARGV[c + 2], 'ok', ARGV[c + 3], 'exp', ARGV[c + 4], 'max', ARGV[c + 5],
    'to', ARGV[c + 6], 'u', string.format('%.0f', now + tonumber(ARGV[c + 7])))
  if ARGV[c + 8] ~= '' then redis.call('HSET', key, 'h', ARGV[c + 8]) end
  redis.call('PEXPIRE', key, ARGV[c + 7])
end
return reply`,
  ),

  // KEYS[1] counter. ARGV: now. Reply: its hits in the window at now.
  hits: script(
    'otpkit_hits',
    `${COUNTERS}
return count(KEYS[1], tonumber(ARGV[1])) or 0`,
  ),

  // KEYS: counters to take one hit back from (never below 0): a take on Redis Cluster that one slot refused gives
  // back what the other slots counted. ARGV: now.
  untake: script(
    'otpkit_untake',
    `${COUNTERS}
for _, key in ipairs(KEYS) do unhit(key, tonumber(ARGV[1])) end
return 1`,
  ),

  // KEYS: counters to forget.
  release: script(
    'otpkit_release',
    `
return redis.call('DEL', unpack(KEYS))`,
  ),
} satisfies Record<Exclude<keyof OtpStore, 'counterShards'> | 'untake', RedisScript>);

// ----- Replies, decoded defensively: ioredis gives numbers as numbers, REST clients may give them as strings, and
// @upstash/redis parses any string that is valid JSON (the record's JSON arrives as an object, '1' as 1).

const utf8 = new TextDecoder();
const text = (value: unknown): string | null => {
  if (value === null || value === undefined || value === false) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return utf8.decode(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};
const num = (value: unknown): number => {
  const n = Number(text(value));
  if (!Number.isFinite(n)) throw new TypeError(`Redis replied ${String(value)} where a number belongs`);
  return n;
};
const list = (value: unknown): unknown[] => {
  if (!Array.isArray(value)) throw new TypeError('Redis replied something other than an array');
  return value;
};
const toRecord = (json: unknown, attempts: unknown, verified: unknown): VerificationRecord => {
  const source = text(json);
  if (source === null) throw new TypeError('Redis replied a record without its data');
  const record = JSON.parse(source) as VerificationRecord;
  record.attempts = num(attempts);
  record.verified = text(verified) === '1';
  return record;
};
/** A duration for ARGV and PEXPIRE: whole milliseconds, at least 1. (Limits that are not finite go as '', which
 * the scripts read as "no limit".) */
const whole = (ms: number) => Math.max(1, Math.ceil(ms));

/**
 * The Redis store over any client that can run a script: every store call is ONE script (atomic in Redis, one round
 * trip), so `options.eval` is all a client has to provide. Records and counters are judged by the caller's `now`;
 * their keys expire with Redis TTLs of the same length, so nothing needs a cleanup job.
 *
 * Fails closed: any error from `eval` (or a reply that makes no sense) rejects with
 * `OtpError('provider_unavailable')` (503) with the error as its `cause`, and nothing is verified without its record.
 *
 * Redis Cluster (`cluster: true`): every script's keys share one hash slot (the recipient's shard tag, see the key
 * layout), so records and counters spread over every primary; `take` and `release` run one script per slot.
 *
 * ```ts
 * // Upstash over REST (edge runtimes): the Upstash SDK's EVAL.
 * import { Redis } from '@upstash/redis';
 * const redis = Redis.fromEnv({ automaticDeserialization: false });
 * const store = redisScriptStore({ eval: (script, keys, args) => redis.eval(script.lua, keys, args.map(String)) });
 * // node-redis: { eval: (script, keys, args) => client.eval(script.lua, { keys, arguments: args.map(String) }) }
 * ```
 */
export function redisScriptStore(options: RedisScriptStoreOptions): OtpStore {
  const prefix = options.prefix ?? 'otpkit:';
  const evaluate = options.eval;
  const S = REDIS_SCRIPTS;
  // The id's shard tag as the key's hash tag: the record lives in the slot of its recipient's counters.
  const recordKey = (id: string) => `${prefix}v:{${recordShard(id)}}${id.slice(SHARD_TAG_LENGTH)}`;
  const cluster = options.cluster ?? false;
  // On a cluster, the flow splits its hottest counters (the send budgets) in 16 pieces: about 5 per primary of 3.
  /** Counter prefixes under the store's prefix (the scripts append the record's recipient). */
  const prefixed = (prefixes: readonly string[]) => prefixes.map((p) => prefix + p);
  /** One take script over rules that share a slot (a rule's `windowBy` names a rule of the same group: both keys
   * are about one recipient), saving `create`'s record when given (its gate rule is in this group). Resolves, for
   * ok, each rule's hits before and window, in the group's order. */
  const takeIn = (group: readonly LimitRule[], now: number, create?: TakeCreate) => {
    const args: (string | number)[] = [now, group.length];
    for (const rule of group) {
      const by = rule.windowBy;
      const mode = rule.peek
        ? 'peek'
        : by
          ? [group.findIndex((r) => r.key === by.by) + 1, ...by.windowsMs.map(whole)].join(',')
          : '';
      args.push(Number.isFinite(rule.limit) ? rule.limit : '', rule.windowMs > 0 ? whole(rule.windowMs) : 0, mode);
    }
    const keys = group.map((rule) => prefix + rule.key);
    if (create) {
      const { record } = create;
      const ms = whole(create.ttlMs);
      // The resend fields are the script's to write (the gate decides them): the JSON goes without them and without
      // its closing brace.
      const json = JSON.stringify({ ...record, resendAt: undefined, resendCount: undefined });
      keys.push(recordKey(record.id));
      args.push(
        group.findIndex((r) => r.key === create.resendBy) + 1,
        json.slice(0, -1),
        record.attempts,
        record.verified ? '1' : '0',
        record.expiresAt,
        record.maxAttempts,
        recipientKey(record.to),
        ms,
        record.codeHash ?? '',
        record.resendCount,
      );
    }
    return run(S.take, keys, args, (reply) => {
      const [ok, ...rest] = list(reply);
      if (num(ok) === 1) return { ok: true as const, counts: rest.map(num) };
      const [wait, at] = rest;
      const rule = group[num(at) - 1];
      if (!rule) throw new TypeError(`Redis replied rule ${String(at)} of ${group.length}`);
      return { ok: false as const, retryAfterMs: num(wait), key: rule.key };
    });
  };

  // The one place errors are wrapped: the cause stays attached for the server's log (the flow logs the chain).
  const run = async <T>(
    s: RedisScript,
    keys: string[],
    args: (string | number)[],
    decode: (reply: unknown) => T,
  ): Promise<T> => {
    try {
      return decode(await evaluate(s, keys, args));
    } catch (error) {
      throw new OtpError('provider_unavailable', { message: 'The verification store is unavailable.', cause: error });
    }
  };

  return {
    ...(cluster ? { counterShards: 16 } : {}),
    create: ({ record, ttlMs, now }) => {
      const ms = whole(ttlMs);
      return run(
        S.create,
        [recordKey(record.id)],
        [
          JSON.stringify(record),
          record.attempts,
          record.verified ? '1' : '0',
          record.expiresAt,
          record.maxAttempts,
          recipientKey(record.to),
          now + ms,
          ms,
          record.codeHash ?? '',
        ],
        () => undefined,
      );
    },

    get: ({ id, now }) =>
      run(S.get, [recordKey(id)], [now], (reply) => {
        if (reply === null || reply === undefined) return null;
        const [json, attempts, verified] = list(reply);
        return toRecord(json, attempts, verified);
      }),

    delete: ({ id, now }) => run(S.delete, [recordKey(id)], [now], (reply) => num(reply) === 1),

    reserveAttempt: ({ id, budgets, now, codeHash, reopen = [] }) => {
      const args: (string | number)[] = [now, codeHash ?? '', reopen.length, ...prefixed(reopen)];
      for (const b of budgets) {
        args.push(prefix + b.prefix, Number.isFinite(b.limit) ? b.limit : '', whole(b.windowMs), b.sliding ? '1' : '0');
      }
      return run(S.reserveAttempt, [recordKey(id)], args, (reply): ReserveResult => {
        const [status, json, attempts, verified, left, wait] = list(reply);
        const failuresLeft = text(left) === '' ? Number.POSITIVE_INFINITY : num(left);
        switch (text(status)) {
          case 'not_found':
            return { status: 'not_found' };
          case 'reserved':
            return { status: 'reserved', record: toRecord(json, attempts, verified), failuresLeft };
          case 'verified':
            return { status: 'verified', record: toRecord(json, attempts, verified) };
          case 'exhausted':
            return {
              status: 'exhausted',
              record: toRecord(json, attempts, verified),
              failuresLeft,
              retryAfterMs: num(wait),
            };
          case 'expired':
          case 'already_verified':
            return {
              status: text(status) as 'expired' | 'already_verified',
              record: toRecord(json, attempts, verified),
            };
          default:
            throw new TypeError(`Redis replied an unknown status ${text(status)}`);
        }
      });
    },

    markVerified: ({ id, budgets, now, reopen = [] }) =>
      run(
        S.markVerified,
        [recordKey(id)],
        [now, reopen.length, ...prefixed(reopen), ...prefixed(budgets.map((b) => b.prefix))],
        (reply) => num(reply) === 1,
      ),

    refundAttempt: ({ id, budgets, now }) =>
      run(S.refundAttempt, [recordKey(id)], [now, ...prefixed(budgets.map((b) => b.prefix))], () => undefined),

    take: async ({ rules, now, create }): Promise<TakeResult> => {
      const hits = rules.map(() => 0);
      const windowsMs = rules.map((rule) => rule.windowMs);
      // A window of 0 is no rule (as in memory): left out here.
      const counted = rules.filter((rule: LimitRule) => rule.windowMs > 0 || rule.windowBy);
      if (counted.length === 0) return { ok: true, hits, windowsMs };
      // One script per hash slot (only on Redis Cluster; one script for all rules on a single Redis). Each is atomic
      // on its own; if any refuses, the others give back what they counted. So no counter ever goes past its limit
      // (each is judged atomically where it lives), but a take refused in one slot holds room in the others for the
      // moment between its scripts: it may refuse a concurrent take there that had room (never admit one that had
      // not).
      const groups = cluster ? bySlot(counted, (rule) => prefix + rule.key) : [counted];
      // The record goes with its gate rule: the same slot (both carry the recipient's shard tag).
      const withRecord = create ? groups.findIndex((group) => group.some((r) => r.key === create.resendBy)) : -1;
      if (create && withRecord < 0) throw new TypeError(`take: create.resendBy ${create.resendBy} is not a rule`);
      const results = await Promise.all(
        groups.map((group, g) => takeIn(group, now, g === withRecord ? create : undefined)),
      );
      let refused: { ok: false; retryAfterMs: number; key: string } | undefined;
      for (const result of results) {
        if (!result.ok && (!refused || result.retryAfterMs > refused.retryAfterMs)) refused = result;
      }
      if (!refused) {
        groups.forEach((group, g) => {
          const result = results[g];
          if (!result?.ok) return;
          group.forEach((rule, i) => {
            const index = rules.indexOf(rule);
            hits[index] = result.counts[2 * i] ?? 0;
            windowsMs[index] = result.counts[2 * i + 1] ?? rule.windowMs;
          });
        });
        return { ok: true, hits, windowsMs };
      }
      // A record saved where its slot admitted the take goes again: the take as a whole refused.
      if (create && results[withRecord]?.ok) await run(S.delete, [recordKey(create.record.id)], [now], () => undefined);
      // Peek rules were never counted: nothing to give back there.
      const taken = groups
        .filter((_, i) => results[i]?.ok)
        .map((group) => group.filter((rule) => !rule.peek).map((rule) => prefix + rule.key))
        .filter((keys) => keys.length > 0);
      await Promise.all(taken.map((keys) => run(S.untake, keys, [now], () => undefined)));
      return refused;
    },

    hits: ({ key, now }) => run(S.hits, [prefix + key], [now], num),

    release: async ({ keys }) => {
      if (keys.length === 0) return;
      const groups = cluster ? bySlot(keys, (key) => prefix + key) : [keys];
      await Promise.all(
        groups.map((group) =>
          run(
            S.release,
            group.map((key) => prefix + key),
            [],
            () => undefined,
          ),
        ),
      );
    },
  };
}

/**
 * What decides a key's hash slot on Redis Cluster: the first non-empty `{…}` in it, else the whole key. Keys with
 * the same answer share a slot.
 */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

/** Items grouped by the hash slot of their key, in first-seen order. */
function bySlot<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const tag = hashTagOf(keyOf(item));
    const group = groups.get(tag);
    if (group) group.push(item);
    else groups.set(tag, [item]);
  }
  return [...groups.values()];
}

const sha1s = new Map<string, Promise<string>>();

/** The SHA-1 of a script (hex), as EVALSHA names it; computed once per script with Web Crypto. */
export function scriptSha1(script: RedisScript): Promise<string> {
  let sha = sha1s.get(script.lua);
  if (!sha) {
    sha = crypto.subtle
      .digest('SHA-1', new TextEncoder().encode(script.lua))
      .then((digest) => Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join(''));
    sha1s.set(script.lua, sha);
  }
  return sha;
}

/**
 * A RedisEval for clients that offer EVALSHA and EVAL as two calls: EVALSHA first (the script body crosses the
 * network once per server, not per call), EVAL when the server answers NOSCRIPT (a fresh server, a failover, SCRIPT
 * FLUSH). EVAL loads the script, so the next EVALSHA finds it.
 */
export function evalWithScriptCache(calls: {
  evalsha(sha: string, keys: string[], args: string[]): Promise<unknown>;
  eval(lua: string, keys: string[], args: string[]): Promise<unknown>;
}): RedisEval {
  return async (script, keys, args) => {
    const strings = args.map(String);
    try {
      return await calls.evalsha(await scriptSha1(script), keys, strings);
    } catch (error) {
      if (!/NOSCRIPT/.test(String((error as { message?: unknown })?.message ?? error))) throw error;
      return calls.eval(script.lua, keys, strings);
    }
  };
}
