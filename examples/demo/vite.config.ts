import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The page is built into dist/page, next to the bundled server (dist/server.js) that serves it. @otpkit/react
// resolves to its built package here (no "source" condition), exactly as in an app that installed it.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist/page', emptyOutDir: true },
});
