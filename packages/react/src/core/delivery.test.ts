import { createTestBff } from '@otpkit/bff/testing';
import { describe, expect, it } from 'vitest';
import { createOtpClient } from './client.js';
import { isFinalDelivery, readDelivery } from './delivery.js';

const NUMBER = '+14155550123';

describe('readDelivery (POST …/status)', () => {
  it('follows the provider reports of the code message: pending, sent, failed, delivered', async () => {
    const bff = createTestBff({ deliveryReports: true });
    const { verificationId } = await createOtpClient({ fetch: bff.fetch }).send({ to: NUMBER });
    const read = () => readDelivery({ fetch: bff.fetch, verificationId });
    expect(await read()).toBe('pending');
    await bff.report('sent');
    expect(await read()).toBe('sent');
    await bff.report('delivered_failed');
    expect(await read()).toBe('failed');
    await bff.report('delivered');
    expect(await read()).toBe('delivered');
    expect(bff.requests.at(-1)).toEqual({ path: 'status', body: { verificationId } });
  });

  it('is `unknown` where the server reads no reports, and rejects with the contract code otherwise', async () => {
    const bff = createTestBff();
    const { verificationId } = await createOtpClient({ fetch: bff.fetch }).send({ to: NUMBER });
    expect(await readDelivery({ fetch: bff.fetch, verificationId })).toBe('unknown');
    await expect(readDelivery({ fetch: bff.fetch, verificationId: 'A'.repeat(22) })).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    });
    const down = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(readDelivery({ fetch: down, verificationId })).rejects.toMatchObject({ code: 'network_error' });
    const html = async () => new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } });
    await expect(readDelivery({ fetch: html, verificationId })).rejects.toMatchObject({ code: 'internal_error' });
  });

  it('knows which answers are final', () => {
    expect(['pending', 'sent'].map((d) => isFinalDelivery(d as 'sent'))).toEqual([false, false]);
    expect(['delivered', 'failed', 'unknown'].map((d) => isFinalDelivery(d as 'sent'))).toEqual([true, true, true]);
  });
});
