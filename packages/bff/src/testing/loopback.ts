/** A fetch-style function, as the simulators expose it. */
export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface LoopbackServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a fetch-style function on a real HTTP server at 127.0.0.1, on a free port. `node:http` is imported
 * dynamically here so that the simulators stay importable in a browser (Storybook runs them in-page).
 */
export async function listenLoopback(fetch: FetchLike): Promise<LoopbackServer> {
  const http = await import('node:http');
  const server = http.createServer((req, res) => {
    // Aborts the simulated request when the client goes away, so a 'hang' fault ends with the client's timeout
    // instead of holding the socket forever.
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value);
      }
      const method = req.method ?? 'GET';
      try {
        const response = await fetch(`http://127.0.0.1${req.url ?? '/'}`, {
          method,
          headers,
          body: method === 'GET' || method === 'HEAD' ? null : Buffer.concat(chunks),
          signal: abort.signal,
        });
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch {
        // The client disconnected (abort) or the simulator threw: nothing useful can be sent.
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('loopback server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // closeAllConnections: keep-alive sockets and hanging requests would otherwise keep close() waiting.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
