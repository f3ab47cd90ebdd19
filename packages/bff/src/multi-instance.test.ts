// Two BFF server processes behind one Redis, as in a deployment with a load balancer: the attempt budget, the send
// limits and the resend gate must hold across both, and a Redis outage must fail closed and heal (the tests:
// multi-instance.test-helpers.ts, shared with the PostgreSQL run in multi-instance.postgres.test.ts).
import { type RedisServer, startRedis } from '../../../scripts/redis-server.mjs';
import { describeMultiInstance } from './multi-instance.test-helpers.js';

let redis: RedisServer | undefined;
describeMultiInstance({
  name: 'Redis',
  kind: 'redis',
  // This file's own Redis, with an append-only file in its own dir: Redis write()s the AOF before it replies, so a
  // killed redis-server loses nothing it acknowledged (see startRedis).
  async start(dir) {
    redis = await startRedis({ dir, persist: true });
    return redis.url;
  },
  async crash() {
    process.kill(redis!.pid, 'SIGKILL');
    await redis!.exited;
  },
  async restart() {
    redis = await startRedis({ port: redis!.port, dir: redis!.dir, persist: true });
  },
  async stop() {
    await redis?.stop();
  },
});
