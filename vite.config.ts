import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from './e2e/chromium.js';

export const chromium = playwright({ launchOptions: chromiumLaunchOptions });

// Workspace packages resolve to their TypeScript source (the "source" export condition), so tests and Storybook
// need no build.
const resolve = { conditions: ['source', 'module', 'browser', 'development|production'] };

export default defineConfig({
  plugins: [react()],
  resolve,
  test: {
    projects: [
      {
        extends: true,
        resolve: { conditions: ['source', 'node', 'import', 'default'] },
        // Node tests run in Vite's SSR environment, which has its own conditions: workspace packages (the examples
        // import @otpkit/bff by name) resolve to source there too, and are inlined rather than left to Node.
        ssr: {
          resolve: { conditions: ['source', 'module', 'node', 'development|production'] },
          noExternal: [/^@otpkit\//],
        },
        test: {
          name: 'bff',
          environment: 'node',
          include: ['packages/bff/src/**/*.test.ts', 'examples/extend/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'react',
          environment: 'jsdom',
          include: ['packages/react/src/**/*.test.{ts,tsx}'],
          exclude: ['packages/react/src/**/*.browser.test.{ts,tsx}'],
          setupFiles: ['packages/react/vitest.setup.ts'],
        },
      },
      {
        extends: true,
        // Tailwind v4 for the test that proves its utilities override styles.css (styles.browser.test.tsx).
        plugins: [tailwindcss()],
        test: {
          name: 'browser',
          include: ['packages/react/src/**/*.browser.test.{ts,tsx}'],
          // A drop-in state is checked at 4 layouts with axe each: slow when the whole suite shares 2 cores.
          testTimeout: 90_000,
          browser: { enabled: true, headless: true, provider: chromium, instances: [{ browser: 'chromium' }] },
        },
      },
      {
        // The same components on React 18.3 (the oldest the peer range accepts): react and react-dom resolve to
        // the npm aliases react18 / react-dom18, for the kit and for every dependency that imports them.
        extends: true,
        resolve: { ...resolve, alias: { react: 'react18', 'react-dom': 'react-dom18' } },
        test: {
          name: 'react18',
          provide: { reactMajor: 18 },
          testTimeout: 90_000,
          include: [
            'packages/react/src/**/otp-input.browser.test.tsx',
            'packages/react/src/**/otp-verification.browser.test.tsx',
          ],
          browser: { enabled: true, headless: true, provider: chromium, instances: [{ browser: 'chromium' }] },
        },
      },
      {
        // Every story in stories/ as a test in real Chromium: its play function, then axe (a11y test: 'error').
        extends: true,
        plugins: [storybookTest({ configDir: '.storybook' })],
        test: {
          name: 'storybook',
          browser: { enabled: true, headless: true, provider: chromium, instances: [{ browser: 'chromium' }] },
        },
      },
      {
        // The built demo and Next example, started by e2e/global-setup.ts and driven in Debian's Chromium by
        // playwright-core. Runs after the other projects (groupOrder) so it does not compete with them for the CPU.
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.e2e.test.ts', 'examples/*/server/**/*.test.ts'],
          globalSetup: ['e2e/global-setup.ts'],
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
