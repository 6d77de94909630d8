import { expect } from "chai";
import { reverseTopologicalPowerSort, type PowerSortKey } from "../../../src/room/state-res/reverse-topological-power-sort.js";

const graphOf = (edges: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(edges));
const sameKey = (): PowerSortKey => ({ powerLevel: 0, originServerTs: 0 });

describe("reverseTopologicalPowerSort", () => {
  it("puts auth events first and breaks ties by event ID", () => {
    // l, m, n, p cite o; m also cites n.
    const graph = graphOf({ l: ["o"], m: ["n", "o"], n: ["o"], o: [], p: ["o"] });
    expect(reverseTopologicalPowerSort(graph, sameKey)).to.deep.equal(["o", "l", "n", "m", "p"]);
  });

  it("prefers the candidate whose sender has the greater power level", () => {
    const keys: Record<string, PowerSortKey> = {
      a: { powerLevel: 0, originServerTs: 1 },
      b: { powerLevel: 100, originServerTs: 3 },
      c: { powerLevel: 50, originServerTs: 2 },
    };
    const graph = graphOf({ a: [], b: [], c: [] });
    expect(reverseTopologicalPowerSort(graph, (id) => keys[id] as PowerSortKey)).to.deep.equal(["b", "c", "a"]);
  });

  it("treats an infinite power level (v12 creators) as the greatest", () => {
    const keys: Record<string, PowerSortKey> = {
      a: { powerLevel: 100, originServerTs: 0 },
      b: { powerLevel: Infinity, originServerTs: 5 },
    };
    expect(reverseTopologicalPowerSort(graphOf({ a: [], b: [] }), (id) => keys[id] as PowerSortKey)).to.deep.equal(["b", "a"]);
  });

  it("then prefers the smaller origin_server_ts, then the smaller event ID", () => {
    const keys: Record<string, PowerSortKey> = {
      x: { powerLevel: 50, originServerTs: 7 },
      y: { powerLevel: 50, originServerTs: 3 },
      z: { powerLevel: 50, originServerTs: 7 },
      w: { powerLevel: 50, originServerTs: 7 },
    };
    const graph = graphOf({ x: [], y: [], z: [], w: [] });
    expect(reverseTopologicalPowerSort(graph, (id) => keys[id] as PowerSortKey)).to.deep.equal(["y", "w", "x", "z"]);
  });

  it("never lets a tie-break override an auth edge", () => {
    // The powerful event cites the weak one, so the weak one still comes first.
    const keys: Record<string, PowerSortKey> = {
      weak: { powerLevel: 0, originServerTs: 9 },
      strong: { powerLevel: 100, originServerTs: 0 },
      other: { powerLevel: 10, originServerTs: 0 },
    };
    const graph = graphOf({ strong: ["weak"], weak: [], other: [] });
    expect(reverseTopologicalPowerSort(graph, (id) => keys[id] as PowerSortKey)).to.deep.equal(["other", "weak", "strong"]);
  });

  it("ignores edges leaving the graph and duplicate edges", () => {
    const graph = graphOf({ a: ["outside", "b", "b"], b: ["outside"] });
    expect(reverseTopologicalPowerSort(graph, sameKey)).to.deep.equal(["b", "a"]);
  });

  it("leaves out events on an auth cycle", () => {
    const graph = graphOf({ a: ["b"], b: ["a"], c: [] });
    expect(reverseTopologicalPowerSort(graph, sameKey)).to.deep.equal(["c"]);
  });
});
