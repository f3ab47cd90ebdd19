// Usage: node scripts/with-redis.mjs <command> [args...]
// Runs the command with a throwaway redis-server on a free loopback port, like `pnpm exec` (the workspace's
// node_modules/.bin on PATH). The child gets OTPKIT_REDIS_URL (the server to use) and OTPKIT_REDIS_SERVER (the binary,
// so outage tests can start and stop their own). Redis is stopped by its pid when the command ends, fails or is
// interrupted; the exit code is the command's.
import { spawn } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRedisServer, startRedis } from './redis-server.mjs';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/with-redis.mjs <command> [args...]');
  process.exit(2);
}

let bin;
try {
  bin = findRedisServer();
} catch (error) {
  console.error(`with-redis: ${error.message}`);
  process.exit(1);
}

const redis = await startRedis().catch((error) => {
  console.error(`with-redis: could not start ${bin}: ${error.message}`);
  process.exit(1);
});

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = {
  ...process.env,
  PATH: [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
  OTPKIT_REDIS_URL: redis.url,
  OTPKIT_REDIS_SERVER: bin,
};

let stopping;
const stopRedis = () => {
  stopping ??= redis.stop().catch((error) => console.error(`with-redis: stopping redis-server: ${error.message}`));
  return stopping;
};

const child = spawn(command, args, { stdio: 'inherit', env });
const forward = (signal) => {
  if (child.exitCode === null) child.kill(signal);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);

child.once('error', async (error) => {
  console.error(`with-redis: cannot run ${command}: ${error.message}`);
  await stopRedis();
  process.exit(127);
});
child.once('exit', async (code, signal) => {
  await stopRedis();
  // A child killed by a signal: exit the way shells report it (128 + signal number).
  process.exit(code ?? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15));
});

// If this script itself dies on an exception, still take redis down.
process.once('uncaughtException', async (error) => {
  console.error(error);
  forward('SIGTERM');
  await stopRedis();
  process.exit(1);
});
