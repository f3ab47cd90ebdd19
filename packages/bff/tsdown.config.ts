import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    node: 'src/adapters/node.ts',
    next: 'src/adapters/next.ts',
    testing: 'src/testing/index.ts',
    redis: 'src/stores/redis/index.ts',
    'redis-scripts': 'src/stores/redis/scripts.ts',
    'provider-kit': 'src/providers/kit.ts',
    'store-conformance': 'src/stores/conformance.ts',
  },
  format: 'esm',
  dts: true,
  platform: 'neutral',
  target: 'es2022',
  deps: { neverBundle: ['ioredis', 'vitest', /^node:/] },
});
