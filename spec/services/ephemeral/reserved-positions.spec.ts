import { expect } from "chai";
import { ReservedPositions } from "../../../src/services/ephemeral/reserved-positions.js";

/** A stored counter as stream_positions keeps it. */
function counter(start = 0): { value: number; calls: number; reserve: (size: number) => Promise<number> } {
  const state = {
    value: start,
    calls: 0,
    reserve: async (size: number) => {
      state.calls++;
      state.value += size;
      return state.value;
    },
  };
  return state;
}

describe("ReservedPositions", () => {
  it("hands out increasing positions from reserved blocks, reserving ahead", async () => {
    const stored = counter();
    const positions = new ReservedPositions(stored.reserve, 4);
    await positions.start();
    expect(positions.current()).to.equal(0);
    const got: number[] = [];
    for (let i = 0; i < 10; i++) got.push(await positions.next());
    expect(got).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(positions.current()).to.equal(10);
    expect(stored.value).to.be.at.least(10);
  });

  it("starts after everything an earlier run reserved, so positions never go backwards across restarts", async () => {
    const stored = counter();
    const first = new ReservedPositions(stored.reserve, 100);
    await first.start();
    await first.next();
    await first.next();
    const second = new ReservedPositions(stored.reserve, 100);
    await second.start();
    expect(second.current()).to.be.at.least(first.current());
    expect(await second.next()).to.be.greaterThan(first.current());
  });

  it("gives concurrent callers distinct positions while a block is being reserved", async () => {
    const stored = counter();
    const positions = new ReservedPositions(stored.reserve, 2);
    await positions.start();
    const got = await Promise.all(Array.from({ length: 9 }, () => positions.next()));
    expect(new Set(got).size).to.equal(9);
    expect(Math.max(...got)).to.equal(positions.current());
  });

  it("refuses next() before start()", async () => {
    const positions = new ReservedPositions(counter().reserve, 2);
    let error: unknown = null;
    await positions.next().catch((err: unknown) => (error = err));
    expect(String(error)).to.match(/before start/);
  });
});
