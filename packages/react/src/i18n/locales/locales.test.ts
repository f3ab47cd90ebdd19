import { readdirSync } from 'node:fs';
import { expect, test } from 'vitest';
import tsdownConfig from '../../../tsdown.config.js';
import { phoneWords } from '../../phone/words.js';
import { ar, arPhone } from './ar.js';
import { de, dePhone } from './de.js';
import { en, enPhone } from './en.js';
import { es, esPhone } from './es.js';
import { fr, frPhone } from './fr.js';
import { hi, hiPhone } from './hi.js';
import { ja, jaPhone } from './ja.js';
import { ko, koPhone } from './ko.js';
import { pt_BR, pt_BRPhone } from './pt_BR.js';
import { ru, ruPhone } from './ru.js';
import { th, thPhone } from './th.js';
import { zh_CN, zh_CNPhone } from './zh_CN.js';
import { zh_HK, zh_HKPhone } from './zh_HK.js';

const locales = { ar, de, es, fr, hi, ja, ko, pt_BR, ru, th, zh_CN, zh_HK };
const phone = {
  arPhone,
  dePhone,
  esPhone,
  frPhone,
  hiPhone,
  jaPhone,
  koPhone,
  pt_BRPhone,
  ruPhone,
  thPhone,
  zh_CNPhone,
  zh_HKPhone,
};
const keys = Object.keys(en).sort();

test('every locale module is here and is an entry point of the build', () => {
  const files = readdirSync(import.meta.dirname).filter((file) => /^[a-z]{2}(_[A-Z]{2})?\.ts$/.test(file));
  const ids = files.map((file) => file.replace('.ts', '')).sort();
  expect(ids).toEqual(['en', ...Object.keys(locales)].sort());
  expect(ids.length).toBeGreaterThanOrEqual(10);
  const entries = (tsdownConfig as { entry: Record<string, string> }).entry;
  for (const id of ids) expect(entries[`locales/${id}`], id).toBe(`src/i18n/locales/${id}.ts`);
});

test('English phone words are the PhoneInput defaults', () => {
  expect(enPhone).toBe(phoneWords);
});

test.each(Object.entries(phone))('%s translates every phone word', (_, words) => {
  expect(Object.keys(words).sort()).toEqual(Object.keys(phoneWords).sort());
  for (const [key, value] of Object.entries(words)) {
    expect(value, key).not.toBe(phoneWords[key as keyof typeof phoneWords]);
    expect(value.trim(), key).toBe(value);
  }
});

test.each(Object.entries(locales))('%s has every key of en, of the same kind, and no other', (_, messages) => {
  expect(Object.keys(messages).sort()).toEqual(keys);
  for (const key of keys) {
    const value = messages[key as keyof typeof messages];
    expect(typeof value, key).toBe(typeof en[key as keyof typeof en]);
    // A translation, not a copy of the English (brand names aside, every string differs).
    if (typeof value === 'string') expect(value, key).not.toBe(en[key as keyof typeof en]);
  }
});

test.each(Object.entries({ en, ...locales }))('%s formats its numbers and times', (_, m) => {
  expect(m.wrongCode(3)).toContain('3');
  expect(m.resendIn('0:27')).toContain('0:27');
  expect(m.retryIn('1:30')).toContain('1:30');
  expect(m.expiresIn('4:59')).toContain('4:59');
  // Waits in words, rounded up to the coarsest honest unit.
  expect(m.waitFor(230)).toContain('4');
  expect(m.waitFor(45)).toContain('45');
  expect(m.verifiedTo('+86*******5678')).toContain('+86*******5678');
  for (const channel of ['sms', 'whatsapp', 'email', 'voice'] as const) {
    const sent = m.codeSent('+86*******5678', channel);
    expect(sent).toContain('+86*******5678');
    expect(sent).not.toContain('undefined');
  }
});

