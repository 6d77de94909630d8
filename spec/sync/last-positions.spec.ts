import { expect } from "chai";
import { LastPositions } from "../../src/sync/last-positions.js";

const ZERO = [0, 0, 0, 0, 0, 0, 0, 0];

function at(index: number, position: number): number[] {
  const since = ZERO.slice();
  since[index] = position;
  return since;
}

describe("LastPositions", () => {
  it("reports a key as after `since` only on a stream where it moved past it", () => {
    const positions = new LastPositions(ZERO, 10);
    positions.bump("!a:hs", 0, 5);
    expect(positions.isAfter("!a:hs", ZERO)).to.equal(true);
    expect(positions.isAfter("!a:hs", at(0, 5))).to.equal(false);
    expect(positions.isAfter("!b:hs", ZERO)).to.equal(false);
    positions.bump("!a:hs", 0, 3); // never goes back
    expect(positions.isAfter("!a:hs", at(0, 4))).to.equal(true);
  });

  it("assumes the start-up positions for keys it has not seen", () => {
    const positions = new LastPositions([7, 0, 0, 0, 0, 0, 0, 0], 10);
    expect(positions.isAfter("!never:hs", at(0, 6))).to.equal(true);
    expect(positions.isAfter("!never:hs", at(0, 7))).to.equal(false);
  });

  it("forgets the least recently notified key beyond capacity, folding it into the floor", () => {
    const positions = new LastPositions(ZERO, 2);
    positions.bump("!a:hs", 0, 1);
    positions.bump("!b:hs", 1, 2);
    positions.bump("!a:hs", 0, 3); // !a:hs is now the most recent
    positions.bump("!c:hs", 2, 4); // forgets !b:hs
    expect(positions.size).to.equal(2);
    expect(positions.isAfter("!b:hs", at(1, 1))).to.equal(true); // still seen through the floor
    expect(positions.isAfter("!unknown:hs", at(1, 1))).to.equal(true);
    expect(positions.isAfter("!a:hs", [3, 0, 4, 0, 0, 0, 0, 0])).to.equal(false); // exact
  });

  it("starts a re-added key from the floor, so what was forgotten is not lost", () => {
    const positions = new LastPositions(ZERO, 1);
    positions.bump("!a:hs", 0, 50);
    positions.bump("!b:hs", 0, 1); // forgets !a:hs: floor pdu 50
    positions.bump("!a:hs", 1, 60); // re-added for another stream
    expect(positions.isAfter("!a:hs", [40, 60, 0, 0, 0, 0, 0, 0])).to.equal(true);
  });

  it("checks its arguments", () => {
    expect(() => new LastPositions([0, 0], 1)).to.throw(RangeError);
    expect(() => new LastPositions(ZERO, 0)).to.throw(RangeError);
  });
});
