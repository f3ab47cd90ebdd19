// The words and layout of a verification e-mail, in plain TypeScript (no mail library), so that any e-mail sender
// can use them: `renderEmail` gives the subject, the text part and the HTML part.
import type { Locale } from '../contract.js';
import { matchLocale } from './kit.js';

/** The languages the e-mail comes in; any other locale gets English. */
export type EmailLanguage = 'en' | 'es' | 'ja' | 'th' | 'zh-CN' | 'zh-HK' | 'fr' | 'de' | 'pt';

/** The sentences of one language. `app` is the app's name, `minutes` the code's lifetime rounded up. */
export interface EmailWords {
  subject(code: string, app: string): string;
  heading(app: string): string;
  expires(minutes: number): string;
  ignore: string;
}

export const EMAIL_WORDS: Readonly<Record<EmailLanguage, EmailWords>> = {
  en: {
    subject: (code, app) => `${code} is your ${app} verification code`,
    heading: (app) => `Your ${app} verification code`,
    expires: (m) => `This code expires in ${m} ${m === 1 ? 'minute' : 'minutes'}.`,
    ignore: 'If you did not ask for this code, you can ignore this e-mail. Never share the code with anyone.',
  },
  es: {
    subject: (code, app) => `${code} es tu código de verificación de ${app}`,
    heading: (app) => `Tu código de verificación de ${app}`,
    expires: (m) => `Este código caduca en ${m} ${m === 1 ? 'minuto' : 'minutos'}.`,
    ignore: 'Si no pediste este código, puedes ignorar este correo. No compartas el código con nadie.',
  },
  ja: {
    subject: (code, app) => `${app} の確認コード: ${code}`,
    heading: (app) => `${app} の確認コード`,
    expires: (m) => `このコードの有効期限は ${m} 分です。`,
    ignore: 'このコードに心当たりがない場合は、このメールを無視してください。コードは誰にも教えないでください。',
  },
  th: {
    subject: (code, app) => `${code} คือรหัสยืนยัน ${app} ของคุณ`,
    heading: (app) => `รหัสยืนยัน ${app} ของคุณ`,
    expires: (m) => `รหัสนี้จะหมดอายุใน ${m} นาที`,
    ignore: 'หากคุณไม่ได้ขอรหัสนี้ คุณสามารถเพิกเฉยต่ออีเมลฉบับนี้ได้ และอย่าบอกรหัสนี้กับผู้ใด',
  },
  'zh-CN': {
    subject: (code, app) => `${app} 验证码：${code}`,
    heading: (app) => `您的 ${app} 验证码`,
    expires: (m) => `验证码 ${m} 分钟内有效。`,
    ignore: '如果您没有请求此验证码，请忽略本邮件。请勿将验证码告诉任何人。',
  },
  'zh-HK': {
    subject: (code, app) => `${app} 驗證碼：${code}`,
    heading: (app) => `您的 ${app} 驗證碼`,
    expires: (m) => `驗證碼 ${m} 分鐘內有效。`,
    ignore: '如果您沒有要求此驗證碼，請忽略本電郵。請勿將驗證碼告訴任何人。',
  },
  fr: {
    subject: (code, app) => `${code} est votre code de vérification ${app}`,
    heading: (app) => `Votre code de vérification ${app}`,
    expires: (m) => `Ce code expire dans ${m} ${m === 1 ? 'minute' : 'minutes'}.`,
    ignore: "Si vous n'avez pas demandé ce code, ignorez cet e-mail. Ne communiquez ce code à personne.",
  },
  de: {
    subject: (code, app) => `${code} ist Ihr ${app}-Bestätigungscode`,
    heading: (app) => `Ihr ${app}-Bestätigungscode`,
    expires: (m) => `Dieser Code läuft in ${m} ${m === 1 ? 'Minute' : 'Minuten'} ab.`,
    ignore:
      'Wenn Sie diesen Code nicht angefordert haben, ignorieren Sie diese E-Mail. Geben Sie den Code niemandem weiter.',
  },
  pt: {
    subject: (code, app) => `${code} é o seu código de verificação ${app}`,
    heading: (app) => `Seu código de verificação ${app}`,
    expires: (m) => `Este código expira em ${m} ${m === 1 ? 'minuto' : 'minutos'}.`,
    ignore: 'Se você não pediu este código, ignore este e-mail. Não compartilhe o código com ninguém.',
  },
};

