// The layers' import rules of both packages live in biome.json (noRestrictedImports per folder), so `npm test` fails on a violation.
// This proves the rules themselves: each probe file is linted by the real Biome with the repository's config, in a
// scratch copy of the tree, and must be refused (or allowed) for the reason given.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'otpkit-layers-'));
const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8'));
// No git in the scratch copy.
config.vcs = { enabled: false };
writeFileSync(join(scratch, 'biome.json'), JSON.stringify(config));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The noRestrictedImports diagnostics Biome reports for `source` at `path`. */
function restricted(path: string, source: string): number {
  const file = join(scratch, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${source}\nexport {};\n`);
  let out: string;
  try {
    out = execFileSync(join(root, 'node_modules/.bin/biome'), ['lint', '--only=style/noRestrictedImports', path], {
      cwd: scratch,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    out = String((error as { stdout?: string }).stdout) + String((error as { stderr?: string }).stderr);
  }
  return out.match(/lint\/style\/noRestrictedImports/g)?.length ?? 0;
}

const B = 'packages/bff/src';
const R = 'packages/react/src';
describe('layer import rules (biome.json)', () => {
  it.each([
    [`${B}/flow/probe.ts`, "import '../stores/memory.js';", 'the flow sees stores only through their interface'],
    [`${B}/flow/probe.ts`, "import '../providers/engagelab.js';", 'the flow names no provider'],
    [`${B}/flow/probe.ts`, "import '../http/handler.js';", 'the flow knows no HTTP'],
    [`${B}/flow/probe.ts`, "import 'node:crypto';", 'the flow runs in browsers and on the edge'],
    [`${B}/providers/probe.ts`, "import '../flow/send.js';", 'a provider knows no flow'],
    [`${B}/providers/probe.ts`, "import '../stores/memory.js';", 'a provider knows no store'],
    [`${B}/stores/redis/probe.ts`, "import '../../providers/kit.js';", 'a store knows no provider'],
    [`${B}/stores/memory.ts`, "import 'node:crypto';", 'the memory store runs in browsers'],
    [`${B}/http/probe.ts`, "import '../providers/unimtx.js';", 'the HTTP layer names no provider'],
    [`${B}/adapters/probe.ts`, "import '../flow/send.js';", 'an adapter only bridges to OtpHandler.handle'],
    [`${B}/flow/probe.ts`, "import '../bot-checks/turnstile.js';", 'the flow names no bot-check service'],
    [`${B}/bot-checks/probe.ts`, "import '../flow/send.js';", 'a bot check knows no flow'],
    [`${B}/bot-checks/probe.ts`, "import 'node:http';", 'a bot check runs on the edge'],
    [`${B}/probe.ts`, "import 'node:fs';", 'the core has no node: module'],
    [`${R}/core/probe.ts`, "import { useState } from 'react';", 'the React core is framework-free'],
    [
      `${R}/core/probe.ts`,
      "import { MutationObserver } from '@tanstack/query-core';",
      'react-query belongs to the hook',
    ],
    [`${R}/hooks/probe.ts`, "import '../components/otp-input.js';", 'hooks import no component'],
    [`${R}/components/probe.tsx`, "import '../core/machine.js';", 'components go through the hooks'],
    [`${R}/components/otp-input.tsx`, "import '../hooks/use-countdown.js';", 'OtpInput is a pure primitive'],
    [`${R}/i18n/probe.ts`, "import 'react';", 'words know no React'],
    [`${R}/phone/probe.tsx`, "import '../components/otp-input.js';", 'the phone entry is a field of its own'],
    [`${R}/phone/probe.tsx`, "import '../hooks/use-otp-verification.js';", 'the phone entry knows no flow'],
  ])('%s may not `%s`: %s', (path, source) => {
    expect(restricted(path, source)).toBe(1);
  });

  it.each([
    [
      `${B}/flow/probe.ts`,
      "import type { OtpStore } from '../stores/types.js';\nimport type { OtpProvider } from '../providers/types.js';",
    ],
    [`${B}/providers/probe.ts`, "import { postJson } from './kit.js';\nimport { OtpError } from '../errors.js';"],
    [`${B}/http/probe.ts`, "import { send } from '../flow/send.js';"],
    [`${B}/adapters/probe.ts`, "import type { OtpHandler } from '../types.js';"],
    [`${B}/flow/probe.ts`, "import type { BotCheck } from '../bot-checks/types.js';"],
    [`${B}/bot-checks/probe.ts`, "import { siteverifyCheck } from './siteverify.js';"],
    [`${B}/stores/redis/index.ts`, "import { Redis } from 'ioredis';"],
    [
      `${R}/hooks/probe.ts`,
      "import { createOtpMachine } from '../core/machine.js';\nimport { useState } from 'react';",
    ],
    [`${R}/components/probe.tsx`, "import { useOtpVerification } from '../hooks/use-otp-verification.js';"],
    [`${R}/components/otp-input.tsx`, "import { CHARSETS } from './charsets.js';"],
    [
      `${R}/phone/probe.tsx`,
      "import { AsYouType } from 'libphonenumber-js/min';\nimport { phoneWords } from './words.js';",
    ],
  ])('%s may `%s`', (path, source) => {
    expect(restricted(path, source)).toBe(0);
  });
});
