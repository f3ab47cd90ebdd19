import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    client: 'src/core/index.ts',
    phone: 'src/phone/index.ts',
    'locales/en': 'src/i18n/locales/en.ts',
    'locales/zh_CN': 'src/i18n/locales/zh_CN.ts',
    'locales/zh_HK': 'src/i18n/locales/zh_HK.ts',
    'locales/ja': 'src/i18n/locales/ja.ts',
    'locales/th': 'src/i18n/locales/th.ts',
    'locales/es': 'src/i18n/locales/es.ts',
    'locales/ar': 'src/i18n/locales/ar.ts',
    'locales/de': 'src/i18n/locales/de.ts',
    'locales/fr': 'src/i18n/locales/fr.ts',
    'locales/hi': 'src/i18n/locales/hi.ts',
    'locales/ko': 'src/i18n/locales/ko.ts',
    'locales/pt_BR': 'src/i18n/locales/pt_BR.ts',
    'locales/ru': 'src/i18n/locales/ru.ts',
  },
  format: 'esm',
  dts: true,
  platform: 'browser',
  target: 'es2022',
  // libphonenumber-js is a dependency, so it stays an import (an app's bundler dedupes it with its own copy).
  deps: { neverBundle: ['react', 'react-dom', 'react/jsx-runtime', '@tanstack/react-query', /^libphonenumber-js/] },
});
