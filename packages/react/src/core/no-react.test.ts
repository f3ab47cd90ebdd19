// @vitest-environment node
// The core is framework-free (like zustand's vanilla store): importing `@otpkit/react/client` (this folder's
// index: client, machine, status helpers) must not load React or TanStack Query. Any import of either would hit
// these factories and fail the import.
import { expect, it, vi } from 'vitest';

vi.mock('react', () => {
  throw new Error('core/ must not import React');
});
vi.mock('@tanstack/react-query', () => {
  throw new Error('core/ must not import @tanstack/react-query');
});

it('runs a send and a verify through the @otpkit/react/client entry with no React at all', async () => {
  const { createOtpClient, createOtpMachine, canVerify, isVerified } = await import('@otpkit/react/client');
  const sent = {
    verificationId: 'v1',
    to: '+1******0000',
    channel: 'sms',
    expiresAt: new Date(Date.now() + 300_000).toISOString(),
    resendAt: new Date(Date.now() + 60_000).toISOString(),
    attemptsLeft: 5,
    codeLength: 6,
  };
  const answers = [sent, { verified: true, proof: 'p' }];
  const machine = createOtpMachine(createOtpClient({ fetch: async () => Response.json(answers.shift()) }));
  await machine.send('+12065550000');
  expect(machine.getState()).toMatchObject({ status: 'code_sent', to: '+1******0000' });
  expect(canVerify(machine.getState())).toBe(true);
  await machine.verify('123456');
  expect(machine.getState()).toMatchObject({ status: 'verified', proof: 'p' });
  expect(isVerified(machine.getState().status)).toBe(true);
  // The trap is armed: importing React here fails.
  await expect(import('react')).rejects.toThrow();
});
