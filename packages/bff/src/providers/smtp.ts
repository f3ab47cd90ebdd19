// `@otpkit/bff/smtp`: verification codes by e-mail over SMTP, with nodemailer (an optional peer dependency, loaded
// only when `smtp` settings are given). Its own entry, so the core stays free of Node-only code.
import type { Locale } from '../contract.js';
import { customCodes } from './custom-codes.js';
import { type EmailLanguage, type EmailWords, originHost, renderEmail } from './email-templates.js';
import { CallOutcome, type LocalCodeProvider, OtpError } from './kit.js';

export {
  EMAIL_WORDS,
  type EmailLanguage,
  type EmailWords,
  emailLanguage,
  type RenderEmailInput,
  type RenderedEmail,
  renderEmail,
} from './email-templates.js';

/** The mail a transport is asked to send (a subset of nodemailer's `Mail.Options`). */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** What `smtpEmail` needs of a transport: nodemailer's `Transporter` fits, and so does a test double. */
export interface MailTransport {
  sendMail(mail: OutgoingMail): Promise<{ messageId?: string; rejected?: unknown[] }>;
}

/** SMTP settings, passed to nodemailer's `createTransport` (its SMTP options of the same names). */
export interface SmtpSettings {
  host: string;
  /** @defaultValue 587, or 465 when `secure` */
  port?: number;
  /** TLS from the first byte (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  /** Refuse to send without STARTTLS. */
  requireTLS?: boolean;
  auth?: { user: string; pass: string };
  tls?: { rejectUnauthorized?: boolean; servername?: string };
  /** Our host name in EHLO. */
  name?: string;
  /** @defaultValue 5000 */
  connectionTimeout?: number;
  /** @defaultValue 5000 */
  greetingTimeout?: number;
  /** @defaultValue 10000 */
  socketTimeout?: number;
}

export interface SmtpEmailOptions {
  /** A ready transport (nodemailer's `createTransport(…)`, possibly pooled). Or give `smtp`. */
  transport?: MailTransport;
  /** SMTP server settings: nodemailer creates the transport (install `nodemailer`). */
  smtp?: SmtpSettings;
  /** The sender, e.g. 'Acme <no-reply@acme.example>'. */
  from: string;
  /** The name the e-mail speaks of. @defaultValue the origin's host, else the domain of `from` */
  appName?: string;
  /** The site the codes are for ('https://acme.example'): adds the line `@acme.example #123456`. */
  origin?: string;
  /** Replaces the built-in subject. */
  subject?: (message: { code: string; appName: string; language: EmailLanguage }) => string;
  /** Replaces the built-in sentences of some languages. */
  words?: Partial<Record<EmailLanguage, EmailWords>>;
  /** Digits of the code. @defaultValue 6 */
  codeLength?: number;
  /** For log lines and error messages. @defaultValue 'smtp' */
  name?: string;
}

/** nodemailer's error fields we act on; its `message` and `response` may echo the address, so they stay out. */
interface MailError {
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
}

const NOT_CONNECTED = new Set(['ECONNECTION', 'EDNS', 'ETLS', 'EAUTH', 'ECONFIG', 'ECONNREFUSED', 'ENOTFOUND']);

/** The contract's answer to a failed SMTP transaction, with a message that names no address and no code. */
function smtpError(name: string, error: unknown): OtpError {
  const { code, responseCode, command } = (typeof error === 'object' && error !== null ? error : {}) as MailError;
  const reply = typeof responseCode === 'number' ? responseCode : undefined;
  const at =
    typeof command === 'string' ? ` at ${command.split(' ')[0]}${command.startsWith('RCPT') ? ' TO' : ''}` : '';
  const label = `${name} SMTP ${typeof code === 'string' ? code : 'error'}${reply ? ` ${reply}` : ''}${at}`;
  // A reply code is the server's word that this transaction failed: nothing went out.
  const definite = reply !== undefined || (typeof code === 'string' && NOT_CONNECTED.has(code));
  const cause = new CallOutcome(definite ? 'refused' : 'network', !definite);
  if (code === 'EAUTH' || code === 'ECONFIG' || code === 'ETLS') {
    return new OtpError('provider_error', { message: `${label}: check the SMTP settings.`, cause });
  }
  if (reply !== undefined && reply >= 500 && /^(RCPT|DATA|MAIL)/.test(String(command ?? '')) && code !== 'EAUTH') {
    // 550 user unknown, 552 mailbox full, 554 rejected: this address does not take our mail.
    const sender = String(command ?? '').startsWith('MAIL');
    return sender
      ? new OtpError('provider_error', { message: `${label}: the server refused the sender.`, cause })
      : new OtpError('undeliverable', { message: `${label}: the recipient's server refused the message.`, cause });
  }
  return new OtpError('provider_unavailable', { message: `${label}.`, cause });
}

