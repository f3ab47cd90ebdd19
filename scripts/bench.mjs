// `pnpm bench`: runs every bench/*.mjs that exports `default async function run(): Promise<string>` (a markdown
// section) and writes BENCHMARKS.md. Each section runs in its own child process with a time limit, so one that
// throws, hangs or crashes is reported as failed in the file and the others still run.
//
//   node scripts/bench.mjs              all sections -> BENCHMARKS.md
//   node scripts/bench.mjs bff render   only these, printed to stdout (BENCHMARKS.md is left alone)
import { fork } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECTION_TIMEOUT_MS = Number(process.env.BENCH_SECTION_TIMEOUT_MS ?? 10 * 60_000);
const FIRST = ['bff', 'redis', 'react-size', 'render'];

// Child mode: import one section, run it, send its markdown back over IPC.
if (process.argv[2] === '--section') {
  const mod = await import(pathToFileURL(process.argv[3]).href);
  if (typeof mod.default !== 'function') {
    process.send({ skip: true });
  } else {
    try {
      process.send({ markdown: String(await mod.default()) });
    } catch (error) {
      process.send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }
  // A section may leave servers or timers behind; the parent has what it needs.
  process.disconnect();
  process.exit(0);
}

function order(names) {
  const rank = (n) => (FIRST.includes(n) ? FIRST.indexOf(n) : FIRST.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function runSection(file) {
  return new Promise((resolve) => {
    // --expose-gc: memory figures need a collection before and after.
    const child = fork(fileURLToPath(import.meta.url), ['--section', file], {
      cwd: root,
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 2, 2, 'ipc'], // sections' own output goes to stderr, the document to stdout
    });
    let result;
    const timer = setTimeout(() => {
      result ??= { error: `timed out after ${SECTION_TIMEOUT_MS / 1000} s` };
      child.kill('SIGKILL');
    }, SECTION_TIMEOUT_MS);
    child.on('message', (message) => {
      result ??= message;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(result ?? { error: `the section's process exited (${signal ?? `code ${code}`}) without a result` });
    });
  });
}

function machine() {
  const cpus = os.cpus();
  const gib = (os.totalmem() / 1024 ** 3).toFixed(1);
  return [
    `- CPU: ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} logical cores (os.availableParallelism: ${os.availableParallelism()})`,
    `- Memory: ${gib} GiB`,
    `- Node ${process.version} on ${os.type()} ${os.release()} (${process.arch})`,
  ].join('\n');
}

const only = process.argv.slice(2);
const dir = process.env.BENCH_DIR ?? join(root, 'bench'); // BENCH_DIR: for trying the runner itself
const names = order(
  (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith('.mjs') && !e.name.startsWith('.')) // editors' and tools' temp files
    .map((e) => basename(e.name, '.mjs'))
    .filter((n) => only.length === 0 || only.includes(n)),
);

const sections = [];
let failed = 0;
for (const name of names) {
  const started = Date.now();
  console.error(`bench: ${name} ...`);
  const result = await runSection(join(dir, `${name}.mjs`));
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (result.skip) {
    console.error(`bench: ${name} has no default run(); skipped`);
  } else if (result.error !== undefined) {
    failed += 1;
    console.error(`bench: ${name} FAILED after ${seconds} s\n${result.error}`);
    sections.push(
      `## ${name}\n\n**FAILED** after ${seconds} s: this section produced no figures.\n\n\`\`\`\n${result.error}\n\`\`\``,
    );
  } else {
    console.error(`bench: ${name} done in ${seconds} s`);
    sections.push(result.markdown.trim());
  }
}

const document = [
  '# Benchmarks',
  '',
  `Measured ${new Date().toISOString()} by \`pnpm bench\` (builds the packages, then runs \`scripts/bench.mjs\`).`,
  '',
  '## Machine',
  '',
  machine(),
  '',
  ...sections.flatMap((s) => [s, '']),
  '## How to reproduce',
  '',
  '```sh',
  'pnpm install',
  'pnpm bench            # builds, runs every bench/*.mjs and rewrites BENCHMARKS.md',
  'node scripts/bench.mjs bff   # one section, printed to stdout (after a build)',
  '```',
  '',
  'Each section runs in its own process; one that fails is reported here as failed and the others still run.',
  'Figures depend on the machine and on what else runs on it: compare ratios within one run, not across machines.',
  '',
].join('\n');

if (only.length > 0) process.stdout.write(document);
else {
  await writeFile(join(root, 'BENCHMARKS.md'), document);
  console.error(`bench: wrote BENCHMARKS.md (${sections.length} sections, ${failed} failed)`);
}
process.exitCode = failed > 0 ? 1 : 0;
