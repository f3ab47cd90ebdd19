// (b) What a team writes instead of otpkit: parse JSON, forward to EngageLab with Basic auth, return its answer.
// No limits, no validation, the provider's message id goes to the browser.
import express from 'express';

const upstream = JSON.parse(process.argv[2]);
const authorization = `Basic ${Buffer.from(`${upstream.devKey}:${upstream.devSecret}`).toString('base64')}`;

async function forward(path, body, res) {
  try {
    const answer = await fetch(upstream.url + path, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(8000),
    });
    res.status(answer.status).json(await answer.json());
  } catch {
    res.status(502).json({ error: 'upstream failed' });
  }
}

const app = express();
app.use(express.json());
app.post('/api/otp/send', (req, res) =>
  forward('/v1/messages', { to: req.body.to, template: { id: upstream.templateId } }, res),
);
app.post('/api/otp/verify', (req, res) =>
  forward('/v1/verifications', { message_id: req.body.message_id, verify_code: req.body.code }, res),
);
const server = app.listen(0, '127.0.0.1', () => {
  process.send({ url: `http://127.0.0.1:${server.address().port}/api/otp` });
});
// The bench asks for CPU time around each load run: under a shared machine's noise, CPU per request is steadier
// than requests/s.
process.on('message', (m) => m === 'cpu' && process.send({ cpu: process.cpuUsage() }));
process.on('disconnect', () => process.exit(0));
