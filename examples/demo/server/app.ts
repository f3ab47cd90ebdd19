import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createOtpHandler, engagelab, type OtpLogger, type OtpStore, unimtx } from '@otpkit/bff';
import { toNodeHandler } from '@otpkit/bff/node';
import { createEngageLabSimulator, type SimulatedEngageLabMessage } from '@otpkit/bff/testing';
import express from 'express';
import type { DemoConfig } from './config.js';

/** What the page's "simulator inbox" shows: the messages the simulated EngageLab "delivered", newest last. */
export interface InboxMessage {
  to: string;
  code: string;
  sentAt: string;
}

const INBOX_SIZE = 50;

export interface DemoApp {
  app: express.Express;
  /** Closes what the app opened (the Redis connection). */
  close(): Promise<void>;
}

// One line per event (the handler's fields never hold a secret, a code or an unmasked number).
const line = (message: string, fields?: Record<string, unknown>) =>
  `[otpkit] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`;
const logger: OtpLogger = {
  info: (message, fields) => console.log(line(message, fields)),
  warn: (message, fields) => console.warn(line(message, fields)),
  error: (message, fields) => console.error(line(message, fields)),
};

export async function createDemoApp(config: DemoConfig, pageDir?: string): Promise<DemoApp> {
  const inbox: InboxMessage[] = [];
  const simulator = config.simulator
    ? createEngageLabSimulator({
        templateId: config.engagelab.templateId,
        // The simulated template must have the lifetime the BFF assumes, as a real template must.
        templates: { [config.engagelab.templateId]: { codeLength: 6, ttlSeconds: config.codeTtlSeconds } },
        onSend: (message: SimulatedEngageLabMessage) => {
          // The simulator is the user's phone: printing the code is the point (the BFF itself never logs one).
          console.log(`[simulator] SMS to ${message.to}: your code is ${message.code}`);
          inbox.push({ to: message.to, code: message.code, sentAt: new Date(message.at).toISOString() });
          if (inbox.length > INBOX_SIZE) inbox.shift();
        },
      })
    : undefined;

  const provider =
    config.provider === 'unimtx'
      ? unimtx(config.unimtx)
      : engagelab({
          ...(simulator
            ? { devKey: simulator.devKey, devSecret: simulator.devSecret, fetch: simulator.fetch }
            : { devKey: config.engagelab.devKey, devSecret: config.engagelab.devSecret }),
          templateId: config.engagelab.templateId,
          baseUrl: config.engagelab.baseUrl,
          mode: config.provider === 'engagelab-custom' ? 'custom' : 'platform',
        });

  let store: OtpStore | undefined;
  let closeStore = async () => {};
  if (config.redisUrl !== undefined) {
    // Loaded only when asked for, so the in-memory demo needs no Redis client.
    const { redisStore } = await import('@otpkit/bff/redis');
    const redis = redisStore({ url: config.redisUrl });
    store = redis;
    closeStore = () => redis.close();
  }

  const otp = createOtpHandler({
    provider,
    secret: config.secret,
    ...(store ? { store } : {}),
    codeTtlSeconds: config.codeTtlSeconds,
    maxAttempts: config.maxAttempts,
    resendCooldownSeconds: config.resendCooldownSeconds,
    onVerified: () => {
      logger.info('verification succeeded (the app would now mark the number as verified)');
    },
    logger,
  });

  const app = express();
  app.disable('x-powered-by');
  // Real apps parse JSON for every route before mounting anything else; the BFF must cope with a drained body.
  // docs:express-mount
  app.use(express.json());
  app.use('/api/otp', toNodeHandler(otp)); // import { toNodeHandler } from '@otpkit/bff/node'
  // docs:end

  app.get('/api/demo/config', (_req, res) => {
    res.json({ provider: config.provider, simulator: simulator !== undefined });
  });

  if (simulator) {
    // Simulator mode only: with real credentials codes go to real phones and this route does not exist.
    app.get('/api/demo/inbox', (req, res) => {
      const to = typeof req.query.to === 'string' ? req.query.to : undefined;
      res.set('cache-control', 'no-store');
      res.json({
        messages: to === undefined ? inbox : inbox.filter((m) => m.to === to),
        providerCalls: simulator.calls,
      });
    });
  }

  // The app's own server code trusts "verified" only through the signed proof, never the browser's word.
  // docs:verify-proof
  app.post('/api/demo/proof', async (req, res) => {
    const proof: unknown = req.body?.proof;
    const claims = typeof proof === 'string' ? await otp.verifyProof(proof) : null; // null: forged or expired
    if (claims === null) {
      res.status(401).json({ accepted: false });
      return;
    }
    // claims.to is the full verified number: mark it verified in your database here.
    res.json({ accepted: true, to: mask(claims.to), verifiedAt: new Date(claims.verifiedAt).toISOString() });
  });
  // docs:end

  if (pageDir !== undefined && existsSync(join(pageDir, 'index.html'))) {
    app.use(express.static(pageDir, { index: 'index.html' }));
  } else {
    app.get('/', (_req, res) => {
      res.type('text').send('The demo page is not built: run `pnpm --filter @otpkit/demo build`.');
    });
  }

  return { app, close: closeStore };
}

/** `+8618701235678` -> `+86*******5678`, the contract's masking. */
function mask(to: string): string {
  if (to.includes('@')) return to.replace(/^(.).*(@.*)$/, '$1***$2');
  return `${to.slice(0, 3)}${'*'.repeat(Math.max(0, to.length - 7))}${to.slice(-4)}`;
}