/**
 * E-mail codes over SMTP: the BFF generates and checks the code, this sends it in the browser's language (en, es,
 * ja, th, zh-CN, zh-HK, fr, de, pt; English otherwise) as text and HTML, with the origin-bound code line.
 */
export function smtpEmail(options: SmtpEmailOptions): LocalCodeProvider {
  const { from, origin, words, name = 'smtp' } = options;
  if (typeof from !== 'string' || !/@[^\s@>]+/.test(from)) {
    throw new TypeError('smtpEmail(): `from` must be an address like "Acme <no-reply@acme.example>".');
  }
  if (!options.transport === !options.smtp)
    throw new TypeError('smtpEmail(): give `transport` or `smtp`, one of them.');
  // Checked now, not at the first send.
  const host = origin === undefined ? undefined : originHost(origin);
  const appName = options.appName ?? host ?? /@([^\s@>]+)/.exec(from)![1]!;
  const smtp = options.smtp;
  let transport: Promise<MailTransport> | undefined = options.transport
    ? Promise.resolve(options.transport)
    : undefined;

  function getTransport(): Promise<MailTransport> {
    transport ??= import('nodemailer').then(
      (nodemailer) =>
        nodemailer.createTransport({
          connectionTimeout: 5000,
          greetingTimeout: 5000,
          socketTimeout: 10_000,
          ...smtp,
        }) as unknown as MailTransport,
      (cause: unknown) => {
        transport = undefined;
        throw new OtpError('provider_error', {
          message: `${name}: the nodemailer package is not installed (npm install nodemailer).`,
          cause,
        });
      },
    );
    return transport;
  }

  // Load nodemailer now, not inside the first request's timeout.
  if (smtp) getTransport().catch(() => {});

  return customCodes({
    name,
    codeLength: options.codeLength ?? 6,
    channel: 'email',
    async send({ to, code, locale, ttlSeconds }) {
      if (!to.includes('@')) {
        throw new OtpError('invalid_request', { message: `${name} sends e-mail: \`to\` must be an e-mail address.` });
      }
      const mail = render({ to, code, locale, ttlSeconds });
      const sender = await getTransport();
      let info: Awaited<ReturnType<MailTransport['sendMail']>>;
      try {
        info = await sender.sendMail(mail);
      } catch (error) {
        throw smtpError(name, error);
      }
      if (Array.isArray(info.rejected) && info.rejected.length > 0) {
        throw new OtpError('undeliverable', {
          message: `${name}: the server refused the recipient.`,
          cause: new CallOutcome('refused', false),
        });
      }
      return typeof info.messageId === 'string' ? { messageId: info.messageId } : undefined;
    },
  });

  function render(input: { to: string; code: string; locale: Locale | undefined; ttlSeconds: number }): OutgoingMail {
    const rendered = renderEmail({ ...input, appName, origin, words });
    return {
      from,
      to: input.to,
      subject: options.subject?.({ code: input.code, appName, language: rendered.language }) ?? rendered.subject,
      text: rendered.text,
      html: rendered.html,
      headers: {
        'Content-Language': rendered.language,
        // RFC 3834: an automatic message; stops vacation auto-replies (and Exchange's, with the second header).
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
      },
    };
  }
}
