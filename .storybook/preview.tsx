import type { Preview } from '@storybook/react-vite';
import '@otpkit/react/styles.css';

const preview: Preview = {
  parameters: {
    layout: 'centered',
    // Every story is checked with axe when it runs as a test: a violation fails it.
    a11y: { test: 'error' },
  },
};

export default preview;
