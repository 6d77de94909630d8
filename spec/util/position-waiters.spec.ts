import { expect } from "chai";
import { PositionWaiters } from "../../src/util/position-waiters.js";

describe("util/position-waiters", () => {
  it("resolves true at once when reached, and once reach() passes the target", async () => {
    const waiters = new PositionWaiters(5);
    expect(await waiters.wait(5, 10)).to.equal(true);
    const later = waiters.wait(8, 10_000);
    waiters.reach(7);
    waiters.reach(9);
    expect(await later).to.equal(true);
    expect(waiters.current()).to.equal(9);
  });

  it("never moves back; resolves false on timeout or release()", async () => {
    const waiters = new PositionWaiters(3);
    waiters.reach(1);
    expect(waiters.current()).to.equal(3);
    expect(await waiters.wait(4, 1)).to.equal(false);
    const released = waiters.wait(10, 10_000);
    waiters.release();
    expect(await released).to.equal(false);
  });
});
