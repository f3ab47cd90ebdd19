// One BFF instance of the fleet bench: node:http, toNodeHandler, the real handler over redisStore, behind HAProxy
// (trustProxy: the client's address is the last X-Forwarded-For entry). Config as JSON in argv[2]:
// { upstream: { url, devKey, devSecret, templateId }, redis: { url } | { cluster: [url, ...] }, prefix }.
import { createServer } from 'node:http';
import { createOtpHandler, engagelab } from '@otpkit/bff';
import { toNodeHandler } from '@otpkit/bff/node';
import { redisStore } from '@otpkit/bff/redis';
import { Cluster, Redis } from 'ioredis';
import { RAISED_LIMITS } from '../common/raised-limits.mjs';

const { upstream, redis, prefix } = JSON.parse(process.argv[2]);
const client = redis.cluster
  ? new Cluster(
      redis.cluster.map((url) => {
        const { hostname, port } = new URL(url);
        return { host: hostname, port: Number(port) };
      }),
    )
  : new Redis(redis.url);
const otp = createOtpHandler({
  provider: engagelab({ ...upstream, baseUrl: upstream.url }),
  secret: 'fleet-bench-secret-0123456789abcdef0123456789',
  store: redisStore({ client, prefix }),
  trustProxy: true,
  // Budgets high enough that every measured verify stays a wrong-code 200 that calls the provider (as in the bff
  // section), and that the setup's sends from one address to consecutive numbers are not refused.
  ...RAISED_LIMITS,
});
const server = createServer(toNodeHandler(otp));
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
