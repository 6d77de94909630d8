import { expect } from "chai";
import { BinaryHeap } from "../../../src/room/state-res/binary-heap.js";

describe("BinaryHeap", () => {
  it("pops elements smallest first under the given comparison", () => {
    const heap = new BinaryHeap<number>((a, b) => a - b);
    const input = [5, 3, 9, 1, 7, 3, 8, 2, 6, 0, 4];
    for (const n of input) heap.push(n);
    expect(heap.size).to.equal(input.length);
    const out: number[] = [];
    for (let n = heap.pop(); n !== undefined; n = heap.pop()) out.push(n);
    expect(out).to.deep.equal([...input].sort((a, b) => a - b));
    expect(heap.pop()).to.equal(undefined);
  });

  it("orders by a reversed comparison and interleaves pushes and pops", () => {
    const heap = new BinaryHeap<string>((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    heap.push("b");
    heap.push("d");
    expect(heap.pop()).to.equal("d");
    heap.push("a");
    heap.push("c");
    expect([heap.pop(), heap.pop(), heap.pop()]).to.deep.equal(["c", "b", "a"]);
    expect(heap.size).to.equal(0);
  });
});
