// smtpEmail against a real SMTP server on loopback: the message that arrives, in each language.
import type { AddressObject } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mount } from '../http/handler.test-helpers.js';
import { startSmtpServer, type TestSmtpServer } from '../testing/smtp.test-helpers.js';
import { renderEmail } from './email-templates.js';
import { smtpEmail } from './smtp.js';

const TO = 'ana.lima@example.org';
let server: TestSmtpServer;

beforeEach(async () => {
  server = await startSmtpServer();
});
afterEach(() => server.close());

function provider(overrides: Partial<Parameters<typeof smtpEmail>[0]> = {}) {
  return smtpEmail({
    smtp: { host: '127.0.0.1', port: server.port, secure: false, auth: { user: server.user, pass: server.pass } },
    from: 'Acme <no-reply@acme.example>',
    appName: 'Acme',
    origin: 'https://acme.example',
    ...overrides,
  });
}

const addresses = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value.map((v) => v.address));

describe('smtpEmail over a real SMTP server', () => {
  it.each([
    ['en-US', 'en', 'is your Acme verification code', 'This code expires in 5 minutes.'],
    ['es-MX', 'es', 'es tu código de verificación de Acme', 'Este código caduca en 5 minutos.'],
    ['ja', 'ja', 'Acme の確認コード', 'このコードの有効期限は 5 分です。'],
    ['th-TH', 'th', 'คือรหัสยืนยัน Acme ของคุณ', 'รหัสนี้จะหมดอายุใน 5 นาที'],
    ['zh-CN', 'zh-CN', 'Acme 验证码', '验证码 5 分钟内有效。'],
    ['zh-HK', 'zh-HK', 'Acme 驗證碼', '驗證碼 5 分鐘內有效。'],
    ['zh-Hant-TW', 'zh-HK', 'Acme 驗證碼', '驗證碼 5 分鐘內有效。'],
    ['sw', 'en', 'is your Acme verification code', 'This code expires in 5 minutes.'],
  ])(
    'locale %s: a %s message with both parts, the code and the origin-bound line',
    async (locale, language, subject, expiry) => {
      const t = mount(provider(), { allowEmail: true, timeoutMs: 3000 });
      const sent = await t.post('send', { to: TO, locale });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
      expect(sent.body).toMatchObject({ channel: 'email', codeLength: 6 });
      expect(server.received).toHaveLength(1);
      const mail = server.received[0]!;
      const code = server.lastCode(TO)!;
      expect(code).toMatch(/^\d{6}$/);
      // Envelope and headers.
      expect(mail.from).toBe('no-reply@acme.example');
      expect(mail.to).toEqual([TO]);
      expect(addresses(mail.parsed.to)).toEqual([TO]);
      expect(mail.parsed.from?.value[0]).toMatchObject({ name: 'Acme', address: 'no-reply@acme.example' });
      expect(mail.parsed.subject).toContain(subject);
      expect(mail.parsed.subject).toContain(code);
      expect(mail.parsed.headers.get('content-language')).toBe(language);
      expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
      expect(mail.parsed.messageId).toMatch(/^<.+@.+>$/);
      // Both parts carry the code and the expiry in the language; the text part ends with the origin-bound line.
      expect(mail.parsed.text).toContain(expiry);
      expect(mail.parsed.text?.trimEnd().split('\n').at(-1)).toBe(`@acme.example #${code}`);
      expect(mail.parsed.html).toContain(`lang="${language}"`);
      expect(mail.parsed.html).toContain(`>${code}</p>`);
      expect(mail.parsed.html).toContain(expiry);
      expect(mail.raw).toMatch(/multipart\/alternative/);
      // The BFF checks the code it generated.
      const ok = await t.post('verify', { verificationId: sent.body.verificationId, code });
      expect(ok.body.verified).toBe(true);
      // Neither the code nor the address reached a log line.
      expect(t.logText()).not.toContain(TO);
      expect(t.logText()).not.toMatch(new RegExp(`\\b${code}\\b`));
    },
  );

  it('a refused recipient is undeliverable, and its error names neither the address nor the server text', async () => {
    const t = mount(provider(), { allowEmail: true, timeoutMs: 3000 });
    server.inject({ code: 'RCPT 550' });
    const res = await t.post('send', { to: TO });
    expect([res.status, res.body.error.code]).toEqual([422, 'undeliverable']);
    expect(res.body.error.message).toMatch(/smtp SMTP EENVELOPE 550 at RCPT TO/);
    for (const text of [...t.responses, t.logText()]) {
      expect(text).not.toContain(TO);
      expect(text).not.toContain('Recipient address rejected');
    }
  });

  it('wrong SMTP credentials are a provider_error that does not carry the password', async () => {
    const t = mount(
      provider({ smtp: { host: '127.0.0.1', port: server.port, auth: { user: server.user, pass: 'nope-wrong' } } }),
      {
        allowEmail: true,
        timeoutMs: 3000,
      },
    );
    const res = await t.post('send', { to: TO });
    expect([res.status, res.body.error.code]).toEqual([502, 'provider_error']);
    // The browser hears a generic sentence; the operator's log names the SMTP failure.
    expect(t.logText()).toContain('EAUTH');
    expect(t.logText()).not.toContain('nope-wrong');
    expect(server.received).toEqual([]);
  });

  it('refuses a phone number, and bad options at start-up', async () => {
    const p = provider();
    await expect(
      p.send({
        to: '+447400123456',
        code: '123456',
        ttlSeconds: 300,
        codeLength: 6,
        signal: AbortSignal.timeout(1000),
      }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    expect(() => smtpEmail({ from: 'no-reply@acme.example' })).toThrow(/transport/);
    expect(() => provider({ from: 'nobody' })).toThrow(/from/);
    expect(() => provider({ origin: 'http://acme.example' })).toThrow(/https/);
  });

  it('takes any transport with sendMail, and a custom subject', async () => {
    const mails: { subject: string; to: string }[] = [];
    const p = smtpEmail({
      transport: {
        sendMail: async (mail) => {
          mails.push(mail);
          return { messageId: '<x@y>' };
        },
      },
      from: 'no-reply@acme.example',
      subject: ({ code, appName, language }) => `[${appName}/${language}] ${code}`,
    });
    await p.send({
      to: TO,
      code: '424242',
      locale: 'ja',
      ttlSeconds: 60,
      codeLength: 6,
      signal: AbortSignal.timeout(1000),
    });
    expect(mails).toEqual([expect.objectContaining({ to: TO, subject: '[acme.example/ja] 424242' })]);
  });
});

describe('renderEmail', () => {
  it('escapes the app name in HTML and rounds the lifetime up to whole minutes', () => {
    const mail = renderEmail({ code: '123456', locale: 'en', ttlSeconds: 61, appName: '<b>&Co' });
    expect(mail.html).toContain('&lt;b&gt;&amp;Co');
    expect(mail.html).not.toContain('<b>&Co');
    expect(mail.text).toContain('expires in 2 minutes');
    expect(mail.text).not.toContain('#123456');
    expect(renderEmail({ code: '1', locale: 'en', ttlSeconds: 30, appName: 'A' }).text).toContain('1 minute.');
  });
});
