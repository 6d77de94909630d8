/**
 * `fn` run once in a microtask however many times the returned function is called before then:
 * the calls of one turn of the event loop (positions announced in pieces) are answered together.
 */
export function coalesceInMicrotask(fn: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      fn();
    });
  };
}
