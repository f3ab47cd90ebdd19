import type { StorybookConfig } from '@storybook/react-vite';

const config: StorybookConfig = {
  framework: '@storybook/react-vite',
  stories: ['../stories/**/*.stories.tsx'],
  addons: ['@storybook/addon-a11y', '@storybook/addon-vitest'],
  core: { disableTelemetry: true },
  // The workspace packages resolve to their TypeScript source (the "source" export condition), so Storybook
  // needs no build of @otpkit/react or @otpkit/bff. The BFF handler is Web-standard, so it runs in the browser.
  viteFinal: (vite) => ({
    ...vite,
    resolve: {
      ...vite.resolve,
      conditions: ['source', 'module', 'browser', 'development|production'],
    },
  }),
};

export default config;
