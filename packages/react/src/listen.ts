/** `addEventListener` that returns its own removal, for effect cleanups. */
export function listen(target: EventTarget | null | undefined, type: string, handler: () => void): () => void {
  target?.addEventListener(type, handler);
  return () => target?.removeEventListener(type, handler);
}
