import { expect } from "chai";
import { KeyedBatchQueue } from "../../src/util/keyed-batch-queue.js";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("KeyedBatchQueue", () => {
  it("batches items pushed while a batch runs, in push order per key", async () => {
    const batches: Array<Array<[string, number[]]>> = [];
    const gate = deferred();
    const queue = new KeyedBatchQueue<string, number>(async (batch) => {
      batches.push([...batch]);
      if (batches.length === 1) await gate.promise;
    }, { concurrency: 1, maxItems: 100 });
    queue.push("a", 1);
    await Promise.resolve();
    await Promise.resolve();
    queue.push("a", 2);
    queue.push("b", 3);
    queue.push("a", 4);
    gate.resolve();
    await queue.idle();
    expect(batches).to.deep.equal([[["a", [1]]], [["a", [2, 4]], ["b", [3]]]]);
  });

  it("never runs two batches holding the same key, but runs other keys concurrently", async () => {
    let running = 0;
    let maxRunning = 0;
    const holding = new Set<string>();
    const queue = new KeyedBatchQueue<string, number>(async (batch) => {
      for (const key of batch.keys()) {
        expect(holding.has(key)).to.equal(false);
        holding.add(key);
      }
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      for (const key of batch.keys()) holding.delete(key);
    }, { concurrency: 3, maxItems: 1 });
    for (let i = 0; i < 30; i++) queue.push(`k${i % 5}`, i);
    await queue.idle();
    expect(maxRunning).to.equal(3);
  });

  it("splits a key's items over batches of at most maxItems, keeping their order", async () => {
    const seen: number[][] = [];
    const queue = new KeyedBatchQueue<string, number>(async (batch) => void seen.push(batch.get("a")!), { concurrency: 1, maxItems: 2 });
    for (let i = 0; i < 5; i++) queue.push("a", i);
    await queue.idle();
    expect(seen).to.deep.equal([[0, 1], [2, 3], [4]]);
  });

  it("reports a failing batch and carries on", async () => {
    const errors: unknown[] = [];
    const done: number[] = [];
    const queue = new KeyedBatchQueue<string, number>(async (batch) => {
      const items = batch.get("a")!;
      if (items.includes(1)) throw new Error("boom");
      done.push(...items);
    }, { concurrency: 1, maxItems: 1, onError: (err) => errors.push(err) });
    queue.push("a", 1);
    queue.push("a", 2);
    await queue.idle();
    expect(errors).to.have.length(1);
    expect(done).to.deep.equal([2]);
  });
});
