import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    client: 'src/client.ts',
    'locales/en': 'src/locales/en.ts',
    'locales/zh_CN': 'src/locales/zh_CN.ts',
    'locales/zh_HK': 'src/locales/zh_HK.ts',
    'locales/ja': 'src/locales/ja.ts',
    'locales/th': 'src/locales/th.ts',
    'locales/es': 'src/locales/es.ts',
  },
  format: 'esm',
  dts: true,
  platform: 'browser',
  target: 'es2022',
  deps: { neverBundle: ['react', 'react-dom', 'react/jsx-runtime', '@tanstack/react-query'] },
});