/** BCP 47 (lower case) -> language. Traditional Chinese (Hong Kong, Taiwan, Macau, Hant) reads zh-HK. */
const LANGUAGES: Record<string, EmailLanguage> = {
  en: 'en',
  es: 'es',
  ja: 'ja',
  th: 'th',
  zh: 'zh-CN',
  'zh-cn': 'zh-CN',
  'zh-sg': 'zh-CN',
  'zh-hans': 'zh-CN',
  'zh-hk': 'zh-HK',
  'zh-tw': 'zh-HK',
  'zh-mo': 'zh-HK',
  'zh-hant': 'zh-HK',
  fr: 'fr',
  de: 'de',
  pt: 'pt',
};

export const emailLanguage = (locale: Locale | undefined): EmailLanguage => matchLocale(locale, LANGUAGES) ?? 'en';

export interface RenderEmailInput {
  code: string;
  locale: Locale | undefined;
  ttlSeconds: number;
  /** The name the e-mail speaks of ("Your Acme verification code"). */
  appName: string;
  /** The site the code is for, e.g. 'https://acme.example': adds the origin-bound line `@acme.example #123456`. */
  origin?: string | undefined;
  /** Replaces the built-in sentences of some languages. */
  words?: Partial<Record<EmailLanguage, EmailWords>> | undefined;
}

export interface RenderedEmail {
  language: EmailLanguage;
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The host of an https origin (or http on localhost), for the one-time-code line; throws on anything else. */
export function originHost(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new TypeError(`"${origin}" is not an origin like https://app.example.com.`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.origin !== origin.replace(/\/+$/, '') || (url.protocol !== 'https:' && !local)) {
    throw new TypeError(`"${origin}" is not an https origin like https://app.example.com.`);
  }
  return url.port === '' ? url.hostname : `${url.hostname}:${url.port}`;
}

/**
 * Subject, text and HTML of a verification e-mail. The text part ends with the origin-bound one-time-code line
 * (`@acme.example #123456`, the format of the WebOTP/`autocomplete="one-time-code"` SMS convention) when an
 * origin is given: mail clients that offer codes for autofill read it, others show one more harmless line.
 */
export function renderEmail(input: RenderEmailInput): RenderedEmail {
  const language = emailLanguage(input.locale);
  const words = input.words?.[language] ?? EMAIL_WORDS[language];
  const minutes = Math.max(1, Math.ceil(input.ttlSeconds / 60));
  const { code, appName } = input;
  const bound = input.origin === undefined ? undefined : `@${originHost(input.origin)} #${code}`;
  const subject = words.subject(code, appName);
  const text = [
    words.heading(appName),
    '',
    code,
    '',
    words.expires(minutes),
    words.ignore,
    ...(bound ? ['', bound] : []),
  ]
    .join('\n')
    .concat('\n');
  const html = `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;background:#ffffff">
<h1 style="font-size:18px;font-weight:600;margin:0 0 16px">${escapeHtml(words.heading(appName))}</h1>
<p style="font-size:32px;font-weight:700;letter-spacing:6px;font-family:ui-monospace,Menlo,Consolas,monospace;margin:0 0 16px">${escapeHtml(code)}</p>
<p style="margin:0 0 8px">${escapeHtml(words.expires(minutes))}</p>
<p style="margin:0 0 16px;color:#57606a">${escapeHtml(words.ignore)}</p>
${bound ? `<p style="margin:0;color:#8c959f;font-size:12px">${escapeHtml(bound)}</p>\n` : ''}</body>
</html>
`;
  return { language, subject, text, html };
}
