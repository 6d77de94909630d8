/**
 * Time for the ephemeral services (typing expiry, presence timeouts): the current time and
 * one-shot timers, injectable so tests drive them with a fake clock.
 */
export interface TimerClock {
  now(): number;
  /** Runs `fn` once after `ms`; the returned handle goes to clearTimeout. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** setTimeout's limit; a longer delay would fire after 1 ms. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Wall-clock time and Node timers that do not keep the process alive. */
export const systemClock: TimerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.min(Math.max(0, ms), MAX_DELAY_MS)).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
