import { expect, test } from 'vitest';
import { en } from './en.js';
import { es } from './es.js';
import { ja } from './ja.js';
import { th } from './th.js';
import { zh_CN } from './zh_CN.js';
import { zh_HK } from './zh_HK.js';

const locales = { es, ja, th, zh_CN, zh_HK };
const keys = Object.keys(en).sort();

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
