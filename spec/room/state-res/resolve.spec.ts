import { expect } from "chai";
import { getRoomVersion, type RoomVersionRules } from "../../../src/room/room-versions.js";
import { resolveState } from "../../../src/room/state-res/resolve.js";
import type { StateMap } from "../../../src/room/state-map.js";
import type { StateResCallbacks } from "../../../src/room/state-res/types.js";
import { generateFork, seededRandom } from "./fork-generator.js";
import { loadScenarioCases, runScenarioCase } from "./state-res-fixtures.js";
import { StateResDag } from "./state-res-dag.js";

const rulesOf = (version: string): RoomVersionRules => getRoomVersion(version) as RoomVersionRules;

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** The same state map with its entries inserted in a shuffled order. */
function shuffled(state: StateMap<string>, random: () => number): StateMap<string> {
  const entries = [...state];
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j] as [string, string], entries[i] as [string, string]];
  }
  return new Map(entries);
}

/** Callbacks whose answers arrive after a random number of event-loop turns. */
function jittered(callbacks: StateResCallbacks, random: () => number): StateResCallbacks {
  const later = async <T>(value: Promise<T>): Promise<T> => {
    for (let turns = Math.floor(random() * 3); turns > 0; turns--) await new Promise((resolve) => setImmediate(resolve));
    return value;
  };
  return {
    fetchEvent: (id) => later(callbacks.fetchEvent(id)),
    fetchAuthChain: (ids) => later(callbacks.fetchAuthChain(ids)),
    fetchRejected: (ids) => later((callbacks.fetchRejected as NonNullable<StateResCallbacks["fetchRejected"]>)(ids)),
  };
}

const sortedEntries = (state: StateMap<string>): [string, string][] => [...state].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** By default each v2-family scenario runs under v2 (versions 2, 6 and 11) and v2.1 (version 12). */
const DEFAULT_VERSIONS = ["2", "6", "11", "12"];

describe("resolveState", () => {
  describe("spec/fixtures/state-res scenarios", () => {
    for (const scenario of loadScenarioCases()) {
      for (const version of scenario.roomVersions ?? DEFAULT_VERSIONS) {
        it(`${scenario.name} in room version ${version}`, async () => {
          const { actual, expected } = await runScenarioCase(scenario, rulesOf(version));
          expect(actual).to.deep.equal(expected);
        });
      }
    }
  });

  describe("generated forks: every order of the state sets and of fetch answers gives one state", () => {
    for (const version of ["1", "2", "6", "10", "11", "12"]) {
      for (let seed = 1; seed <= 8; seed++) {
        const servers = 2 + (seed % 3);
        it(`room version ${version}, seed ${seed}, ${servers} servers`, async () => {
          const rules = rulesOf(version);
          const fork = await generateFork(rules, seed * 7919 + Number(version), { servers, steps: 14, mergeChance: 0.12 });
          const keys = new Set(fork.tips.flatMap((tip) => [...tip.keys()]));
          const conflicted = [...keys].filter((key) => new Set(fork.tips.map((tip) => tip.get(key))).size > 1);
          expect(conflicted.length, "the branches conflict").to.be.greaterThan(0);

          const reference = await resolveState(rules, fork.tips, fork.dag.callbacks());
          // The unconflicted state map always survives (step 5 of v2; the start of R in v1).
          for (const key of keys) {
            if (!conflicted.includes(key)) expect(reference.get(key)).to.equal(fork.tips[0]?.get(key));
          }
          const random = seededRandom(seed);
          for (const order of permutations(fork.tips)) {
            const stateSets = order.map((tip) => shuffled(tip, random));
            const resolved = await resolveState(rules, stateSets, jittered(fork.dag.callbacks(), random));
            expect(sortedEntries(resolved)).to.deep.equal(sortedEntries(reference));
          }
        });
      }
    }
  });

  describe("dispatch", () => {
    it("returns an empty state for no state sets and a copy of a single one", async () => {
      const dag = new StateResDag(rulesOf("11"));
      expect((await resolveState(dag.rules, [], dag.callbacks())).size).to.equal(0);
      const only = new Map([["k", "$x"]]);
      const resolved = await resolveState(dag.rules, [only], dag.callbacks());
      expect([...resolved]).to.deep.equal([["k", "$x"]]);
      expect(resolved).to.not.equal(only);
      expect(dag.calls.fetchEvent + dag.calls.fetchAuthChain).to.equal(0);
    });

    it("returns the unconflicted state without fetching anything when nothing conflicts", async () => {
      const dag = new StateResDag(rulesOf("11"));
      const state = new Map([
        ["a", "$1"],
        ["b", "$2"],
      ]);
      const resolved = await resolveState(dag.rules, [state, new Map(state)], dag.callbacks());
      expect([...resolved]).to.deep.equal([...state]);
      expect(dag.calls.fetchEvent + dag.calls.fetchAuthChain).to.equal(0);
    });
  });
});
