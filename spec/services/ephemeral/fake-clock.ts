/** A TimerClock whose time moves only when a test advances it; due timers fire in time order. */
import type { TimerClock } from "../../../src/services/ephemeral/timer-clock.js";

interface FakeTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

export class FakeClock implements TimerClock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), fn };
    this.timers.set(timer.id, timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing each timer that falls due (and letting its promises settle). */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      let due: FakeTimer | null = null;
      for (const timer of this.timers.values()) if (timer.at <= end && (due === null || timer.at < due.at)) due = timer;
      if (due === null) break;
      this.timers.delete(due.id);
      this.time = due.at;
      due.fn();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

/** Lets queued promise callbacks (and the I/O they wait for) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
