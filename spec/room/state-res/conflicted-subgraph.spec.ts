import { expect } from "chai";
import { conflictedStateSubgraph } from "../../../src/room/state-res/conflicted-subgraph.js";

/** Each event's auth events. */
const auth: Record<string, string[]> = {
  CREATE: [],
  PL: ["CREATE", "JA"],
  JA: ["CREATE"],
  JB: ["CREATE", "PL", "JR"],
  JR: ["CREATE", "PL", "JA"],
  C1: ["CREATE", "PL", "JB"],
  C2: ["CREATE", "PL2", "JA"],
  PL2: ["CREATE", "PL", "JA"],
  X: ["CREATE", "JA"],
};

function chainOf(ids: string[]): Set<string> {
  const chain = new Set<string>();
  const stack = ids.flatMap((id) => auth[id] ?? []);
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (chain.has(id)) continue;
    chain.add(id);
    stack.push(...(auth[id] ?? []));
  }
  return chain;
}

describe("conflictedStateSubgraph", () => {
  it("holds every event on an auth path between two conflicted events, endpoints included", () => {
    // C1 → JB → PL → JA and C1 → PL → JA, C1 → JB → JR → JA: all of these lie between C1 and JA.
    const conflicted = new Set(["C1", "JA"]);
    const subgraph = conflictedStateSubgraph(conflicted, chainOf([...conflicted]), (id) => auth[id]);
    expect([...subgraph].sort()).to.deep.equal(["C1", "JA", "JB", "JR", "PL"]);
  });

  it("excludes auth events below every conflicted event and branches reaching none", () => {
    // Between C2 and PL: C2 → PL2 → PL. JA and CREATE lie below both; X is unrelated.
    const conflicted = new Set(["C2", "PL", "X"]);
    const subgraph = conflictedStateSubgraph(conflicted, chainOf([...conflicted]), (id) => auth[id]);
    expect([...subgraph].sort()).to.deep.equal(["C2", "PL", "PL2", "X"]);
  });

  it("is just the conflicted events when none is in another's auth chain", () => {
    const conflicted = new Set(["C1", "C2"]);
    const subgraph = conflictedStateSubgraph(conflicted, chainOf([...conflicted]), (id) => auth[id]);
    expect([...subgraph].sort()).to.deep.equal(["C1", "C2"]);
  });

  it("handles long chains without recursion", () => {
    const long = new Map<string, string[]>([["e0", []]]);
    for (let i = 1; i <= 20_000; i++) long.set(`e${i}`, [`e${i - 1}`]);
    const chain = new Set([...long.keys()].filter((id) => id !== "e20000"));
    const subgraph = conflictedStateSubgraph(new Set(["e20000", "e10"]), chain, (id) => long.get(id));
    expect(subgraph.size).to.equal(20_000 - 10 + 1);
    expect(subgraph.has("e9")).to.equal(false);
  });
});
