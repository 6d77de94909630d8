import { expect } from "chai";
import { migrations } from "../../../migrations/index.js";
import { EventRelationsStore, type EventRelationRow } from "../../../src/storage/stores/event-relations-store.js";
import { EventsStore, type NewEvent } from "../../../src/storage/stores/events-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

const ROOM = "!room:hs.test";
const ALICE = "@alice:hs.test";
const BOB = "@bob:hs.test";

function stored(n: number, content: Record<string, unknown>, overrides: Partial<NewEvent> = {}): NewEvent {
  const eventId = overrides.eventId ?? `$e${n}`;
  const sender = overrides.sender ?? ALICE;
  const type = overrides.type ?? "m.room.message";
  const json = JSON.stringify({ type, room_id: ROOM, sender, content, depth: n, origin_server_ts: 1000 + n });
  return { eventId, roomId: ROOM, type, stateKey: null, sender, depth: n, originServerTs: 1000 + n, json, ...overrides };
}

function relation(n: number, relatesToId: string, relType: string, streamOrdering: number, overrides: Partial<EventRelationRow> = {}): EventRelationRow {
  return {
    eventId: `$r${n}`, relatesToId, relType, roomId: ROOM, sender: ALICE, type: "m.room.message",
    topologicalOrdering: n, streamOrdering, originServerTs: 1000 + n, ...overrides,
  };
}

const rel = (relType: string, eventId: string) => ({ "m.relates_to": { rel_type: relType, event_id: eventId } });

