import type { Locale, OtpMessages } from '@otpkit/react';
import { en } from '@otpkit/react/locales/en';
import { es } from '@otpkit/react/locales/es';
import { ja } from '@otpkit/react/locales/ja';
import { th } from '@otpkit/react/locales/th';
import { zh_CN } from '@otpkit/react/locales/zh_CN';
import { zh_HK } from '@otpkit/react/locales/zh_HK';

export interface Language {
  /** EngageLab's template language, sent with the code request so the SMS is in the same language. */
  locale: Locale;
  /** BCP 47 tag for `<html lang>`, so screen readers pronounce the page right. */
  tag: string;
  /** The language's own name: someone who cannot read the current language must still find theirs. */
  name: string;
  messages: OtpMessages;
}

export const LANGUAGES: Language[] = [
  { locale: 'en', tag: 'en', name: 'English', messages: en },
  { locale: 'zh_CN', tag: 'zh-CN', name: '简体中文', messages: zh_CN },
  { locale: 'zh_HK', tag: 'zh-HK', name: '繁體中文', messages: zh_HK },
  { locale: 'ja', tag: 'ja', name: '日本語', messages: ja },
  { locale: 'th', tag: 'th', name: 'ไทย', messages: th },
  { locale: 'es', tag: 'es', name: 'Español', messages: es },
];
