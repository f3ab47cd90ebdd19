import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    node: 'src/adapters/node.ts',
    next: 'src/adapters/next.ts',
    fastify: 'src/adapters/fastify.ts',
    testing: 'src/testing/index.ts',
    redis: 'src/stores/redis/index.ts',
    'redis-scripts': 'src/stores/redis/scripts.ts',
    postgres: 'src/stores/postgres/index.ts',
    'provider-kit': 'src/providers/kit.ts',
    'store-conformance': 'src/stores/conformance.ts',
    'provider-conformance': 'src/testing/provider-conformance.ts',
    smtp: 'src/providers/smtp.ts',
    'bot-checks': 'src/bot-checks/index.ts',
  },
  format: 'esm',
  dts: true,
  platform: 'neutral',
  target: 'es2022',
  deps: { neverBundle: ['ioredis', 'vitest', 'nodemailer', 'fastify', /^node:/] },
});
