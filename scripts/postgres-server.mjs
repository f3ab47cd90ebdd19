// Starts and stops a throwaway PostgreSQL server for tests and benchmarks, like scripts/redis-server.mjs does for
// Redis: initdb in its own temp dir, a free loopback port (TCP only, no Unix socket), stopped by its pid, the dir
// removed. Debian's initdb refuses to run as root, so as root both initdb and postgres run as the `postgres` user
// (spawned with its uid and gid: the pid we hold is the postmaster's own, not a wrapper's).
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { isExecutable, startServer } from './server-process.mjs';

export const TEST_PASSWORD = 'otpkit-test-password';

/**
 * The directory holding `postgres` and `initdb`: $OTPKIT_POSTGRES_BINDIR, else Debian's newest
 * /usr/lib/postgresql/<major>/bin, else the first directory on PATH that has both.
 */
export function findPostgres() {
  const candidates = [];
  if (process.env.OTPKIT_POSTGRES_BINDIR) candidates.push(process.env.OTPKIT_POSTGRES_BINDIR);
  try {
    const majors = readdirSync('/usr/lib/postgresql')
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...majors.map((major) => `/usr/lib/postgresql/${major}/bin`));
  } catch {}
  candidates.push(...(process.env.PATH ?? '').split(delimiter).filter(Boolean));
  for (const dir of candidates) {
    if (isExecutable(join(dir, 'postgres')) && isExecutable(join(dir, 'initdb'))) return dir;
  }
  throw new Error(
    'PostgreSQL (postgres and initdb) is not installed. Run `sh scripts/setup.sh` (it installs it from Debian), then retry.',
  );
}

/** As root: the uid and gid of the `postgres` user, which initdb and postgres run as. Otherwise: undefined (run as
 * the current user). */
function runAs() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('PostgreSQL refuses to run as root, and there is no `postgres` user to run it as.');
  }
}

/** Owns everything under `dir` by `user` (initdb and postgres must own their data directory). */
function chownTree(dir, user) {
  chownSync(dir, user.uid, user.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) chownTree(path, user);
    else chownSync(path, user.uid, user.gid);
  }
}

/** Lets `user` reach `dir`: the search (x) bit for others on every ancestor that lacks it (a caller's mkdtemp dir
 * is 0700 root). Never read or write bits. */
function reachable(dir) {
  for (let current = dirname(resolve(dir)); current !== dirname(current); current = dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) chmodSync(current, (mode & 0o7777) | 0o001);
  }
}

/** A data directory: `initdb` with a superuser `postgres` whose TCP logins need `password` (scram-sha-256). */
function initdb(bindir, dir, user, password) {
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) chownTree(dir, user);
  const args = ['-D', join(dir, 'data'), '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-host=scram-sha-256'];
  args.push('--auth-local=trust', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C');
  try {
    execFileSync(join(bindir, 'initdb'), args, { stdio: 'pipe', ...(user ?? {}) });
  } catch (error) {
    throw new Error(`initdb failed: ${error.stderr?.toString() || error.message}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/**
 * Starts PostgreSQL on 127.0.0.1 and waits until it accepts connections.
 * `port`: reuse a port (a restart after an outage); default: a free one.
 * `dir`: a directory of a previous start (its data survives: a restart runs crash recovery, keeping every
 * committed transaction); default: a new temp dir, removed by stop().
 * fsync is off (the data only has to survive the process, not the machine: a commit is written to the kernel
 * before it is acknowledged, so a killed server loses nothing it acknowledged; synchronous_commit stays on).
 * @param {{ port?: number, dir?: string, password?: string, timeoutMs?: number }} [options]
 */
export async function startPostgres(options = {}) {
  const bindir = findPostgres();
  const user = runAs();
  const password = options.password ?? TEST_PASSWORD;
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'otpkit-postgres-'));
  mkdirSync(dir, { recursive: true });
  if (user) reachable(dir);
  try {
    if (!existsSync(join(dir, 'data', 'PG_VERSION'))) initdb(bindir, dir, user, password);
  } catch (error) {
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const settings = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'];
  settings.push('-c', 'full_page_writes=off', '-c', 'max_connections=200', '-c', 'shared_buffers=32MB');
  const { port, pid, stop, exited } = await startServer({
    name: 'postgres',
    bin: join(bindir, 'postgres'),
    port: options.port,
    args: (port) => ['-D', join(dir, 'data'), '-p', String(port), ...settings],
    spawnOptions: user ?? {},
    ready: (_port, output) => /database system is ready to accept connections/.test(output),
    // Another start on a new port helps only when this one's port was taken.
    retry: (output) => /could not (bind|create listen)/i.test(output),
    // SIGINT: fast shutdown (ends sessions, no waiting for clients).
    stopSignal: 'SIGINT',
    timeoutMs: options.timeoutMs ?? 20_000,
    cleanup: () => {
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    },
  });
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  return { bindir, port, dir, pid, url, password, stop, exited };
}

/**
 * The PostgreSQL a test should use: $OTPKIT_POSTGRES_URL when set, else a server of its own (one per test file).
 * `stop()` stops only a server started here.
 */
export async function testPostgres() {
  if (process.env.OTPKIT_POSTGRES_URL) return { url: process.env.OTPKIT_POSTGRES_URL, stop: async () => {} };
  const server = await startPostgres();
  return { url: server.url, stop: server.stop };
}
