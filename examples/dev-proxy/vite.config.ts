// A Vite dev server in front of the BFF during development (the README's "Behind a dev proxy"), run by
// e2e/dev-proxy.e2e.test.ts. BFF_URL is only there so the test can point it at its own port.
import { defineConfig } from 'vite';

// docs:dev-proxy
export default defineConfig({
  server: {
    proxy: {
      // `changeOrigin: false` keeps the page's Host, so the browser's Origin matches what the handler sees. Vite's
      // string shorthand (`'/api/otp': url`) turns it on: the Host becomes the BFF's while the Origin stays the
      // page's, and the handler answers 403 (its log says which origin arrived) unless `allowedOrigins` lists it.
      '/api/otp': { target: process.env.BFF_URL ?? 'http://localhost:3000', changeOrigin: false },
    },
  },
});
// docs:end
