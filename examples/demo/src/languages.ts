import type { Locale, OtpMessages } from '@otpkit/react';
import { en } from '@otpkit/react/locales/en';
import { es } from '@otpkit/react/locales/es';
import { ja } from '@otpkit/react/locales/ja';
import { th } from '@otpkit/react/locales/th';
import { zh_CN } from '@otpkit/react/locales/zh_CN';
import { zh_HK } from '@otpkit/react/locales/zh_HK';

export interface Language {
  /** BCP 47 tag: sent with the code request (the server maps it to its provider's template language, so the SMS
   * is in the same language) and set as `<html lang>`, so screen readers pronounce the page right. */
  locale: Locale;
  /** The language's own name: someone who cannot read the current language must still find theirs. */
  name: string;
  messages: OtpMessages;
}

export const LANGUAGES: Language[] = [
  { locale: 'en', name: 'English', messages: en },
  { locale: 'zh-CN', name: '简体中文', messages: zh_CN },
  { locale: 'zh-HK', name: '繁體中文', messages: zh_HK },
  { locale: 'ja', name: '日本語', messages: ja },
  { locale: 'th', name: 'ไทย', messages: th },
  { locale: 'es', name: 'Español', messages: es },
];
