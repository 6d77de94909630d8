/**
 * Stream positions for a stream kept only in memory (typing), that still never go backwards
 * across restarts: positions are handed out from blocks reserved in storage (a hi/lo allocator).
 * A restart starts after the last reserved block, so a sync token from before the restart is
 * never ahead of the new positions. A new block is reserved in the background when half of the
 * current one is used, so next() normally resolves without waiting for storage.
 */
export type ReserveBlock = (size: number) => Promise<number>;

export class ReservedPositions {
  private position = 0;
  private ceiling = 0;
  private refill: Promise<void> | null = null;
  private started = false;

  constructor(
    /** Moves the stored counter up by `size` and returns its new value (the new ceiling). */
    private readonly reserve: ReserveBlock,
    private readonly blockSize = 1000,
  ) {
    if (!Number.isSafeInteger(blockSize) || blockSize < 2) throw new RangeError("blockSize must be an integer of at least 2");
  }

  /** Reserves the first block; positions start just after what earlier runs reserved. */
  async start(): Promise<void> {
    if (this.started) return;
    const ceiling = await this.reserve(this.blockSize);
    this.position = ceiling - this.blockSize;
    this.ceiling = ceiling;
    this.started = true;
  }

  /** The latest position handed out (or the start, before any). */
  current(): number {
    return this.position;
  }

  /** The next position: strictly greater than every earlier one, in this run and before it. */
  async next(): Promise<number> {
    if (!this.started) throw new Error("ReservedPositions.next() before start()");
    while (this.position >= this.ceiling) await this.refillNow();
    const position = ++this.position;
    if (this.ceiling - position < this.blockSize / 2) void this.refillNow().catch(() => undefined);
    return position;
  }

  private refillNow(): Promise<void> {
    this.refill ??= (async () => {
      try {
        const ceiling = await this.reserve(this.blockSize);
        // Blocks are contiguous only when nobody else reserves from the same counter; take the
        // new ceiling and skip any gap rather than hand out a position twice.
        if (ceiling - this.blockSize > this.ceiling) this.position = Math.max(this.position, ceiling - this.blockSize);
        this.ceiling = ceiling;
      } finally {
        this.refill = null;
      }
    })();
    return this.refill;
  }
}
