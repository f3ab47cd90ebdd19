// (a) otpkit: toExpress in Express 5 after express.json(), the setup the docs recommend for Express.
import { randomBytes } from 'node:crypto';
import { createOtpHandler, engagelab } from '@otpkit/bff';
import { toExpress } from '@otpkit/bff/node';
import express from 'express';
import { RAISED_LIMITS } from '../common/raised-limits.mjs';

const upstream = JSON.parse(process.argv[2]);
const otp = createOtpHandler({
  provider: engagelab({
    devKey: upstream.devKey,
    devSecret: upstream.devSecret,
    templateId: upstream.templateId,
    baseUrl: upstream.url,
  }),
  secret: randomBytes(32),
  ...RAISED_LIMITS,
});

const app = express();
app.use(express.json());
app.use('/api/otp', toExpress(otp));
const server = app.listen(0, '127.0.0.1', () => {
  process.send({ url: `http://127.0.0.1:${server.address().port}/api/otp` });
});
// The bench asks for CPU time around each load run: under a shared machine's noise, CPU per request is steadier
// than requests/s.
process.on('message', (m) => m === 'cpu' && process.send({ cpu: process.cpuUsage() }));
process.on('disconnect', () => process.exit(0));
