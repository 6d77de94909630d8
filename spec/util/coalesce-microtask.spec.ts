import { expect } from "chai";
import { coalesceInMicrotask } from "../../src/util/coalesce-microtask.js";

describe("util/coalesce-microtask", () => {
  it("runs once in a microtask for the calls made before it, and again for later calls", async () => {
    let runs = 0;
    const soon = coalesceInMicrotask(() => runs++);
    soon();
    soon();
    soon();
    expect(runs).to.equal(0);
    await Promise.resolve();
    expect(runs).to.equal(1);
    soon();
    await Promise.resolve();
    expect(runs).to.equal(2);
  });
});
