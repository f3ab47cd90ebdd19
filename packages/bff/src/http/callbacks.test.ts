// EngageLab delivery callbacks: the signed header, freshness, dedupe on message id + status, unknown ids, delivery
// events and each verification's delivery state; a burst of 1,000 callbacks; dedupe across two instances on Redis.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedis } from '../../../../scripts/redis-server.mjs';
import type { OtpEvent } from '../flow/events.js';
import { signEngageLabCallback } from '../providers/engagelab-callbacks.js';
import { type RedisStore, redisStore } from '../stores/redis/index.js';
import type { OtpHandler, OtpHandlerOptions } from '../types.js';
import { createOtpHandler } from './handler.js';
import { BASE, SECRET, setup } from './handler.test-helpers.js';

const CALLBACK_SECRET = 'engagelab-callback-secret-0123456789';
const USERNAME = 'otpkit-demo';
const TO = '+8618701235678';

function withCallbacks(options: Partial<OtpHandlerOptions> = {}) {
  const events: OtpEvent[] = [];
  const t = setup(
    'engagelab platform',
    { onEvent: (event) => void events.push(event), ...options },
    { engagelab: { callbacks: { secret: CALLBACK_SECRET, username: USERNAME } } },
  );
  return { t, events, deliveries: () => events.filter((e) => e.type === 'delivery') };
}

/** One EngageLab callback row as the docs show it. */
const row = (messageId: string, status: string, to = TO) => ({
  message_id: messageId,
  to,
  channel: 'sms',
  itime: 1_790_000_000,
  custom_args: {},
  status: { message_status: status, status_data: { current_send_channel: 'sms' }, error_code: 0 },
});

async function callback(
  otp: OtpHandler,
  now: number,
  rows: unknown[],
  header?: { secret?: string; username?: string; timestamp?: number; raw?: string | null },
) {
  const value =
    header?.raw !== undefined
      ? header.raw
      : await signEngageLabCallback({
          secret: header?.secret ?? CALLBACK_SECRET,
          username: header?.username ?? USERNAME,
          timestamp: header?.timestamp ?? Math.floor(now / 1000),
        });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (value !== null) headers['x-callback-id'] = value;
  const res = await otp.handle(
    new Request(`${BASE}/callbacks/engagelab`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ total: rows.length, rows }),
    }),
  );
  return { status: res.status, body: await res.json() };
}

