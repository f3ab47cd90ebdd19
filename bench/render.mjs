// The render section of BENCHMARKS.md: React commit counts (a behaviour, not a timing) of the drop-in flow while a
// code is typed and while its countdowns tick. It runs the render-count test, which asserts the limits and puts the
// counts it measured in its task meta (`renderCounts`); Vitest's JSON reporter carries them here.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TIMEOUT_MS = 180_000;
const TEST = 'packages/react/src/components/render-count.test.tsx';

export default async function run() {
  const dir = await mkdtemp(join(os.tmpdir(), 'otpkit-render-'));
  const out = join(dir, 'report.json');
  try {
    const code = await new Promise((resolve, reject) => {
      const child = spawn(
        'pnpm',
        ['exec', 'vitest', 'run', '--project', 'react', '--reporter=json', `--outputFile=${out}`, TEST],
        { cwd: root, stdio: ['ignore', 2, 2] },
      );
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`render-count test gave no answer in ${TIMEOUT_MS / 1000} s`));
      }, TIMEOUT_MS);
      child.once('error', reject);
      child.once('exit', (status) => {
        clearTimeout(timer);
        resolve(status);
      });
    });
    if (code !== 0) throw new Error(`render-count test failed (exit ${code}): the flow re-renders more than it should`);
    const report = JSON.parse(await readFile(out, 'utf8'));
    const c = report.testResults.flatMap((file) => file.assertionResults).find((t) => t.meta?.renderCounts)
      ?.meta.renderCounts;
    if (!c) throw new Error(`${TEST} reported no renderCounts`);
    return [
      '## React render counts (drop-in flow)',
      '',
      `React \`<Profiler>\` commits in jsdom, from \`${TEST}\` (which fails above the limits).`,
      '',
      '| what | OtpInput commits | rest of the flow commits | limit |',
      '|---|---|---|---|',
      `| typing a ${c.digits}-digit code (until the verify starts) | ${c.inputCommits} | ${c.restCommits} | input <= ${c.digits}, rest 0 |`,
      `| ${c.tickSeconds} s of countdown ticks (expiry + resend) | ${c.tickInputCommits} | ${c.tickCommits} (the countdowns' own text only) | input 0, flow body 0, only countdowns |`,
      '',
    ].join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