test('plural forms follow each language (Intl.PluralRules)', () => {
  expect(fr.wrongCode(1)).toBe('Code incorrect. Il reste 1 tentative.');
  expect(fr.wrongCode(2)).toBe('Code incorrect. Il reste 2 tentatives.');
  expect(de.wrongCode(1)).toBe('Falscher Code. Noch 1 Versuch.');
  expect(de.wrongCode(4)).toBe('Falscher Code. Noch 4 Versuche.');
  expect(pt_BR.wrongCode(1)).toBe('Código incorreto. Resta 1 tentativa.');
  expect(pt_BR.wrongCode(3)).toBe('Código incorreto. Restam 3 tentativas.');
  expect(ru.wrongCode(1)).toBe('Неверный код. Осталась 1 попытка.');
  expect(ru.wrongCode(3)).toBe('Неверный код. Осталось 3 попытки.');
  expect(ru.wrongCode(5)).toBe('Неверный код. Осталось 5 попыток.');
  expect(ru.wrongCode(21)).toBe('Неверный код. Осталась 21 попытка.');
  expect(hi.wrongCode(1)).toBe('गलत कोड। 1 प्रयास बचा है।');
  expect(hi.wrongCode(4)).toBe('गलत कोड। 4 प्रयास बचे हैं।');
  // Arabic: one, two, few (3–10, plural noun), many (11–99, singular noun).
  expect(ar.wrongCode(1)).toBe('الرمز غير صحيح. تبقّت محاولة واحدة.');
  expect(ar.wrongCode(2)).toBe('الرمز غير صحيح. تبقّت محاولتان.');
  expect(ar.wrongCode(3)).toBe('الرمز غير صحيح. تبقّت 3 محاولات.');
  expect(ar.wrongCode(11)).toBe('الرمز غير صحيح. تبقّت 11 محاولة.');
  expect(ko.wrongCode(1)).toBe('코드가 올바르지 않습니다. 1번 더 시도할 수 있습니다.');
});

test('Arabic isolates numbers and times left to right inside its right-to-left text', () => {
  expect(ar.codeSent('+966*****5678', 'sms')).toBe('أرسلنا رمزًا إلى \u2066+966*****5678\u2069 عبر رسالة نصية.');
  expect(ar.resendIn('0:27')).toBe('إعادة إرسال الرمز خلال \u20660:27\u2069');
});

test('Japanese keeps the number with its counter; Thai spaces a Latin channel name', () => {
  expect(ja.wrongCode(4)).toBe('コードが正しくありません。あと\u20604\u2060回入力できます。');
  expect(th.codeSent('+66*****5678', 'sms')).toBe('ส่งรหัสไปยัง +66*****5678 ทาง SMS แล้ว');
});

test('English says waits in words, singular and plural', () => {
  expect(en.waitFor(230)).toBe('You can try again in 4 minutes.');
  expect(en.waitFor(1)).toBe('You can try again in 1 second.');
  expect(en.waitFor(60)).toBe('You can try again in 1 minute.');
  expect(en.waitFor(3 * 3600)).toBe('You can try again in 3 hours.');
  expect(en.sendBy('voice')).toBe('Call me instead');
  expect(en.sendBy('whatsapp')).toBe('Send by WhatsApp');
});

test('English and Spanish say one attempt in the singular', () => {
  expect(en.wrongCode(3)).toBe('Wrong code. 3 attempts left.');
  expect(en.wrongCode(1)).toBe('Wrong code. 1 attempt left.');
  expect(es.wrongCode(1)).toBe('Código incorrecto. Queda 1 intento.');
  expect(es.wrongCode(2)).toBe('Código incorrecto. Quedan 2 intentos.');
});

test('Hong Kong Chinese is Traditional, mainland Chinese Simplified', () => {
  expect(zh_HK.codeLabel).toBe('驗證碼');
  expect(zh_CN.codeLabel).toBe('验证码');
  expect(zh_HK.codeSent('+852****5678', 'sms')).toContain('短訊');
  expect(zh_CN.codeSent('+86*******5678', 'sms')).toContain('短信');
});
