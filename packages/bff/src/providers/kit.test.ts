import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OtpError } from '../errors.js';
import { platformFetch, postJson } from './kit.js';

describe('postJson', () => {
  const servers: ReturnType<typeof createServer>[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });
  const listen = async (handler: Parameters<typeof createServer>[1]) => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it('never follows a redirect: the signed body does not go elsewhere, and the call fails as unavailable', async () => {
    let reached = 0;
    const elsewhere = await listen((_req, res) => {
      reached += 1;
      res.end('{}');
    });
    const provider = await listen((_req, res) => {
      res.writeHead(307, { location: `${elsewhere}/v1/messages` });
      res.end();
    });
    const call = postJson({
      provider: 'EngageLab',
      fetch: platformFetch,
      url: `${provider}/v1/messages`,
      headers: {},
      signal: AbortSignal.timeout(5000),
      body: { to: '+8618701235678' },
    });
    await expect(call).rejects.toSatisfy((e) => e instanceof OtpError && e.code === 'provider_unavailable');
    expect(reached).toBe(0);
  });

  it('reads a JSON answer', async () => {
    const provider = await listen((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'] }));
    });
    const reply = await postJson({
      provider: 'EngageLab',
      fetch: platformFetch,
      url: `${provider}/v1/messages`,
      headers: {},
      signal: AbortSignal.timeout(5000),
      body: {},
    });
    expect(reply).toEqual({ status: 200, body: { method: 'POST', type: 'application/json' } });
  });
});
