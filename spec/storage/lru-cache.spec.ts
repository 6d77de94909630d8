import { expect } from "chai";
import { LruCache } from "../../src/storage/lru-cache.js";

describe("LruCache", () => {
  it("evicts the least recently used entry past capacity", () => {
    const cache = new LruCache<number, string>(2);
    cache.set(1, "a");
    cache.set(2, "b");
    expect(cache.get(1)).to.equal("a"); // 1 is now the most recent
    cache.set(3, "c");
    expect(cache.get(2)).to.equal(undefined);
    expect(cache.get(1)).to.equal("a");
    expect(cache.get(3)).to.equal("c");
    expect(cache.size).to.equal(2);
  });

  it("replacing a key refreshes it instead of growing", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("x", 1);
    cache.set("y", 2);
    cache.set("x", 3);
    cache.set("z", 4);
    expect(cache.get("x")).to.equal(3);
    expect(cache.get("y")).to.equal(undefined);
    cache.delete("x");
    expect(cache.size).to.equal(1);
    cache.clear();
    expect(cache.size).to.equal(0);
  });

  it("evicts in least-recently-used order over long mixes of hits, misses, sets and deletes", () => {
    const capacity = 8;
    const cache = new LruCache<number, number>(capacity);
    // The reference: keys from least to most recently used.
    const order: number[] = [];
    const values = new Map<number, number>();
    const touch = (key: number): void => {
      const at = order.indexOf(key);
      if (at >= 0) order.splice(at, 1);
      order.push(key);
    };
    let seed = 7;
    for (let step = 0; step < 5000; step++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      // A few hot keys, hit most of the time, and a long tail.
      const key = seed % 4 === 0 ? seed % 3 : seed % 40;
      const op = seed % 7;
      if (op < 2) {
        cache.set(key, step);
        values.set(key, step);
        touch(key);
        if (order.length > capacity) values.delete(order.shift()!);
      } else if (op === 2) {
        cache.delete(key);
        values.delete(key);
        if (order.includes(key)) order.splice(order.indexOf(key), 1);
      } else {
        expect(cache.get(key), `key ${key} at step ${step}`).to.equal(values.get(key));
        if (values.has(key)) touch(key);
      }
      expect(cache.size).to.equal(order.length);
    }
    for (const key of [...order]) expect(cache.get(key)).to.equal(values.get(key));
  });

  it("refuses a capacity below one", () => {
    expect(() => new LruCache(0)).to.throw(RangeError);
  });
});