describe('EngageLab delivery callbacks', () => {
  it('a signed report becomes a delivery event and the verification delivery state', async () => {
    const { t, deliveries } = withCallbacks();
    const { id } = await t.sendCode(TO);
    const messageId = t.upstreamIds.at(-1) as string;
    expect(await t.otp.deliveryStatus(id)).toBe('pending');

    expect(await callback(t.otp, t.clock.now(), [row(messageId, 'sent')])).toEqual({
      status: 200,
      body: { accepted: 1, duplicates: 0, unknown: 0 },
    });
    expect(await t.otp.deliveryStatus(id)).toBe('sent');
    await callback(t.otp, t.clock.now(), [row(messageId, 'delivered_failed')]);
    expect(await t.otp.deliveryStatus(id)).toBe('failed');
    // A fallback channel delivered after all: delivered wins.
    await callback(t.otp, t.clock.now(), [row(messageId, 'delivered')]);
    expect(await t.otp.deliveryStatus(id)).toBe('delivered');

    expect(deliveries()).toEqual([
      {
        type: 'delivery',
        at: t.clock.now(),
        provider: 'engagelab',
        status: 'sent',
        providerStatus: 'sent',
        to: '+86*******5678',
        channel: 'sms',
      },
      {
        type: 'delivery',
        at: t.clock.now(),
        provider: 'engagelab',
        status: 'failed',
        providerStatus: 'delivered_failed',
        to: '+86*******5678',
        channel: 'sms',
      },
      {
        type: 'delivery',
        at: t.clock.now(),
        provider: 'engagelab',
        status: 'delivered',
        providerStatus: 'delivered',
        to: '+86*******5678',
        channel: 'sms',
      },
    ]);
    expect(JSON.stringify(deliveries())).not.toContain(messageId);
    expect(await t.otp.deliveryStatus('A'.repeat(22))).toBeNull();
    expect(await t.otp.deliveryStatus('nope')).toBeNull();
  });

  it('the browser reads the delivery state on POST …/status (origin-checked, strict body, 404 for unknown ids)', async () => {
    const { t } = withCallbacks();
    const { id } = await t.sendCode(TO);
    const messageId = t.upstreamIds.at(-1) as string;
    expect(await t.post('status', { verificationId: id })).toMatchObject({
      status: 200,
      body: { delivery: 'pending' },
    });
    await callback(t.otp, t.clock.now(), [row(messageId, 'delivered_failed')]);
    expect((await t.post('status', { verificationId: id })).body).toEqual({ delivery: 'failed' });
    expect((await t.otp.api.status({ verificationId: id })).delivery).toBe('failed');

    expect((await t.post('status', { verificationId: 'A'.repeat(22) })).body.error.code).toBe('not_found');
    expect((await t.post('status', { verificationId: 'nope' })).body.error.code).toBe('not_found');
    expect((await t.post('status', { verificationId: id, to: TO })).body.error.code).toBe('invalid_request');
    expect((await t.post('status', {})).body.error.code).toBe('invalid_request');
    const foreign = await t.post('status', { verificationId: id }, { headers: { origin: 'https://evil.test' } });
    expect(foreign.status).toBe(403);
    expect((await t.call('status', { method: 'GET' })).status).toBe(405);
    // The answer never carries the message id or the number.
    expect(t.responses.join('\n')).not.toContain(messageId);
    expect(t.responses.join('\n')).not.toContain(TO);
  });

  it('status is `unknown` where the provider reads no delivery reports', async () => {
    const t = setup('engagelab platform');
    const { id } = await t.sendCode(TO);
    expect((await t.post('status', { verificationId: id })).body).toEqual({ delivery: 'unknown' });
  });

  it('duplicates are ignored; unknown message ids and other statuses are ignored without an error', async () => {
    const { t, deliveries } = withCallbacks();
    await t.sendCode(TO);
    const messageId = t.upstreamIds.at(-1) as string;
    const rows = [
      row(messageId, 'sent'),
      row(messageId, 'sent'),
      row('9999999999', 'delivered'),
      row(messageId, 'plan'),
    ];
    expect((await callback(t.otp, t.clock.now(), rows)).body).toEqual({ accepted: 1, duplicates: 1, unknown: 1 });
    expect((await callback(t.otp, t.clock.now(), [row(messageId, 'sent')])).body).toEqual({
      accepted: 0,
      duplicates: 1,
      unknown: 0,
    });
    // The docs' own example spells `sent_fail`: read as a failure, deduped on its own spelling.
    expect((await callback(t.otp, t.clock.now(), [row(messageId, 'sent_fail')])).body.accepted).toBe(1);
    // Rows without a status (notifications, uplinks) and a body without rows are fine too.
    expect((await callback(t.otp, t.clock.now(), [{ notification: { type: 'insufficient_balance' } }])).status).toBe(
      200,
    );
    expect(deliveries().map((d) => d.type === 'delivery' && d.status)).toEqual(['sent', 'failed']);
    expect(t.logs.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('401 for a missing, forged, stale, future or foreign signature', async () => {
    const { t, deliveries } = withCallbacks();
    await t.sendCode(TO);
    const messageId = t.upstreamIds.at(-1) as string;
    const now = t.clock.now();
    const rows = [row(messageId, 'delivered')];
    const refused = [
      await callback(t.otp, now, rows, { raw: null }),
      await callback(t.otp, now, rows, { raw: 'garbage' }),
      await callback(t.otp, now, rows, { secret: 'another-secret' }),
      await callback(t.otp, now, rows, { timestamp: Math.floor(now / 1000) - 301 }),
      await callback(t.otp, now, rows, { timestamp: Math.floor(now / 1000) + 301 }),
      await callback(t.otp, now, rows, { username: 'someone-else' }),
    ];
    const genuine = await signEngageLabCallback({
      secret: CALLBACK_SECRET,
      username: USERNAME,
      timestamp: Math.floor(now / 1000),
    });
    const flipped = genuine.replace(/signature=(.)/, (_, c: string) => `signature=${c === 'a' ? 'b' : 'a'}`);
    refused.push(await callback(t.otp, now, rows, { raw: flipped }));
    refused.push(await callback(t.otp, now, rows, { raw: genuine.replace(/signature=\w+/, 'signature=zz') }));
    for (const res of refused)
      expect(res).toEqual({ status: 401, body: { error: expect.objectContaining({ code: 'unauthorized' }) } });
    expect(deliveries()).toEqual([]);
    // A timestamp in milliseconds, and one just inside the window, are accepted.
    expect((await callback(t.otp, now, rows, { timestamp: now })).status).toBe(200);
    expect((await callback(t.otp, now, rows, { timestamp: Math.floor(now / 1000) - 299 })).status).toBe(200);
  });

  it('the route exists only when configured, and only for POST', async () => {
    const t = setup('engagelab platform');
    const res = await callback(t.otp, t.clock.now(), []);
    expect(res.status).toBe(404);
    const { t: on } = withCallbacks();
    const get = await on.otp.handle(new Request(`${BASE}/callbacks/engagelab`));
    expect(get.status).toBe(405);
    expect(() => setup('engagelab platform', {}, { engagelab: { callbacks: { secret: '' } } })).toThrow(
      /callbacks\.secret/,
    );
    // The route is the provider's: `…/callbacks` itself answers too.
    const bare = await on.otp.handle(new Request(`${BASE}/callbacks`, { method: 'POST' }));
    expect(bare.status).toBe(401);
  });

  it('a burst of 1,000 callbacks: every one answered 200, each report counted once', async () => {
    const { t, deliveries } = withCallbacks();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      await t.sendCode(`+4474001${String(10_000 + i * 100)}`);
      ids.push(t.upstreamIds.at(-1) as string);
    }
    const statuses = ['sent', 'delivered', 'delivered_failed'];
    const now = t.clock.now();
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        callback(t.otp, now, [
          row(ids[i % 10] as string, statuses[Math.floor(i / 10) % 3] as string),
          row(`unknown-${i}`, 'sent'),
        ]),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1000);
    const sum = (key: 'accepted' | 'duplicates' | 'unknown') => results.reduce((n, r) => n + r.body[key], 0);
    expect(sum('accepted')).toBe(30);
    expect(sum('duplicates')).toBe(970);
    expect(sum('unknown')).toBe(1000);
    expect(deliveries()).toHaveLength(30);
  });
});

describe('EngageLab callbacks across two instances sharing one Redis', () => {
  let redis: { url: string; stop(): Promise<void> };
  const stores: RedisStore[] = [];
  beforeAll(async () => {
    redis = await testRedis();
  }, 20_000);
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await redis?.stop();
  });

  it('a report retried to both instances is counted once, and either instance reads the state', async () => {
    const prefix = `test:callbacks:${randomUUID()}:`;
    const [storeA, storeB] = [redisStore({ url: redis.url, prefix }), redisStore({ url: redis.url, prefix })];
    stores.push(storeA, storeB);
    const events: OtpEvent[] = [];
    const onEvent = (event: OtpEvent) => void events.push(event);
    const { t } = withCallbacks({ store: storeA, onEvent });
    const b = createOtpHandler({
      provider: t.provider,
      secret: SECRET,
      store: storeB,
      now: t.clock.now,
      onEvent,
    });
    const { id } = await t.sendCode(TO);
    const messageId = t.upstreamIds.at(-1) as string;
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => callback(i % 2 ? t.otp : b, t.clock.now(), [row(messageId, 'delivered')])),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(1);
    expect(events.filter((e) => e.type === 'delivery')).toHaveLength(1);
    expect(await b.deliveryStatus(id)).toBe('delivered');
    expect(await t.otp.deliveryStatus(id)).toBe('delivered');
  });
});
