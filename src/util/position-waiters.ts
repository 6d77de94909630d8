/**
 * Callers waiting for a monotonic position (a worker's progress through a stream) to reach a
 * value, each with a timeout: `wait(target, ms)` resolves true once `reach()` passes the target,
 * false when the time runs out or `release()` gives up on everyone.
 */
export class PositionWaiters {
  private position: number;
  private readonly pending = new Map<(caughtUp: boolean) => void, { target: number; timer: NodeJS.Timeout }>();

  constructor(initial = 0) {
    this.position = initial;
  }

  current(): number {
    return this.position;
  }

  wait(target: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(resolve, false), timeoutMs);
      this.pending.set(resolve, { target, timer });
    });
  }

  /** Moves the position to `position` if it is further, waking the waiters it satisfies. */
  reach(position: number): void {
    if (position <= this.position) return;
    this.position = position;
    for (const [resolve, { target }] of this.pending) if (target <= position) this.finish(resolve, true);
  }

  /** Resolves every waiter with false. */
  release(): void {
    for (const resolve of [...this.pending.keys()]) this.finish(resolve, false);
  }

  private finish(resolve: (caughtUp: boolean) => void, caughtUp: boolean): void {
    const entry = this.pending.get(resolve);
    if (entry === undefined) return;
    this.pending.delete(resolve);
    clearTimeout(entry.timer);
    resolve(caughtUp);
  }
}
