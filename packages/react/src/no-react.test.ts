// @vitest-environment node
// The client and the machine are framework-free (like zustand's vanilla store): importing them must not load
// React. Any import of 'react' below would hit this factory and fail the import.
import { expect, it, vi } from 'vitest';

vi.mock('react', () => {
  throw new Error('client.ts / machine.ts must not import React');
});
vi.mock('@tanstack/react-query', () => {
  throw new Error('client.ts / machine.ts must not import @tanstack/react-query');
});

it('runs a send with client.ts and machine.ts and no React at all', async () => {
  const { createOtpClient } = await import('./client.js');
  const { createOtpMachine } = await import('./machine.js');
  const body = {
    verificationId: 'v1',
    to: '+1******0000',
    channel: 'sms',
    expiresAt: new Date(Date.now() + 300_000).toISOString(),
    resendAt: new Date(Date.now() + 60_000).toISOString(),
    attemptsLeft: 5,
    codeLength: 6,
  };
  const machine = createOtpMachine(createOtpClient({ fetch: async () => Response.json(body) }));
  await machine.send('+15550000000');
  expect(machine.getState()).toMatchObject({ status: 'code_sent', to: '+1******0000' });
  // The trap is armed: importing React here fails.
  await expect(import('react')).rejects.toThrow();
});
