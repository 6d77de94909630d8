import { expect } from "chai";
import { separateStateSets } from "../../../src/room/state-res/separate-state-sets.js";

const s = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));

describe("separateStateSets", () => {
  const sets = [s({ a: "$1", b: "$2", c: "$3" }), s({ a: "$1", b: "$4" }), s({ a: "$1", b: "$2", c: "$3" })];

  it("v2: a key absent from some state set is conflicted", () => {
    const { unconflicted, conflicted } = separateStateSets(sets, true);
    expect([...unconflicted]).to.deep.equal([["a", "$1"]]);
    expect([...conflicted]).to.deep.equal([
      ["b", ["$2", "$4"]],
      ["c", ["$3"]],
    ]);
  });

  it("v1: only different event IDs for one key conflict", () => {
    const { unconflicted, conflicted } = separateStateSets(sets, false);
    expect([...unconflicted]).to.deep.equal([
      ["a", "$1"],
      ["c", "$3"],
    ]);
    expect([...conflicted]).to.deep.equal([["b", ["$2", "$4"]]]);
  });

  it("returns nothing for no state sets", () => {
    const { unconflicted, conflicted } = separateStateSets([], true);
    expect(unconflicted.size + conflicted.size).to.equal(0);
  });
});