withAllDatabases("EventRelationsStore", (getDb) => {
  let store: EventRelationsStore;
  beforeEach(() => {
    store = new EventRelationsStore(getDb());
  });
  const write = (rows: EventRelationRow[]) => runInTransaction(getDb(), (tx) => store.insertEventRelations(tx, rows));

  it("pages children topologically both ways, filtered by type, and n levels down", async () => {
    await write([
      relation(1, "$root", "m.thread", 11),
      relation(2, "$root", "m.annotation", 12, { type: "m.reaction" }),
      relation(3, "$r1", "m.annotation", 13, { type: "m.reaction" }),
      relation(4, "$root", "m.thread", 14),
      relation(5, "$other", "m.thread", 15),
    ]);
    const page = (over: Partial<Parameters<EventRelationsStore["selectRelationsPage"]>[0]>) => store.selectRelationsPage({
      roomId: ROOM, parentId: "$root", key: { topologicalOrdering: 1e9, streamOrdering: 1e9 }, dir: "b", limit: 10, depth: 1, ...over,
    });
    expect((await page({})).map((r) => r.eventId)).to.deep.equal(["$r4", "$r2", "$r1"]);
    expect((await page({ dir: "f", key: { topologicalOrdering: 1, streamOrdering: 11 }, limit: 1 })).map((r) => r.eventId)).to.deep.equal(["$r2"]);
    expect((await page({ relType: "m.thread" })).map((r) => r.eventId)).to.deep.equal(["$r4", "$r1"]);
    expect((await page({ eventType: "m.reaction", depth: 3 })).map((r) => r.eventId)).to.deep.equal(["$r3", "$r2"]);
    expect((await page({ roomId: "!elsewhere:hs.test" }))).to.deep.equal([]);
  });

  it("lists thread roots by their latest event, for everyone or one participant", async () => {
    await write([
      relation(1, "$a", "m.thread", 11),
      relation(2, "$b", "m.thread", 12, { sender: BOB }),
      relation(3, "$a", "m.thread", 13, { sender: BOB }),
      relation(4, "$c", "m.annotation", 14),
    ]);
    expect(await store.selectThreadRoots({ roomId: ROOM, before: Number.MAX_SAFE_INTEGER, limit: 10 })).to.deep.equal([
      { rootId: "$a", latest: 13 }, { rootId: "$b", latest: 12 },
    ]);
    expect((await store.selectThreadRoots({ roomId: ROOM, before: 13, limit: 10 })).map((r) => r.rootId)).to.deep.equal(["$b"]);
    expect((await store.selectThreadRoots({ roomId: ROOM, before: Number.MAX_SAFE_INTEGER, limit: 10, participant: ALICE })).map((r) => r.rootId)).to.deep.equal(["$a"]);
  });

  it("leaves the children of ignored senders out of the aggregations", async () => {
    const events = new EventsStore(getDb());
    await runInTransaction(getDb(), (tx) => events.insertEvents(tx, [stored(1, { body: "root" }, { eventId: "$root" })]));
    const CAROL = "@carol:hs.test";
    await write([
      relation(2, "$root", "m.thread", 12),
      relation(3, "$root", "m.thread", 13, { sender: BOB }),
      relation(4, "$root", "m.reference", 14, { sender: BOB }),
      relation(5, "$root", "m.reference", 15, { sender: CAROL }),
    ]);
    const summary = (rows: Awaited<ReturnType<EventRelationsStore["selectAggregations"]>>) =>
      rows.map((row) => ({ relType: row.relType, eventId: row.eventId, count: row.count })).sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
    expect(summary(await store.selectAggregations(["$root"], ALICE))).to.deep.equal([
      { relType: "m.thread", eventId: "$r3", count: 2 }, { relType: "m.reference", eventId: "$r4", count: 1 }, { relType: "m.reference", eventId: "$r5", count: 1 },
    ]);
    expect(summary(await store.selectAggregations(["$root"], ALICE, [BOB]))).to.deep.equal([
      { relType: "m.thread", eventId: "$r2", count: 1 }, { relType: "m.reference", eventId: "$r5", count: 1 },
    ]);
    expect(summary(await store.selectAggregations(["$root"], ALICE, [BOB, CAROL, ALICE]))).to.deep.equal([]);
  });

  it("deletes the relations of redacted events", async () => {
    await write([relation(1, "$root", "m.thread", 11), relation(2, "$root", "m.thread", 12)]);
    await runInTransaction(getDb(), (tx) => store.deleteEventRelations(tx, ["$r1"]));
    const rows = await store.selectRelationsPage({ roomId: ROOM, parentId: "$root", key: { topologicalOrdering: 1e9, streamOrdering: 0 }, dir: "b", limit: 10, depth: 1 });
    expect(rows.map((r) => r.eventId)).to.deep.equal(["$r2"]);
  });

  it("the migration fills the table from accepted, unredacted events stored before it", async () => {
    const db = getDb();
    const index = migrations.findIndex((m) => m.name === "CreateEventRelations1763700600300");
    expect(index).to.be.greaterThan(0);
    for (let i = index; i < migrations.length; i++) await db.undoLastMigration({ transaction: "each" });
    const events = new EventsStore(db);
    const rows: NewEvent[] = [
      stored(1, { body: "root" }, { eventId: "$root" }),
      stored(2, { body: "reply", ...rel("m.thread", "$root") }, { sender: BOB }),
      stored(3, { ...rel("m.annotation", "$root"), key: "x" }, { type: "m.reaction" }),
      stored(4, rel("m.thread", "$root"), { rejectedReason: "auth" }),
      stored(5, rel("m.thread", "$root"), { outlier: true }),
      stored(6, rel("m.thread", "$root"), { softFailed: true }),
      stored(7, rel("m.thread", "$root")),
      stored(8, { "m.relates_to": { "m.in_reply_to": { event_id: "$root" } } }),
    ];
    // Enough plain events to take more than one batch.
    for (let n = 9; n < 1200; n++) rows.push(stored(n, { body: `plain ${n}` }));
    rows.push(stored(1200, rel("m.reference", "$root")));
    const orderings = await runInTransaction(db, (tx) => events.insertEvents(tx, rows));
    await runInTransaction(db, (tx) => events.updateEventRedactedBy(tx, "$e7", "$redaction"));
    await db.runMigrations({ transaction: "all" });
    const found = await store.selectRelationsPage({ roomId: ROOM, parentId: "$root", key: { topologicalOrdering: 0, streamOrdering: 0 }, dir: "f", limit: 10, depth: 1 });
    expect(found).to.deep.equal([
      { eventId: "$e2", topologicalOrdering: 2, streamOrdering: orderings[1] },
      { eventId: "$e3", topologicalOrdering: 3, streamOrdering: orderings[2] },
      { eventId: "$e1200", topologicalOrdering: 1200, streamOrdering: orderings.at(-1) },
    ]);
    const aggregations = await store.selectAggregations(["$root"], BOB);
    expect(aggregations.find((row) => row.relType === "m.thread")).to.deep.include({ parentId: "$root", eventId: "$e2", count: 1, participated: true });
  });
});
