import { expect } from "chai";
import { authDifference } from "../../../src/room/state-res/auth-difference.js";

describe("authDifference", () => {
  it("is the union of the full auth chains minus their intersection", () => {
    const chains = [new Set(["A", "B", "C"]), new Set(["A", "B", "D"]), new Set(["A", "C", "E"])];
    expect([...authDifference(chains)].sort()).to.deep.equal(["B", "C", "D", "E"]);
  });

  it("is empty when every chain is the same, and for a single state set", () => {
    expect(authDifference([new Set(["A", "B"]), new Set(["B", "A"])]).size).to.equal(0);
    expect(authDifference([new Set(["A", "B"])]).size).to.equal(0);
    expect(authDifference([]).size).to.equal(0);
  });

  it("includes events of a chain that another chain lacks entirely", () => {
    expect([...authDifference([new Set(["A"]), new Set<string>()])]).to.deep.equal(["A"]);
  });
});
