import { type Fault, FaultQueue, faultResponse, type InjectOptions } from './faults.js';
import { type FetchLike, type LoopbackServer, listenLoopback } from './loopback.js';

/** What every provider simulator offers a test: a `fetch` to hand the provider, its outbox, faults on demand. */
export interface ProviderSimulator<Code, Path extends string, Message extends { to: string; code: string }> {
  /** Serves the simulated API on any base URL (Node or browser). */
  fetch: FetchLike;
  /** Every message "delivered", oldest first. */
  messages: Message[];
  /** The last code "sent" to `to`, or undefined. */
  lastCode(to: string): string | undefined;
  /** Makes the next request(s) fail: a provider error code, a hang until the caller's timeout, garbage, a bare 500. */
  inject(fault: Fault<Code>, options?: InjectOptions<Path>): void;
  /** Forgets messages, codes, counters and pending faults. */
  reset(): void;
  /** The same API on a real loopback HTTP server. */
  listen(): Promise<LoopbackServer>;
}

export interface ShellSpec<Code, Path extends string> {
  /** The endpoint a request is for (counted by the simulator), or the answer to one refused before any fault. */
  route(request: Request): Promise<Path | Response>;
  /** The provider's own error envelope for an injected `{ code }` fault. */
  error(code: Code, status?: number): Response;
  /** Answers a request no fault took. */
  answer(request: Request, path: Path): Promise<Response>;
  /** Clears the simulator's own state on reset(). */
  clear(): void;
}

/** The part every simulator shares: request intake, the fault queue, the outbox and the loopback server. */
export function simulatorShell<Code, Path extends string, Message extends { to: string; code: string }>(
  spec: ShellSpec<Code, Path>,
): ProviderSimulator<Code, Path, Message> {
  const faults = new FaultQueue<Code, Path>();
  const messages: Message[] = [];

  async function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    // The caller's own signal: undici's Request follows it through a WeakRef to an internal AbortController, which
    // can be garbage-collected while a hang waits, and then `request.signal` never fires (seen: a 20 s test timeout).
    const signal = init?.signal ?? request.signal;
    if (signal.aborted) throw signal.reason;
    const path = await spec.route(request);
    if (path instanceof Response) return path;
    const fault = faults.take(path);
    if (typeof fault === 'string') return faultResponse(fault, signal);
    if (fault !== undefined) return spec.error(fault.code, fault.status);
    return spec.answer(request, path);
  }

  return {
    fetch,
    messages,
    lastCode: (to) => messages.findLast((m) => m.to === to)?.code,
    inject: (fault, options) => faults.add(fault, options),
    reset() {
      spec.clear();
      messages.length = 0;
      faults.clear();
    },
    listen: () => listenLoopback(fetch),
  };
}

/**
 * How many messages and codes a simulator remembers. The demo runs one for as long as it is up, maybe on a public
 * URL: unbounded, every send would be kept forever (a memory leak an attacker can drive). Past this, the oldest are
 * forgotten; at demo scale they expired long before.
 */
export const SIMULATOR_MEMORY = 2_000;

/** `list.push(item)`, dropping the oldest past `SIMULATOR_MEMORY`. */
export function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > SIMULATOR_MEMORY) list.splice(0, list.length - SIMULATOR_MEMORY);
}

/** `map.set(key, value)`, forgetting the oldest entry (a Map iterates in insertion order) past `SIMULATOR_MEMORY`. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key); // re-inserted as the newest
  map.set(key, value);
  if (map.size > SIMULATOR_MEMORY) map.delete(map.keys().next().value as K);
}

/** The JSON object of a request body, or undefined when it is not one. */
export async function jsonObject(request: Request): Promise<Record<string, unknown> | undefined> {
  try {
    const body: unknown = JSON.parse(await request.text());
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
