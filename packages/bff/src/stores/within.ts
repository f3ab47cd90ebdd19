/**
 * A client's promise, bounded: a database client that queues commands while disconnected (or a server that never
 * answers) must not hang a request. Rejects with "<what> did not answer within <ms> ms"; the timer is always cleared.
 */
export async function within<T>(timeoutMs: number, what: string, promise: PromiseLike<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
