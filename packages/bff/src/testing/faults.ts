/**
 * Faults the simulators can be told to produce, for the failure paths a real provider shows only rarely.
 * `code`: answer that provider error code with its documented HTTP status (or `status`). 'hang': never answer
 * until the request's signal aborts (a timeout). 'garbage': HTTP 200 with a body that is not JSON. 'http500': a
 * bare 500 from a proxy in front of the provider (HTML, no error envelope).
 */
export type Fault<Code> = { code: Code; status?: number } | 'hang' | 'garbage' | 'http500';

export interface InjectOptions<Path extends string> {
  /** How many requests get the fault. @defaultValue 1 */
  times?: number;
  /** Only requests to this endpoint. @defaultValue every endpoint */
  path?: Path;
}

interface Entry<Code, Path> {
  fault: Fault<Code>;
  left: number;
  path: Path | undefined;
}

/** FIFO of injected faults; each request takes the first one that applies to its endpoint. */
export class FaultQueue<Code, Path extends string> {
  private entries: Entry<Code, Path>[] = [];

  add(fault: Fault<Code>, options: InjectOptions<Path> = {}): void {
    this.entries.push({ fault, left: options.times ?? 1, path: options.path });
  }

  take(path: Path): Fault<Code> | undefined {
    const entry = this.entries.find((e) => e.path === undefined || e.path === path);
    if (entry === undefined) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.entries.splice(this.entries.indexOf(entry), 1);
    return entry.fault;
  }

  clear(): void {
    this.entries = [];
  }
}

/** Answers the non-code faults; the caller answers `{code}` faults with its own envelope. */
export function faultResponse(fault: 'hang' | 'garbage' | 'http500', signal: AbortSignal): Promise<Response> {
  if (fault === 'garbage') {
    return Promise.resolve(
      new Response('<html><body>upstream says hello</body></html>', {
        status: 200,
        headers: { 'content-type': 'text/html' },
      }),
    );
  }
  if (fault === 'http500') {
    return Promise.resolve(
      new Response('<html><body>500 Internal Server Error</body></html>', {
        status: 500,
        headers: { 'content-type': 'text/html' },
      }),
    );
  }
  // Like a real fetch whose server never answers: settles only when the caller's signal aborts, with its reason.
  return new Promise((_resolve, reject) => {
    const fail = () => reject(signal.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** Decodes Basic auth (`base64(user:pass)` over UTF-8) to `user:pass`, or undefined when malformed. */
export function decodeBasic(header: string | null): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(atob(match[1] ?? ''), (c) => c.charCodeAt(0)),
    );
  } catch {
    return undefined;
  }
}
