import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  createOtpHandler,
  engagelab,
  type OtpEvent,
  type OtpLogger,
  type OtpProvider,
  type OtpStore,
  twilio,
  unimtx,
} from '@otpkit/bff';
// docs:bot-check-import
import { turnstile } from '@otpkit/bff/bot-checks';
// docs:end
import { toExpress } from '@otpkit/bff/node';
import { smtpEmail } from '@otpkit/bff/smtp';
import {
  createEngageLabSimulator,
  createSiteverifySimulator,
  createTwilioSimulator,
  createUnimtxSimulator,
} from '@otpkit/bff/testing';
import express from 'express';
import type { DemoConfig } from './config.js';

/** What the page's "simulator inbox" shows: the messages the simulated provider "delivered", newest last. */
export interface InboxMessage {
  to: string;
  code: string;
  sentAt: string;
}

const INBOX_SIZE = 50;
/** How long after a simulated message its "sent" report comes (and twice that, its final one). */
const DELIVERY_REPORT_MS = 1500;

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
  // A simulator is the user's phone: printing the code is the point (the BFF itself never logs one).
  const deliver = (message: { to: string; code: string; at: number }) => {
    const kind = message.to.includes('@') ? 'E-mail' : 'SMS';
    console.log(`[simulator] ${kind} to ${message.to}: your code is ${message.code}`);
    inbox.push({ to: message.to, code: message.code, sentAt: new Date(message.at).toISOString() });
    if (inbox.length > INBOX_SIZE) inbox.shift();
  };
  // Set once the handler exists: the simulator's delivery callbacks are POSTed to it, in process.
  let handle: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  const { provider, simulator } = demoProvider(config, deliver, (request) => handle(request));

  let store: OtpStore | undefined;
  let closeStore = async () => {};
  if (config.redisUrl !== undefined) {
    // Loaded only when asked for, so the in-memory demo needs no Redis client.
    const { redisStore } = await import('@otpkit/bff/redis');
    const redis = redisStore({ url: config.redisUrl });
    store = redis;
    closeStore = () => redis.close();
  }

  // The funnel panel's numbers, fed by the handler's events (they carry masked recipients only).
  const funnel = { requested: 0, sent: 0, delivered: 0, failed: 0, verified: 0, refused: {} as Record<string, number> };
  const onEvent = (event: OtpEvent) => {
    if (event.type === 'send_requested') funnel.requested++;
    else if (event.type === 'sent' || event.type === 'resent') funnel.sent++;
    else if (event.type === 'delivery' && event.status !== 'sent') funnel[event.status]++;
    else if (event.type === 'verified') funnel.verified++;
    else if (event.type === 'send_refused') funnel.refused[event.reason] = (funnel.refused[event.reason] ?? 0) + 1;
  };

  const otp = createOtpHandler({
    provider,
    ...(config.botCheck ? { botCheck: demoBotCheck(config.botCheck) } : {}),
    secret: config.secret,
    onEvent,
    ...(store ? { store } : {}),
    codeTtlSeconds: config.codeTtlSeconds,
    maxAttempts: config.maxAttempts,
    resendCooldownSeconds: config.resendCooldownSeconds,
    onVerified: () => {
      logger.info('verification succeeded (the app would now mark the number as verified)');
    },
    logger,
    // The SMTP provider sends codes to e-mail addresses.
    allowEmail: config.provider === 'smtp',
  });

  handle = (request) => otp.handle(request);

  const app = express();
  app.disable('x-powered-by');
  // Real apps parse JSON for every route before mounting anything else; the BFF must cope with a drained body.
  // docs:express-mount
  app.use(express.json());
  app.use('/api/otp', toExpress(otp)); // import { toExpress } from '@otpkit/bff/node'
  // docs:end

  app.get('/api/demo/funnel', (_req, res) => {
    res.set('cache-control', 'no-store');
    res.json(funnel);
  });

  app.get('/api/demo/config', (_req, res) => {
    const { botCheck } = config;
    res.json({
      provider: config.provider,
      simulator: simulator !== undefined,
      // The page needs the site key (public) and whether to show the simulated widget; never the secret.
      botCheck: botCheck
        ? { service: botCheck.service, sitekey: botCheck.sitekey, simulated: botCheck.simulated }
        : null,
    });
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

/** The provider OTP_PROVIDER names, on its simulator when its credentials are not set. */
function demoProvider(
  config: DemoConfig,
  deliver: (message: { to: string; code: string; at: number }) => void,
  post: (request: Request) => Promise<Response>,
): { provider: OtpProvider; simulator?: { calls: Record<string, number> } } {
  switch (config.provider) {
    case 'unimtx':
    case 'unimtx-custom': {
      const mode = config.provider === 'unimtx-custom' ? 'custom' : 'provider';
      if (!config.simulator) return { provider: unimtx({ ...config.unimtx, mode }) };
      const sim = createUnimtxSimulator({ onSend: deliver });
      return { provider: unimtx({ ...sim.providerOptions, mode }), simulator: sim };
    }
    case 'twilio': {
      const { accountSid, serviceSid, authToken, apiKey, apiSecret, baseUrl } = config.twilio;
      if (!config.simulator) {
        const credentials = authToken ? { authToken } : { apiKey: apiKey ?? '', apiSecret: apiSecret ?? '' };
        return { provider: twilio({ accountSid, serviceSid, baseUrl, ...credentials }) };
      }
      // The simulated Verify Service has the lifetime the BFF assumes, as the real one must.
      const sim = createTwilioSimulator({ ttlSeconds: config.codeTtlSeconds, onSend: deliver });
      return { provider: twilio(sim.providerOptions), simulator: sim };
    }
    case 'smtp': {
      const { host, port, secure, user, pass, from } = config.smtp;
      if (!config.simulator) {
        const auth = user === undefined ? {} : { auth: { user, pass: pass ?? '' } };
        return { provider: smtpEmail({ from, smtp: { host, secure, ...(port ? { port } : {}), ...auth } }) };
      }
      // No SMTP server: an in-memory mailbox that reads the code from the subject.
      const calls = { sendMail: 0 };
      const transport = {
        async sendMail(mail: { to: string; subject: string }) {
          calls.sendMail += 1;
          deliver({ to: mail.to, code: /\d{4,10}/.exec(mail.subject)?.[0] ?? '', at: Date.now() });
          return { messageId: `<${calls.sendMail}@otpkit.localhost>` };
        },
      };
      return { provider: smtpEmail({ from, appName: 'otpkit demo', transport }), simulator: { calls } };
    }
    default: {
      const mode = config.provider === 'engagelab-custom' ? 'custom' : 'platform';
      const { templateId, baseUrl } = config.engagelab;
      if (!config.simulator) {
        const { devKey, devSecret } = config.engagelab;
        return { provider: engagelab({ devKey, devSecret, templateId, baseUrl, mode }) };
      }
      // Delivery reports as EngageLab's servers send them, a moment after each message ("sent", then "delivered"),
      // so the funnel panel and the drop-in's delivery state work on the simulator too. A number ending in 0000 is
      // never delivered ("delivered_failed"): the way to see the "not delivered" state.
      const callbacks = { secret: randomBytes(24).toString('base64url'), username: 'otpkit-demo' };
      const report = async (messageId: string, status: string) => {
        const target = { url: 'http://localhost/api/otp/callbacks/engagelab', ...callbacks };
        await post(await sim.callbackRequest(messageId, status, target)).catch(() => {});
      };
      const later = (ms: number, run: () => Promise<void>) => setTimeout(run, ms).unref();
      const sim = createEngageLabSimulator({
        templateId,
        // The simulated template must have the lifetime the BFF assumes, as a real template must.
        templates: { [templateId]: { codeLength: 6, ttlSeconds: config.codeTtlSeconds } },
        onSend: (message) => {
          deliver(message);
          later(DELIVERY_REPORT_MS, () => report(message.messageId, 'sent'));
          const fate = message.to.endsWith('0000') ? 'delivered_failed' : 'delivered';
          later(2 * DELIVERY_REPORT_MS, () => report(message.messageId, fate));
        },
      });
      return { provider: engagelab({ ...sim.providerOptions, baseUrl, mode, callbacks }), simulator: sim };
    }
  }
}

/** Turnstile on every send and resend (OTP_BOT_CHECK=turnstile). */
function demoBotCheck({ secret: turnstileSecret, simulated }: NonNullable<DemoConfig['botCheck']>) {
  // Cloudflare's test keys, offline: the siteverify simulator answers for them as Cloudflare documents.
  if (simulated) {
    return turnstile({ secret: turnstileSecret, fetch: createSiteverifySimulator({ service: 'turnstile' }).fetch });
  }
  // docs:bot-check
  // Every send and resend must carry a solved Turnstile challenge (`botToken`), checked with Cloudflare's siteverify
  // before any limit is counted or an SMS is sent.
  const botCheck = turnstile({ secret: turnstileSecret }); // then createOtpHandler({ …, botCheck })
  // docs:end
  return botCheck;
}

/** `+8618701235678` -> `+86*******5678`, the contract's masking. */
function mask(to: string): string {
  if (to.includes('@')) return to.replace(/^(.).*(@.*)$/, '$1***$2');
  return `${to.slice(0, 3)}${'*'.repeat(Math.max(0, to.length - 7))}${to.slice(-4)}`;
}
