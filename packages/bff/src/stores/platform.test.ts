import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestBff } from '../testing/index.js';
import { memoryStore } from './memory.js';
import { multiInstanceReason } from './platform.js';

describe('no silent insecurity: the memory store where it cannot hold', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
  });

  it.each([
    [{ VERCEL: '1' }, /Vercel/],
    [{ NETLIFY: 'true' }, /Netlify/],
    [{ AWS_LAMBDA_FUNCTION_NAME: 'otp' }, /AWS Lambda/],
    [{ K_SERVICE: 'otp' }, /Cloud Run/],
    [{ DENO_DEPLOYMENT_ID: 'abc' }, /Deno Deploy/],
    [{ NODE_ENV: 'production', WEB_CONCURRENCY: '4' }, /WEB_CONCURRENCY=4/],
    [{ NODE_ENV: 'production', NODE_APP_INSTANCE: '0' }, /pm2/],
  ])('refuses to start with %o, naming the fix', (env, platform) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    expect(() => memoryStore()).toThrow(platform);
    expect(() => memoryStore()).toThrow(/redisStore\(\{ client \}\).*singleInstance: true/s);
    // The default store of a handler is the memory store: the handler fails at boot, not on a request.
    expect(() => createTestBff()).toThrow(platform);
    expect(() => memoryStore({ singleInstance: true })).not.toThrow();
  });

  it('tells Cloudflare Workers and Vercel Edge by their globals', () => {
    expect(multiInstanceReason({}, { navigator: { userAgent: 'Cloudflare-Workers' } })).toMatch(/Cloudflare Workers/);
    expect(multiInstanceReason({}, { EdgeRuntime: 'edge-runtime' })).toMatch(/edge runtime/);
    vi.stubGlobal('EdgeRuntime', 'edge-runtime');
    expect(() => memoryStore()).toThrow(/edge runtime/);
  });

  it('reads only what it may: an environment that throws on a variable (Deno without --allow-env) is not a platform', () => {
    const denied = new Proxy({} as Record<string, string>, {
      get() {
        throw new Error('NotCapable: Requires env access');
      },
    });
    expect(multiInstanceReason(denied, {})).toBeUndefined();
  });

  it('starts where one process is the norm: development, tests, one production process, a browser', () => {
    expect(multiInstanceReason({ NODE_ENV: 'development' }, {})).toBeUndefined();
    expect(multiInstanceReason({ NODE_ENV: 'production' }, {})).toBeUndefined();
    expect(multiInstanceReason({ NODE_ENV: 'production', WEB_CONCURRENCY: '1' }, {})).toBeUndefined();
    expect(() => memoryStore()).not.toThrow();
  });
});
