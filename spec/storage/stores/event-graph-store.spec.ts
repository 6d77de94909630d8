import { expect } from "chai";
import type { EntityManager } from "typeorm";
import { EventGraphStore } from "../../../src/storage/stores/event-graph-store.js";
import { EventsStore } from "../../../src/storage/stores/events-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

const ROOM = "!room:hs.test";

function sortedValues(map: Map<string, string[]>): Record<string, string[]> {
  return Object.fromEntries([...map].map(([key, values]) => [key, [...values].sort()]));
}

withAllDatabases("EventGraphStore", (getDb) => {
  let graph: EventGraphStore;
  beforeEach(() => {
    graph = new EventGraphStore(getDb());
  });

  /** Stores bare events (edges start from stored events) and returns their stream orderings. */
  async function store(tx: EntityManager, eventIds: string[]): Promise<Record<string, number>> {
    const orderings = await new EventsStore(getDb()).insertEvents(
      tx,
      eventIds.map((eventId, i) => ({ eventId, roomId: ROOM, type: "m.room.message", stateKey: null, sender: "@a:hs.test", depth: i, originServerTs: i, json: "{}" })),
    );
    return Object.fromEntries(eventIds.map((eventId, i) => [eventId, orderings[i]!]));
  }

  it("stores prev_events edges, ignoring repeats, and finds parents and children", async () => {
    await runInTransaction(getDb(), async (tx) => {
      const at = await store(tx, ["$b", "$c", "$d"]);
      await graph.insertEventEdges(tx, [{ streamOrdering: at.$b!, targetIds: ["$a"] }, { streamOrdering: at.$c!, targetIds: ["$a", "$b"] }]);
      await graph.insertEventEdges(tx, [{ streamOrdering: at.$c!, targetIds: ["$b"] }, { streamOrdering: at.$d!, targetIds: [] }]);
    });
    expect(sortedValues(await graph.selectPrevEventIds(["$b", "$c", "$d"]))).to.deep.equal({ $b: ["$a"], $c: ["$a", "$b"] });
    expect(await graph.selectEventIdsWithChildren(["$a", "$b", "$c"])).to.deep.equal(new Set(["$a", "$b"]));
    expect(await graph.selectEventIdsWithChildren([])).to.deep.equal(new Set());
    expect(await graph.selectPrevEventIds([])).to.deep.equal(new Map());
  });

  it("stores auth edges and walks whole auth chains", async () => {
    // create ← member ← power ← join; join also cites create; topic cites power.
    await runInTransaction(getDb(), async (tx) => {
      const at = await store(tx, ["$create", "$member", "$power", "$join", "$topic"]);
      await graph.insertEventAuthEdges(tx, [
        { streamOrdering: at.$member!, targetIds: ["$create"] },
        { streamOrdering: at.$power!, targetIds: ["$create", "$member"] },
        { streamOrdering: at.$join!, targetIds: ["$create", "$power"] },
        { streamOrdering: at.$topic!, targetIds: ["$power"] },
      ]);
    });
    expect(sortedValues(await graph.selectAuthEventIds(["$power", "$create"]))).to.deep.equal({ $power: ["$create", "$member"] });
    expect(await graph.selectAuthChainIds(["$join"])).to.deep.equal(new Set(["$create", "$power", "$member"]));
    expect(await graph.selectAuthChainIds(["$topic", "$member"])).to.deep.equal(new Set(["$power", "$create", "$member"]));
    expect(await graph.selectAuthChainIds(["$create"])).to.deep.equal(new Set());
    expect(await graph.selectAuthChainIds([])).to.deep.equal(new Set());
  });

  it("replaces a room's forward extremities, leaving other rooms alone", async () => {
    await runInTransaction(getDb(), async (tx) => {
      await graph.replaceForwardExtremities(tx, ROOM, ["$a"]);
      await graph.replaceForwardExtremities(tx, "!other:hs.test", ["$x"]);
    });
    await runInTransaction(getDb(), (tx) => graph.replaceForwardExtremities(tx, ROOM, ["$c", "$b", "$c"]));
    expect(await graph.selectForwardExtremities(ROOM)).to.deep.equal(["$b", "$c"]);
    expect(await graph.selectForwardExtremities("!other:hs.test")).to.deep.equal(["$x"]);
    await runInTransaction(getDb(), (tx) => graph.replaceForwardExtremities(tx, ROOM, []));
    expect(await graph.selectForwardExtremities(ROOM)).to.deep.equal([]);
  });

  it("replaces the forward extremities of many rooms at once, leaving the others alone", async () => {
    await runInTransaction(getDb(), (tx) =>
      graph.replaceForwardExtremitiesOfRooms(tx, new Map([[ROOM, ["$a"]], ["!two:hs.test", ["$x", "$y"]], ["!three:hs.test", ["$z"]]])));
    await runInTransaction(getDb(), (tx) =>
      graph.replaceForwardExtremitiesOfRooms(tx, new Map([[ROOM, ["$b", "$b"]], ["!two:hs.test", []]])));
    expect(await graph.selectForwardExtremities(ROOM)).to.deep.equal(["$b"]);
    expect(await graph.selectForwardExtremities("!two:hs.test")).to.deep.equal([]);
    expect(await graph.selectForwardExtremities("!three:hs.test")).to.deep.equal(["$z"]);
    await runInTransaction(getDb(), (tx) => graph.replaceForwardExtremitiesOfRooms(tx, new Map()));
    expect(await graph.selectForwardExtremities("!three:hs.test")).to.deep.equal(["$z"]);
  });
});
