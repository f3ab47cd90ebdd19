import { resolve } from 'node:path';

// The workspace root: pnpm links @otpkit/* from there, so Turbopack and file tracing must see the whole monorepo.
const root = resolve(import.meta.dirname, '../..');

/** @type {import('next').NextConfig} */
export default {
  turbopack: { root },
  outputFileTracingRoot: root,
  poweredByHeader: false,
};
