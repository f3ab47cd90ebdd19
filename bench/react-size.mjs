// The bundle-size section of BENCHMARKS.md: what @otpkit/react adds to an app's client bundle, measured in the
// same run as input-otp 1.5.0 (the one-input OTP field it is compared with). Method, as in
// shared/reference/otp-input-anchors.md: esbuild --bundle --minify, ESM, NODE_ENV=production, React and
// TanStack Query external (the app has them anyway), gzip -9. @otpkit/react is bundled from its TypeScript SOURCE
// (the "source" export condition), so no build is needed and the figure is what an app's bundler would tree-shake
// out of it; dist is the same code compiled by tsdown.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LOCALES = ['en', 'ar', 'de', 'es', 'fr', 'hi', 'ja', 'ko', 'pt_BR', 'ru', 'th', 'zh_CN', 'zh_HK'];
const FLOW_BUDGET = 2048; // the drop-in flow may add at most 2 KB gzipped over the primitives

const ENTRIES = [
  ['input-otp 1.5.0 (whole entry)', "export * from 'input-otp';"],
  ['@otpkit/react OtpInput alone', "export { OtpInput } from '@otpkit/react';"],
  [
    '@otpkit/react primitives',
    "export { OtpInput, ResendButton, ExpiryCountdown, useOtpVerification, createOtpClient } from '@otpkit/react';",
  ],
  ['@otpkit/react full (drop-in flow + English)', "export * from '@otpkit/react';"],
  // The phone entry against the best-known React phone field, both with a country selector and libphonenumber-js's
  // `min` metadata (which is most of either): react-phone-number-input also bundles its English country names;
  // PhoneInput takes them from Intl.DisplayNames.
  [
    'react-phone-number-input 3.4 (`/min`, with country select)',
    "export { default } from 'react-phone-number-input/min';",
  ],
  ['@otpkit/react/phone PhoneInput', "export { PhoneInput } from '@otpkit/react/phone';"],
  ...LOCALES.map((l) => [`locale ${l}`, `export * from '@otpkit/react/locales/${l}';`]),
];

async function measure(contents, conditions = ['source']) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js', sourcefile: 'entry.js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    conditions,
    define: { 'process.env.NODE_ENV': '"production"' },
    external: ['react', 'react/*', 'react-dom', 'react-dom/*', '@tanstack/react-query'],
    // 'use client' directives are dropped when bundling, which esbuild reports as a warning: expected here.
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  const [output] = Object.values(result.metafile.outputs);
  const modules = Object.entries(output.inputs).map(([path, { bytesInOutput }]) => [path, bytesInOutput]);
  return {
    min: code.byteLength,
    gzip: gzipSync(code, { level: constants.Z_BEST_COMPRESSION }).byteLength,
    modules: modules.filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]),
  };
}

const fmt = (n) => n.toLocaleString('en-US');

export default async function run() {
  const sizes = new Map();
  for (const [name, contents] of ENTRIES) sizes.set(name, await measure(contents));
  // The same primitives from the built dist (`pnpm bench` builds first): what an app installing the package gets.
  sizes.set('@otpkit/react primitives, from the published dist', await measure(ENTRIES[2][1], []));
  const anchor = sizes.get('input-otp 1.5.0 (whole entry)').gzip;
  const primitives = sizes.get('@otpkit/react primitives').gzip;
  const flow = sizes.get('@otpkit/react full (drop-in flow + English)').gzip;
  const phone = sizes.get('@otpkit/react/phone PhoneInput').gzip;
  const phoneAnchor = sizes.get('react-phone-number-input 3.4 (`/min`, with country select)').gzip;
  const phoneModules = sizes.get('@otpkit/react/phone PhoneInput').modules;
  const ownBytes = phoneModules.filter(([path]) => path.includes('packages/react/')).reduce((sum, [, b]) => sum + b, 0);
  const css = (path) => {
    const text = readFileSync(join(root, path));
    return `${fmt(text.byteLength)} B, ${fmt(gzipSync(text, { level: constants.Z_BEST_COMPRESSION }).byteLength)} B gzipped`;
  };
  const verdict = (ok, size, limit) =>
    ok ? `met (${fmt(limit - size)} B to spare)` : `**missed by ${fmt(size - limit)} B**`;

  return [
    '## @otpkit/react bundle size',
    '',
    'esbuild `--bundle --minify`, ESM, `NODE_ENV=production`, `react`, `react-dom`, `react/jsx-runtime` and',
    '`@tanstack/react-query` external, gzip level 9 (node:zlib). @otpkit/react is bundled from its TypeScript source',
    '(the `source` export condition) through its public entry points, so unused exports are tree-shaken as in an app.',
    '',
    '| entry | min B | gzip B |',
    '|---|---:|---:|',
    ...[...sizes].map(([name, s]) => `| ${name} | ${fmt(s.min)} | ${fmt(s.gzip)} |`),
    '',
    `- Primitives (OtpInput, ResendButton, ExpiryCountdown, useOtpVerification, createOtpClient) <= input-otp (${fmt(anchor)} B): ${verdict(primitives <= anchor, primitives, anchor)}.`,
    `- Drop-in flow <= primitives + 2 KB (${fmt(primitives + FLOW_BUDGET)} B): ${verdict(flow <= primitives + FLOW_BUDGET, flow, primitives + FLOW_BUDGET)}.`,
    `- Phone entry (\`@otpkit/react/phone\`) <= react-phone-number-input (${fmt(phoneAnchor)} B): ${verdict(phone <= phoneAnchor, phone, phoneAnchor)}. Of its minified bytes, ${fmt(ownBytes)} are the component and the rest libphonenumber-js (code and \`min\` metadata). It is its own entry point: the rows above do not contain it. Its stylesheet \`phone.css\`: ${css('packages/react/src/phone/phone.css')} (react-phone-number-input's style.css: ${css('node_modules/react-phone-number-input/style.css')}).`,
    '- Locales are separate entry points (`@otpkit/react/locales/<id>`): an app pays only for the ones it imports.',
    '',
    'Where the primitives bundle goes (minified bytes per source module, before gzip):',
    '',
    '| module | min B |',
    '|---|---:|',
    ...sizes
      .get('@otpkit/react primitives')
      .modules.map(([path, bytes]) => `| ${path.replace(/^.*packages\/react\//, '')} | ${fmt(bytes)} |`),
    '',
  ].join('\n');
}
