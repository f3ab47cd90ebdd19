// Starts and stops a throwaway Redis Cluster for tests and benchmarks: 3 primaries and 3 replicas by default, each a
// Debian redis-server in cluster mode on free loopback ports (client and bus port), in one temp dir, joined with
// `redis-cli --cluster create`; every process stopped by its pid and the dir removed. Failover is quick
// (`cluster-node-timeout` 1 s) so a test can kill a primary and watch its replica take over within seconds.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { findRedisServer, startRedis } from './redis-server.mjs';
import { freePort } from './server-process.mjs';

const run = promisify(execFile);

/** redis-cli from the same install as redis-server (Debian's redis-tools, a dependency of redis-server). */
function redisCli() {
  return join(dirname(findRedisServer()), 'redis-cli');
}

/** One command through redis-cli against a node; its reply as text. */
export async function cli(port, ...args) {
  const { stdout } = await run(redisCli(), ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5000 });
  return stdout;
}

const info = (text, field) => new RegExp(`^${field}:(\\S+)`, 'm').exec(text)?.[1];

/** Resolves when `check` resolves true, polling every 50 ms; rejects after `timeoutMs` with `what`. */
async function until(what, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis cluster: ${what} within ${timeoutMs} ms${last ? ` (${last.message})` : ''}`);
}

/**
 * Starts the cluster and waits until every node sees all 16384 slots served and every replica is in sync.
 * @param {{ primaries?: number, replicas?: number, timeoutMs?: number }} [options]
 */
export async function startRedisCluster(options = {}) {
  const primaries = options.primaries ?? 3;
  const replicas = options.replicas ?? 1;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dir = mkdtempSync(join(tmpdir(), 'otpkit-redis-cluster-'));
  /** @type {import('./redis-server.mjs').RedisServer[]} */
  const nodes = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < primaries * (1 + replicas); i++) {
      const bus = await freePort();
      nodes.push(
        await startRedis({
          dir: join(dir, String(i)),
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-port',
            String(bus),
            // A dead primary is marked failed after 1 s, and its replica takes over at once.
            '--cluster-node-timeout',
            '1000',
            '--cluster-replica-validity-factor',
            '0',
            // The slots of live primaries keep answering while one is failing over.
            '--cluster-require-full-coverage',
            'no',
          ],
        }),
      );
    }
    await run(
      redisCli(),
      [
        '--cluster',
        'create',
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      { timeout: timeoutMs },
    );
    await until('all slots served on every node', timeoutMs, async () => {
      for (const node of nodes) {
        const text = await cli(node.port, 'CLUSTER', 'INFO');
        if (info(text, 'cluster_state') !== 'ok' || info(text, 'cluster_slots_ok') !== '16384') return false;
        if (Number(info(text, 'cluster_known_nodes')) !== nodes.length) return false;
      }
      return true;
    });
    await until('replicas in sync', timeoutMs, async () => {
      for (const node of nodes) {
        const text = await cli(node.port, 'INFO', 'replication');
        if (info(text, 'role') === 'slave' && info(text, 'master_link_status') !== 'up') return false;
      }
      return true;
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    nodes,
    dir,
    /** Where a client starts (ioredis `new Cluster(startupNodes)`). */
    startupNodes: nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
    /** The nodes that are primaries now (a failover changes the answer), as seen by each node itself. */
    async primaries() {
      const roles = await Promise.all(
        nodes.map(async (node) => {
          if (!node.running()) return undefined;
          const text = await cli(node.port, 'ROLE').catch(() => '');
          return text.startsWith('master') ? node : undefined;
        }),
      );
      return roles.filter((node) => node !== undefined);
    },
    /** Resolves when every slot is served again after a node died (a replica has been promoted). */
    async healed(ms = timeoutMs) {
      await until('every slot served again', ms, async () => {
        for (const node of nodes) {
          if (!node.running()) continue;
          const text = await cli(node.port, 'CLUSTER', 'INFO');
          if (info(text, 'cluster_state') !== 'ok' || info(text, 'cluster_slots_ok') !== '16384') return false;
        }
        return true;
      });
    },
    stop,
  };
}
