// Two BFF server processes behind one PostgreSQL (postgresStore over a pg Pool each): the tests of
// multi-instance.test-helpers.ts, as for Redis in multi-instance.test.ts.
import { type PostgresServer, startPostgres } from '../../../scripts/postgres-server.mjs';
import { describeMultiInstance } from './multi-instance.test-helpers.js';

let postgres: PostgresServer | undefined;
describeMultiInstance({
  name: 'PostgreSQL',
  kind: 'postgres',
  // This file's own server (initdb in `dir`): a commit is written to the kernel before it is acknowledged, so a
  // killed server loses nothing it acknowledged (startPostgres turns only fsync off).
  async start(dir) {
    postgres = await startPostgres({ dir });
    return postgres.url;
  },
  // SIGKILL of the postmaster, as a crash or the OOM killer would: the restart runs crash recovery from the WAL.
  async crash() {
    process.kill(postgres!.pid, 'SIGKILL');
    await postgres!.exited;
  },
  async restart() {
    postgres = await startPostgres({ port: postgres!.port, dir: postgres!.dir });
  },
  async stop() {
    await postgres?.stop();
  },
});
