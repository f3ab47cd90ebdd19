// The same BFF on plain `node:http`, without Express: the README's "Node http" snippet comes from here, and
// e2e/mounts.e2e.test.ts serves it and runs a verification through it.
// docs:node-http-import
import { createServer, type Server } from 'node:http';
import type { OtpHandler } from '@otpkit/bff';
import { toNodeHandler } from '@otpkit/bff/node';
// docs:end

export function createNodeServer(otp: OtpHandler): Server {
  // docs:node-http
  const handleOtp = toNodeHandler(otp);
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/otp/')) return void handleOtp(req, res);
    res.writeHead(404).end();
  });
  // docs:end
  return server;
}
