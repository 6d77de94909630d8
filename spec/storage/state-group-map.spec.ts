import { expect } from "chai";
import { StateGroupMap, trieStats } from "../../src/storage/state-group-map.js";
import { hashKey } from "../../src/storage/state-trie-nodes.js";

function sorted(map: ReadonlyMap<string, string>): [string, string][] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function apply(reference: Map<string, string>, delta: ReadonlyMap<string, string | null>): void {
  for (const [key, value] of delta) {
    if (value === null) reference.delete(key);
    else reference.set(key, value);
  }
}

/** Groups of distinct keys with equal 32-bit hashes, found by search (the birthday bound makes it quick). */
function collidingKeys(groups: number): string[][] {
  const seen = new Map<number, string[]>();
  const found: string[][] = [];
  for (let i = 0; found.length < groups; i++) {
    const key = `m.room.member\u0000@c${i}:hs.test`;
    const hash = hashKey(key);
    const same = seen.get(hash);
    if (same) {
      same.push(key);
      if (same.length === 2) found.push(same);
    } else {
      seen.set(hash, [key]);
    }
  }
  return found;
}

/** A deterministic pseudo-random sequence (xorshift32). */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe("StateGroupMap", () => {
  it("applies additions, replacements and removals", () => {
    const base = StateGroupMap.fromMap(new Map([["a", "$1"], ["b", "$2"]]));
    const next = base.withDelta(new Map<string, string | null>([["b", "$3"], ["c", "$4"], ["a", null], ["missing", null]]));
    expect(sorted(next)).to.deep.equal([["b", "$3"], ["c", "$4"]]);
    expect(next.size).to.equal(2);
    expect(next.get("a")).to.equal(undefined);
    expect(next.has("a")).to.equal(false);
    expect(next.has("c")).to.equal(true);
    // The parent is unchanged.
    expect(sorted(base)).to.deep.equal([["a", "$1"], ["b", "$2"]]);
  });

  it("removes a key that only an earlier delta added, and re-adds a removed one", () => {
    let state = StateGroupMap.fromMap(new Map([["a", "$1"]]));
    state = state.withDelta(new Map([["b", "$2"]]));
    state = state.withDelta(new Map<string, string | null>([["b", null], ["a", null]]));
    expect(state.size).to.equal(0);
    expect([...state]).to.deep.equal([]);
    state = state.withDelta(new Map([["a", "$5"]]));
    expect(sorted(state)).to.deep.equal([["a", "$5"]]);
  });

  it("stays equal to a plain Map over long random chains, and every version keeps its own entries", () => {
    const next = random(42);
    const reference = new Map<string, string>();
    for (let i = 0; i < 3000; i++) reference.set(`m\u0000@u${i}`, `$join${i}`);
    let state = StateGroupMap.fromMap(reference);
    const versions: Array<{ state: StateGroupMap; entries: [string, string][] }> = [{ state, entries: sorted(reference) }];
    for (let step = 0; step < 2000; step++) {
      const delta = new Map<string, string | null>();
      const changes = step % 50 === 0 ? 200 : 1 + Math.floor(next() * 4);
      for (let c = 0; c < changes; c++) {
        const key = next() < 0.9 ? `m\u0000@u${Math.floor(next() * 4000)}` : `t\u0000${Math.floor(next() * 10)}`;
        delta.set(key, next() < 0.3 ? null : `$e${step}.${c}`);
      }
      apply(reference, delta);
      state = state.withDelta(delta);
      expect(state.size).to.equal(reference.size);
      if (step % 400 === 0) versions.push({ state, entries: sorted(reference) });
    }
    expect(sorted(state)).to.deep.equal(sorted(reference));
    for (const [key, value] of reference) expect(state.get(key)).to.equal(value);
    expect(state.get("m\u0000@nobody")).to.equal(undefined);
    expect(state.toMap()).to.deep.equal(reference);
    expect(new Set(state.keys())).to.deep.equal(new Set(reference.keys()));
    expect([...state.values()].sort()).to.deep.equal([...reference.values()].sort());
    const seen = new Map<string, string>();
    state.forEach((value, key) => seen.set(key, value));
    expect(seen).to.deep.equal(reference);
    for (const version of versions) expect(sorted(version.state)).to.deep.equal(version.entries);
  });

  it("keeps keys whose hashes collide apart, through additions and removals", () => {
    const groups = collidingKeys(3);
    const [[a1, a2], [b1, b2], [c1, c2]] = groups as [[string, string], [string, string], [string, string]];
    expect(hashKey(a1)).to.equal(hashKey(a2));
    const reference = new Map<string, string>([["x", "$x"]]);
    let state = StateGroupMap.fromMap(reference);
    const steps: Array<Map<string, string | null>> = [
      new Map([[a1, "$a1"], [a2, "$a2"], [b1, "$b1"]]),
      new Map([[b2, "$b2"], [c1, "$c1"], [a1, "$a1'"]]),
      new Map<string, string | null>([[a2, null], [c2, "$c2"]]),
      new Map<string, string | null>([[a1, null], [b1, null], [a2, "$a2'"]]),
      new Map<string, string | null>([[c1, null], [c2, null], [b2, null], [a2, null]]),
    ];
    for (const delta of steps) {
      apply(reference, delta);
      const before = state;
      state = state.withDelta(delta);
      expect(sorted(state)).to.deep.equal(sorted(reference));
      expect(state.size).to.equal(reference.size);
      for (const key of [a1, a2, b1, b2, c1, c2]) expect(state.get(key)).to.equal(reference.get(key));
      expect(sorted(before.withDelta(StateGroupMap.diff(before, state)))).to.deep.equal(sorted(reference));
    }
    expect(sorted(state)).to.deep.equal([["x", "$x"]]);
  });

  it("derives a child by copying a few nodes, whatever the size of the state", () => {
    const big = new Map<string, string>();
    for (let i = 0; i < 100_000; i++) big.set(`m.room.member\u0000@member${i}:hs.test`, `$join${i}`);
    let state = StateGroupMap.fromMap(big);
    const allocated = trieStats.nodesAllocated;
    for (let i = 0; i < 100; i++) state = state.withDelta(new Map([[`m.room.member\u0000@new${i}:hs.test`, `$new${i}`]]));
    // About log₃₂(100,000) ≈ 4 nodes per change; a copy of the state would be thousands.
    expect((trieStats.nodesAllocated - allocated) / 100).to.be.below(8);
    expect(state.size).to.equal(100_100);
  });

  it("returns the same object for a delta that changes nothing", () => {
    const state = StateGroupMap.fromMap(new Map([["a", "$1"]]));
    expect(state.withDelta(new Map())).to.equal(state);
    expect(state.withDelta(new Map([["a", "$1"]]))).to.equal(state);
    expect(state.withDelta(new Map([["b", null]]))).to.equal(state);
    expect(StateGroupMap.fromMap(state)).to.equal(state);
  });

  it("diff() lists additions, changes and removals between any two states", () => {
    const big = new Map<string, string>();
    for (let i = 0; i < 50_000; i++) big.set(`k${i}`, `$v${i}`);
    const from = StateGroupMap.fromMap(big);
    const to = from.withDelta(new Map<string, string | null>([["k1", "$changed"], ["k2", null], ["new", "$n"]]));
    expect(sorted(StateGroupMap.diff(from, to) as Map<string, string>)).to.deep.equal([["k1", "$changed"], ["k2", null], ["new", "$n"]]);
    expect(StateGroupMap.diff(to, to).size).to.equal(0);
    // Unrelated tries with the same entries have no differences either.
    expect(StateGroupMap.diff(from, StateGroupMap.fromMap(new Map(big))).size).to.equal(0);
    expect(StateGroupMap.diff(StateGroupMap.empty(), StateGroupMap.fromMap(new Map([["a", "$a"]])))).to.deep.equal(new Map([["a", "$a"]]));
  });

  it("empty() is an empty state", () => {
    expect(StateGroupMap.empty().size).to.equal(0);
    expect([...StateGroupMap.empty()]).to.deep.equal([]);
  });
});
