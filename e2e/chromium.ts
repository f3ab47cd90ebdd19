/**
 * How every browser test here launches Chromium: Debian's, never a downloaded one (this machine reaches no network
 * beyond the package registries). Without the background-networking flags Chromium floods the closed network with
 * refused connections. Shared by Vitest's browser projects (vite.config.ts) and the e2e tests (playwright-core).
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};
