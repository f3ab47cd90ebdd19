// Two BFF server processes over one Redis Cluster (3 primaries, 3 replicas; scripts/redis-cluster.mjs) through an
// ioredis Cluster with no special prefix: the attempt budget, the send limits and the resend gate hold across both,
// and a primary killed mid-run fails over (multi-instance.test-helpers.ts).
import { cli, type RedisCluster, startRedisCluster } from '../../../scripts/redis-cluster.mjs';
import { describeMultiInstance } from './multi-instance.test-helpers.js';

let cluster: RedisCluster | undefined;
const unused = async () => {
  throw new Error('a cluster outage is a failover (see failover)');
};
describeMultiInstance({
  name: 'Redis Cluster',
  kind: 'redis-cluster',
  async start() {
    cluster = await startRedisCluster();
    return cluster.startupNodes.map((node) => `${node.host}:${node.port}`).join(',');
  },
  crash: unused,
  restart: unused,
  async stop() {
    await cluster?.stop();
  },
  failover: {
    async kill(key) {
      const primaries = await cluster!.primaries();
      const owner = (
        await Promise.all(
          primaries.map(async (node) => ((await cli(node.port, 'EXISTS', key)).trim() === '1' ? node : undefined)),
        )
      ).find((node) => node !== undefined);
      if (!owner) throw new Error(`no primary holds ${key}`);
      // Its replica has every write first (replication is asynchronous: a write not yet copied would be lost).
      await cli(owner.port, 'WAIT', '1', '2000');
      process.kill(owner.pid, 'SIGKILL');
      await owner.exited;
    },
    healed: () => cluster!.healed(),
  },
});
