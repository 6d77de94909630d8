/**
 * Per-key token-bucket rate limiting: each key (a user, a device, an IP) has a bucket of up to
 * `burst` tokens that refills at `perSecond` tokens per second; an action costs tokens, and is
 * refused with the time until enough have refilled (the spec's `retry_after_ms` of
 * M_LIMIT_EXCEEDED).
 *
 * Memory stays bounded: a full bucket is the same as no bucket, so full buckets are dropped
 * (on a periodic sweep and whenever the map outgrows `maxKeys`). If more than `maxKeys` keys
 * are all mid-refill, the least recently used are dropped, which only ever lets those keys act
 * sooner, never later.
 */

export interface TokenBucketOptions {
  /** Sustained rate: tokens added per second. */
  readonly perSecond: number;
  /** Bucket size: the most tokens a key can hold, i.e. the largest burst. */
  readonly burst: number;
  /** Milliseconds clock; default Date.now. Tests inject a fake one. */
  readonly clock?: () => number;
  /** Buckets kept at most; default 100,000. */
  readonly maxKeys?: number;
  /** How often (by the clock) take() sweeps out full buckets; default 60,000 ms. */
  readonly sweepIntervalMs?: number;
}

export type TakeResult = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const ALLOWED: TakeResult = Object.freeze({ allowed: true });
/**
 * Floating-point slack in tokens. A take passes when it is short by less than EPSILON, and
 * retryAfterMs is computed for a shortfall of EPSILON / 2 less, so that waiting exactly
 * retryAfterMs is always enough and 0.998 tokens needing 1 at 2/s says 1 ms, not 2.
 */
const EPSILON = 1e-9;

export class TokenBucketLimiter {
  private readonly perMs: number;
  private readonly burst: number;
  private readonly clock: () => number;
  private readonly maxKeys: number;
  private readonly sweepIntervalMs: number;
  /** Ordered least recently used first. */
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep: number;

  constructor(options: TokenBucketOptions) {
    const { perSecond, burst } = options;
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) throw new RangeError("perSecond must be a positive number");
    if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError("burst must be at least 1");
    this.perMs = perSecond / 1000;
    this.burst = burst;
    this.clock = options.clock ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    if (!Number.isSafeInteger(this.maxKeys) || this.maxKeys < 1) throw new RangeError("maxKeys must be a positive integer");
    this.lastSweep = this.clock();
  }

  /** Buckets currently held (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * Takes `cost` tokens from `key`'s bucket if it has them. Otherwise takes nothing and says
   * how long until it will have them. A cost above `burst` could never succeed: RangeError.
   */
  take(key: string, cost = 1): TakeResult {
    if (!(cost >= 0) || cost > this.burst) throw new RangeError(`cost must be between 0 and burst (${this.burst}), got ${cost}`);
    const now = this.clock();
    if (now - this.lastSweep >= this.sweepIntervalMs) this.sweep(now);

    const bucket = this.buckets.get(key);
    const tokens = bucket === undefined ? this.burst : this.refilled(bucket, now);
    if (tokens + EPSILON < cost) {
      if (bucket !== undefined) {
        bucket.tokens = tokens;
        bucket.updatedAt = now;
      }
      return { allowed: false, retryAfterMs: Math.ceil((cost - tokens - EPSILON / 2) / this.perMs) };
    }
    if (bucket === undefined) {
      this.buckets.set(key, { tokens: Math.max(0, tokens - cost), updatedAt: now });
      if (this.buckets.size > this.maxKeys) this.shrink(now);
    } else {
      bucket.tokens = Math.max(0, tokens - cost);
      bucket.updatedAt = now;
      this.buckets.delete(key); // move to the most recently used end
      this.buckets.set(key, bucket);
    }
    return ALLOWED;
  }

  private refilled(bucket: Bucket, now: number): number {
    // A clock that steps backwards refills nothing rather than draining the bucket.
    const elapsed = Math.max(0, now - bucket.updatedAt);
    return Math.min(this.burst, bucket.tokens + elapsed * this.perMs);
  }

  /** Drops every bucket that has refilled completely. */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, now) >= this.burst) this.buckets.delete(key);
    }
  }

  /** Over maxKeys: drop full buckets, then the least recently used down to 90% of maxKeys. */
  private shrink(now: number): void {
    this.sweep(now);
    if (this.buckets.size <= this.maxKeys) return;
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= target) break;
      this.buckets.delete(key);
    }
  }
}
