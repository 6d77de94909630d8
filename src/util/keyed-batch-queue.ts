/**
 * Group commit with one writer per key. Items pushed under a key wait in that key's queue; a
 * batch takes the queued items of every key that no running batch holds (first queued, first
 * taken), up to `maxItems`, and hands them to `runBatch` in push order per key. So:
 * - the items of one key are processed in order, by one batch at a time (one writer per room);
 * - different keys run concurrently, up to `concurrency` batches at once;
 * - while a batch runs, newly pushed items accumulate and go together into the next one.
 *
 * `runBatch` settles its items itself (each item carries its own resolve/reject); a rejection of
 * `runBatch` is a bug and is passed to `onError`.
 */
export interface KeyedBatchQueueOptions {
  /** Batches running at once. */
  concurrency: number;
  /** Most items per batch (the items of one key may be split across batches, in order). */
  maxItems: number;
  onError?: (err: unknown) => void;
}

export class KeyedBatchQueue<K, I> {
  /** Keys in the order they first queued: the fairness order. */
  private readonly queued = new Map<K, I[]>();
  private readonly held = new Set<K>();
  private running = 0;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly runBatch: (batch: Map<K, I[]>) => Promise<void>,
    private readonly options: KeyedBatchQueueOptions,
  ) {
    if (!(options.concurrency >= 1) || !(options.maxItems >= 1)) throw new RangeError("concurrency and maxItems must be at least 1");
  }

  /** Items waiting (not yet in a running batch). */
  get size(): number {
    let n = 0;
    for (const items of this.queued.values()) n += items.length;
    return n;
  }

  /** Whether a running batch holds `key`. */
  isHeld(key: K): boolean {
    return this.held.has(key);
  }

  push(key: K, item: I): void {
    const items = this.queued.get(key);
    if (items) items.push(item);
    else this.queued.set(key, [item]);
    // Start on a microtask, so that items pushed in the same tick share a batch.
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  /** Resolves once nothing is queued or running. */
  async idle(): Promise<void> {
    if (this.running === 0 && this.queued.size === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.options.concurrency) {
      const batch = this.take();
      if (batch === null) break;
      this.running++;
      void this.run(batch);
    }
    if (this.running === 0 && this.queued.size === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async run(batch: Map<K, I[]>): Promise<void> {
    try {
      await this.runBatch(batch);
    } catch (err) {
      this.options.onError?.(err);
    } finally {
      for (const key of batch.keys()) this.held.delete(key);
      this.running--;
      this.pump();
    }
  }

  private take(): Map<K, I[]> | null {
    let room = this.options.maxItems;
    let batch: Map<K, I[]> | null = null;
    for (const [key, items] of this.queued) {
      if (room === 0) break;
      if (this.held.has(key)) continue;
      const taken = items.length <= room ? items : items.splice(0, room);
      if (taken === items) this.queued.delete(key);
      room -= taken.length;
      this.held.add(key);
      (batch ??= new Map()).set(key, taken);
    }
    return batch;
  }
}
