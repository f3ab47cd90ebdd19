import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemoApp } from './app.js';
import { ConfigError, readConfig } from './config.js';

// Bundled to dist/server.js; the page is built next to it, in dist/page.
const pageDir = join(dirname(fileURLToPath(import.meta.url)), 'page');

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`otpkit demo: ${error.message}`);
  process.exit(1);
}

if (config.secretGenerated) {
  console.warn(
    'otpkit demo: OTP_SECRET is not set, so a random one was generated for this process. Verifications and proofs ' +
      'do not survive a restart and are not shared between instances: set OTP_SECRET (32+ bytes) in production.',
  );
}

const { app, close } = await createDemoApp(config, pageDir);
const server = app.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  const mode = config.simulator
    ? 'EngageLab simulator (no credentials set: codes are printed here and shown on the page)'
    : config.provider;
  // The e2e harness reads this line to learn the port when PORT=0.
  console.log(`otpkit demo listening on http://${config.host}:${port} — provider: ${mode}`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  void close().finally(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
