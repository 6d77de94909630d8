import { expect } from "chai";
import { TokenBucketLimiter, type TakeResult } from "../../src/util/token-bucket.js";

class FakeClock {
  now = 1_000_000;
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

function retryAfter(result: TakeResult): number {
  expect(result.allowed).to.equal(false);
  return (result as { retryAfterMs: number }).retryAfterMs;
}

describe("TokenBucketLimiter", () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock();
  });

  it("allows a burst, then refuses", () => {
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 3, clock: clock.read });
    for (let i = 0; i < 3; i++) expect(limiter.take("@a:hs").allowed).to.equal(true);
    expect(limiter.take("@a:hs").allowed).to.equal(false);
  });

  it("keeps separate buckets per key", () => {
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 1, clock: clock.read });
    expect(limiter.take("@a:hs").allowed).to.equal(true);
    expect(limiter.take("@a:hs").allowed).to.equal(false);
    expect(limiter.take("@b:hs").allowed).to.equal(true);
  });

  it("says how long until enough tokens have refilled", () => {
    const limiter = new TokenBucketLimiter({ perSecond: 2, burst: 2, clock: clock.read });
    limiter.take("k");
    limiter.take("k");
    expect(retryAfter(limiter.take("k"))).to.equal(500);
    clock.advance(200);
    expect(retryAfter(limiter.take("k"))).to.equal(300);
    clock.advance(299);
    expect(retryAfter(limiter.take("k"))).to.equal(1);
    clock.advance(1);
    expect(limiter.take("k").allowed).to.equal(true);
  });

  it("charges costs above one, and a refused take costs nothing", () => {
    const limiter = new TokenBucketLimiter({ perSecond: 10, burst: 10, clock: clock.read });
    expect(limiter.take("k", 7).allowed).to.equal(true);
    expect(retryAfter(limiter.take("k", 5))).to.equal(200); // has 3, needs 5: 2 tokens at 10/s
    expect(limiter.take("k", 3).allowed).to.equal(true); // the refused take did not consume
    expect(retryAfter(limiter.take("k", 1))).to.equal(100);
    expect(limiter.take("k", 0).allowed).to.equal(true);
  });

  it("refills at perSecond up to burst, never beyond", () => {
    const limiter = new TokenBucketLimiter({ perSecond: 0.5, burst: 2, clock: clock.read });
    limiter.take("k", 2);
    expect(retryAfter(limiter.take("k"))).to.equal(2000);
    clock.advance(60_000); // long enough to overfill, but the bucket holds 2
    expect(limiter.take("k", 2).allowed).to.equal(true);
    expect(retryAfter(limiter.take("k"))).to.equal(2000);
  });

  it("rounds retryAfterMs up, so waiting exactly that long is always enough", () => {
    for (const perSecond of [3, 7, 0.3, 13.7, 1000 / 3]) {
      const limiter = new TokenBucketLimiter({ perSecond, burst: 1, clock: clock.read });
      limiter.take("k");
      for (let step = 0; step < 20; step++) {
        const result = limiter.take("k");
        if (result.allowed) {
          limiter.take("k", 0);
          continue;
        }
        clock.advance(result.retryAfterMs);
        expect(limiter.take("k").allowed, `perSecond ${perSecond}`).to.equal(true);
        clock.advance(Math.floor(result.retryAfterMs / 3));
      }
    }
  });

  it("does not drain a bucket when the clock steps backwards", () => {
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 2, clock: clock.read });
    limiter.take("k");
    clock.advance(-10_000);
    expect(limiter.take("k").allowed).to.equal(true);
    expect(retryAfter(limiter.take("k"))).to.equal(1000);
  });

  it("rejects impossible costs and settings", () => {
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 2, clock: clock.read });
    expect(() => limiter.take("k", 3)).to.throw(RangeError);
    expect(() => limiter.take("k", -1)).to.throw(RangeError);
    expect(() => limiter.take("k", Number.NaN)).to.throw(RangeError);
    expect(() => new TokenBucketLimiter({ perSecond: 0, burst: 1 })).to.throw(RangeError);
    expect(() => new TokenBucketLimiter({ perSecond: 1, burst: 0 })).to.throw(RangeError);
    expect(() => new TokenBucketLimiter({ perSecond: Infinity, burst: 1 })).to.throw(RangeError);
    expect(() => new TokenBucketLimiter({ perSecond: 1, burst: 1, maxKeys: 0 })).to.throw(RangeError);
  });

  it("uses the real clock by default", () => {
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 1 });
    expect(limiter.take("k").allowed).to.equal(true);
    const ms = retryAfter(limiter.take("k"));
    expect(ms).to.be.greaterThan(900).and.at.most(1000);
  });

  it("drops full buckets on the periodic sweep", () => {
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 5, clock: clock.read, sweepIntervalMs: 10_000 });
    for (let i = 0; i < 100; i++) limiter.take(`@u${i}:hs`);
    expect(limiter.size).to.equal(100);
    clock.advance(10_000); // every bucket has refilled
    limiter.take("@late:hs", 5); // triggers the sweep; this one stays (it is empty)
    expect(limiter.size).to.equal(1);
    clock.advance(4_000);
    limiter.take("@u0:hs"); // too soon for another sweep
    expect(limiter.size).to.equal(2);
  });

  it("keeps at most maxKeys buckets, dropping full ones first, then the least recently used", () => {
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 10, clock: clock.read, maxKeys: 100, sweepIntervalMs: 1e12 });
    for (let i = 0; i < 50; i++) limiter.take(`full${i}`);
    clock.advance(10_000); // those 50 are full again
    for (let i = 0; i < 51; i++) limiter.take(`busy${i}`, 10);
    expect(limiter.size).to.equal(51); // the full ones went, no busy one did
    expect(retryAfter(limiter.take("busy0"))).to.equal(1000);

    for (let i = 51; i < 150; i++) limiter.take(`busy${i}`, 10);
    expect(limiter.size).to.be.at.most(100);
    // The most recent keys are still limited; the oldest were forgotten (and so allowed again).
    expect(limiter.take("busy149").allowed).to.equal(false);
    expect(limiter.take("busy0").allowed).to.equal(true);
  });
});
