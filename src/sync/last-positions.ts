/**
 * For each key (a room ID or a user ID), the latest stream positions the notifier was told about
 * for it, so a waiter that registers late still sees what it missed. Bounded: past `capacity`
 * keys the least recently notified key is forgotten and its positions are folded into `floor`,
 * the positions assumed for every key not in the map. Forgetting can only cause a spurious
 * wake-up, never a missed one.
 */
import { STREAM_NAMES } from "./stream-token.js";

const STREAM_COUNT = STREAM_NAMES.length;

export class LastPositions {
  private readonly byKey = new Map<string, number[]>();
  private readonly floor: number[];

  /** `initial`: positions at start-up; anything up to them may concern any key. */
  constructor(
    initial: readonly number[],
    private readonly capacity: number,
  ) {
    if (initial.length !== STREAM_COUNT) throw new RangeError(`Expected ${STREAM_COUNT} positions`);
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
    this.floor = initial.slice();
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Records that `key` had something at `position` on stream `streamIndex`. */
  bump(key: string, streamIndex: number, position: number): void {
    let entry = this.byKey.get(key);
    if (entry === undefined) {
      // Start from the floor: earlier positions of this key may have been forgotten into it.
      entry = this.floor.slice();
    } else {
      this.byKey.delete(key); // re-inserted below: Map order is least recently notified first
    }
    if (position > (entry[streamIndex] as number)) entry[streamIndex] = position;
    this.byKey.set(key, entry);
    if (this.byKey.size > this.capacity) this.evictOldest();
  }

  /** True if `key` may have had something on any stream after the positions in `since`. */
  isAfter(key: string, since: readonly number[]): boolean {
    const entry = this.byKey.get(key) ?? this.floor;
    for (let i = 0; i < STREAM_COUNT; i++) {
      if ((entry[i] as number) > (since[i] as number)) return true;
    }
    return false;
  }

  private evictOldest(): void {
    const oldest = this.byKey.entries().next();
    if (oldest.done === true) return;
    const [key, entry] = oldest.value;
    this.byKey.delete(key);
    for (let i = 0; i < STREAM_COUNT; i++) {
      if ((entry[i] as number) > (this.floor[i] as number)) this.floor[i] = entry[i] as number;
    }
  }
}
