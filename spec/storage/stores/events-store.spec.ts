import { expect } from "chai";
import { EventsStore, type NewEvent } from "../../../src/storage/stores/events-store.js";
import { UniqueViolationError } from "../../../src/storage/storage-errors.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejection } from "../rejection.js";

const ROOM = "!room:hs.test";

function event(n: number, overrides: Partial<NewEvent> = {}): NewEvent {
  const json = `{"type":"m.room.message","room_id":"${ROOM}","content":{"body":"msg ${n}","é":"\\u00e9"},"depth":${n}}`;
  return {
    eventId: `$e${n}`, roomId: ROOM, type: "m.room.message", stateKey: null, sender: "@alice:hs.test",
    depth: n, originServerTs: 1_700_000_000_000 + n, json, ...overrides,
  };
}

withAllDatabases("EventsStore", (getDb) => {
  let events: EventsStore;
  beforeEach(() => {
    events = new EventsStore(getDb());
  });

  const insert = (rows: NewEvent[], opts: { backfilled?: boolean } = {}) => runInTransaction(getDb(), (tx) => events.insertEvents(tx, rows, opts));

  it("inserts in bulk and returns increasing numeric stream orderings in input order", async () => {
    const first = await insert([event(1), event(2), event(3)]);
    const second = await insert([event(4)]);
    for (const ordering of [...first, ...second]) expect(ordering).to.be.a("number");
    expect(first[1]).to.be.greaterThan(first[0]!);
    expect(first[2]).to.be.greaterThan(first[1]!);
    expect(second[0]).to.be.greaterThan(first[2]!);
    expect(await events.selectMaxStreamOrdering()).to.equal(second[0]);
    expect(await insert([])).to.deep.equal([]);
  });

  it("keeps the JSON byte for byte and round-trips every column", async () => {
    const state = event(7, {
      type: "m.room.topic", stateKey: "", topologicalOrdering: 70, outlier: true, rejectedReason: "auth", softFailed: true,
      json: '{ "odd":  "spacing", "n": 1.0, "u": "\\u2603" }',
    });
    const [ordering] = await insert([state]);
    const stored = (await events.selectEventsByIds(["$e7", "$missing"]));
    expect([...stored.keys()]).to.deep.equal(["$e7"]);
    expect(stored.get("$e7")).to.deep.equal({
      streamOrdering: ordering, eventId: "$e7", roomId: ROOM, type: "m.room.topic", stateKey: "", sender: "@alice:hs.test",
      depth: 7, topologicalOrdering: 70, originServerTs: 1_700_000_000_007, json: state.json,
      outlier: true, rejectedReason: "auth", softFailed: true, redactedBy: null,
    });
    expect((await events.selectEventsByIds(["$e7"])).get("$e7")?.json).to.equal('{ "odd":  "spacing", "n": 1.0, "u": "\\u2603" }');
  });

  it("reports an already stored event ID as UniqueViolationError, and which IDs exist", async () => {
    await insert([event(1), event(2)]);
    expect(await rejection(insert([event(3), event(2)]))).to.be.instanceOf(UniqueViolationError);
    expect(await events.selectEventIdsExisting(["$e1", "$e2", "$e3"])).to.deep.equal(new Set(["$e1", "$e2"]));
    expect(await events.selectEventIdsExisting([])).to.deep.equal(new Set());
    expect(await events.selectEventsByIds([])).to.deep.equal(new Map());
  });

  it("inserts more events than one statement holds", async () => {
    const many = Array.from({ length: 1234 }, (_, i) => event(i + 1));
    const orderings = await insert(many);
    expect(new Set(orderings).size).to.equal(1234);
    for (let i = 1; i < orderings.length; i++) expect(orderings[i]).to.be.greaterThan(orderings[i - 1]!);
    expect((await events.selectEventsByIds(many.map((e) => e.eventId))).size).to.equal(1234);
  });

  it("gives backfilled events negative orderings below earlier backfill", async () => {
    const live = await insert([event(10)]);
    const older = await insert([event(8), event(9)], { backfilled: true });
    const oldest = await insert([event(5)], { backfilled: true });
    expect(older).to.deep.equal([-2, -1]);
    expect(oldest).to.deep.equal([-3]);
    expect(live[0]).to.be.greaterThan(0);
    expect((await events.selectEventsByIds(["$e9"])).get("$e9")?.streamOrdering).to.equal(-1);
    // Sync after position 0 sees only the live event.
    expect((await events.selectEventsInRoomAfter(ROOM, 0, { limit: 10 })).map((e) => e.eventId)).to.deep.equal(["$e10"]);
  });

  it("selects a room's timeline after a position, up to a bound, without hidden events", async () => {
    const orderings = await insert([
      event(1), event(2), event(3, { outlier: true }), event(4, { rejectedReason: "auth" }), event(5, { softFailed: true }),
      event(6), event(7, { roomId: "!other:hs.test" }), event(8),
    ]);
    const ids = (rows: { eventId: string }[]) => rows.map((row) => row.eventId);
    expect(ids(await events.selectEventsInRoomAfter(ROOM, 0, { limit: 100 }))).to.deep.equal(["$e1", "$e2", "$e6", "$e8"]);
    expect(ids(await events.selectEventsInRoomAfter(ROOM, orderings[0]!, { limit: 2 }))).to.deep.equal(["$e2", "$e6"]);
    expect(ids(await events.selectEventsInRoomAfter(ROOM, orderings[0]!, { upTo: orderings[5]!, limit: 100 }))).to.deep.equal(["$e2", "$e6"]);
    expect(ids(await events.selectEventsInRoomBefore(ROOM, orderings[5]!, 2))).to.deep.equal(["$e6", "$e2"]);
  });

  it("paginates by topological position in both directions", async () => {
    const orderings = await insert([event(1), event(2), event(3, { topologicalOrdering: 2 }), event(4)]);
    const ids = (rows: { eventId: string }[]) => rows.map((row) => row.eventId);
    const at = (i: number, topo: number) => ({ topologicalOrdering: topo, streamOrdering: orderings[i]! });
    expect(ids(await events.selectEventsInRoomByTopology(ROOM, at(3, 4), "b", 10))).to.deep.equal(["$e3", "$e2", "$e1"]);
    expect(ids(await events.selectEventsInRoomByTopology(ROOM, at(2, 2), "b", 10))).to.deep.equal(["$e2", "$e1"]);
    expect(ids(await events.selectEventsInRoomByTopology(ROOM, at(1, 2), "f", 10))).to.deep.equal(["$e3", "$e4"]);
    expect(ids(await events.selectEventsInRoomByTopology(ROOM, at(0, 1), "f", 1))).to.deep.equal(["$e2"]);
  });

  it("marks redactions once, first redaction wins", async () => {
    await insert([event(1)]);
    await runInTransaction(getDb(), async (tx) => {
      expect(await events.updateEventRedactedBy(tx, "$e1", "$r1")).to.equal(true);
      expect(await events.updateEventRedactedBy(tx, "$e1", "$r2")).to.equal(false);
      expect(await events.updateEventRedactedBy(tx, "$nope", "$r3")).to.equal(false);
    });
    expect((await events.selectEventsByIds(["$e1"])).get("$e1")?.redactedBy).to.equal("$r1");
    expect(await events.selectRedactedBy(["$e1", "$nope"])).to.deep.equal(new Map([["$e1", "$r1"]]));
    expect(await events.selectRedactedBy([])).to.deep.equal(new Map());
  });

  it("finds timeline events by timestamp in either direction, skipping hidden ones", async () => {
    await insert([event(1), event(2), event(3, { softFailed: true }), event(4), event(5, { roomId: "!other:hs.test" })]);
    const ids = (rows: { eventId: string }[]) => rows.map((row) => row.eventId);
    const ts = (n: number) => 1_700_000_000_000 + n;
    expect(ids(await events.selectEventsInRoomByTimestamp(ROOM, ts(2), "f", 10))).to.deep.equal(["$e2", "$e4"]);
    expect(ids(await events.selectEventsInRoomByTimestamp(ROOM, ts(3), "f", 1))).to.deep.equal(["$e4"]);
    expect(ids(await events.selectEventsInRoomByTimestamp(ROOM, ts(3), "b", 10))).to.deep.equal(["$e2", "$e1"]);
    expect(ids(await events.selectEventsInRoomByTimestamp(ROOM, ts(0), "b", 10))).to.deep.equal([]);
  });

  it("reports 0 as the max stream ordering of an empty table", async () => {
    expect(await events.selectMaxStreamOrdering()).to.equal(0);
  });
});
