import { expect } from "chai";
import { mainlineSort, type MainlineLookup } from "../../../src/room/state-res/mainline-sort.js";

/** parent: event → the power levels event among its auth events; ts: origin_server_ts. */
function lookupOf(parent: Record<string, string>, ts: Record<string, number> = {}): MainlineLookup {
  return {
    powerLevelsAuthEvent: (id) => parent[id],
    originServerTs: (id) => ts[id] ?? 0,
  };
}

describe("mainlineSort", () => {
  // Mainline: P2 → P1 → P0 (P2 is the resolved power levels). Q1 is off the mainline, citing P0.
  const parent = { P2: "P1", P1: "P0", Q1: "P0", a: "P2", b: "P1", c: "Q1", d: "P0", e: "X", X: "Y" };

  it("orders events based on earlier mainline events first", () => {
    // positions: a → 0 (P2), b → 1 (P1), c → 2 (via Q1 to P0), d → 2 (P0), n (none) → ∞
    const sorted = mainlineSort(["a", "b", "c", "d", "n"], "P2", lookupOf(parent, { c: 2, d: 1 }));
    expect(sorted).to.deep.equal(["n", "d", "c", "b", "a"]);
  });

  it("gives position ∞ to an event whose power levels chain never meets the mainline", () => {
    const sorted = mainlineSort(["a", "e"], "P2", lookupOf(parent, { a: 0, e: 99 }));
    expect(sorted).to.deep.equal(["e", "a"]);
  });

  it("does not count the event itself: a mainline event is placed by the power levels it cites", () => {
    // P1's own position is that of P0 (2), so it sorts with d, before b (position 1).
    const sorted = mainlineSort(["b", "P1", "d"], "P2", lookupOf(parent, { P1: 5, d: 4, b: 0 }));
    expect(sorted).to.deep.equal(["d", "P1", "b"]);
  });

  it("breaks ties by origin_server_ts, then event ID", () => {
    const sorted = mainlineSort(["z", "y", "x"], "P2", lookupOf({ x: "P2", y: "P2", z: "P2", P2: "P1" }, { x: 5, y: 5, z: 1 }));
    expect(sorted).to.deep.equal(["z", "x", "y"]);
  });

  it("with no power levels event every position is ∞", () => {
    const sorted = mainlineSort(["b", "a"], undefined, lookupOf(parent, { a: 1, b: 1 }));
    expect(sorted).to.deep.equal(["a", "b"]);
    expect(mainlineSort([], "P2", lookupOf(parent))).to.deep.equal([]);
  });

  it("terminates on a power levels cycle", () => {
    const sorted = mainlineSort(["e", "a"], "P2", lookupOf({ ...parent, Y: "X" }, { e: 0, a: 0 }));
    expect(sorted).to.deep.equal(["e", "a"]);
  });
});
