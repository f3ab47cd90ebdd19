// Neon's WebSocket proxy, locally: what Neon runs in front of its databases (github.com/neondatabase/wsproxy). Each
// WebSocket carries one Postgres connection's bytes unchanged, to the `address` query parameter the driver puts in
// its URL (`/v2?address=host:port`); binary frames both ways, and either side closing closes the other.

import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { neonConfig } from '@neondatabase/serverless';
import { WebSocket, WebSocketServer } from 'ws';

export async function neonWsProxy(): Promise<{ close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket, request) => {
    const address = new URL(request.url ?? '/', 'ws://proxy').searchParams.get('address') ?? '';
    const [host, port] = [
      address.slice(0, address.lastIndexOf(':')),
      Number(address.slice(address.lastIndexOf(':') + 1)),
    ];
    const tcp = connect({ host, port });
    socket.on('message', (data: Buffer) => tcp.write(data));
    tcp.on('data', (data) => socket.readyState === WebSocket.OPEN && socket.send(data));
    socket.on('close', () => tcp.destroy());
    tcp.on('close', () => socket.close());
    tcp.on('error', () => socket.close());
  });
  const { port } = server.address() as AddressInfo;
  // The driver's settings for a proxy without TLS on loopback (Neon's own is wss:// with TLS on the WebSocket).
  neonConfig.webSocketConstructor = WebSocket;
  neonConfig.wsProxy = (host, dbPort) => `127.0.0.1:${port}/v2?address=${host}:${dbPort}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
  return {
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
