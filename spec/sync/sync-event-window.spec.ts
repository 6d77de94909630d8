import { expect } from "chai";
import { SyncStore } from "../../src/storage/stores/sync-store.js";
import { SyncEventCache } from "../../src/sync/sync-event-cache.js";
import { EventWindow } from "../../src/sync/sync-event-window.js";
import { withAllDatabases } from "../helpers/with-all-databases.js";
import { ALICE, makeSyncFixture, type SyncFixture } from "./sync-fixture.js";

withAllDatabases("EventWindow", function (getDb) {
  let f: SyncFixture;
  let store: SyncStore;
  let cache: SyncEventCache;
  let roomId: string;
  beforeEach(async function () {
    f = makeSyncFixture(getDb());
    roomId = await f.createRoom(ALICE);
    store = new SyncStore(getDb());
    cache = new SyncEventCache({ store, roomVersion: (id) => f.persister.getRoomVersion(id) });
  });

  const position = (): number => f.notifier.currentToken().pdu;

  it("serves the events after its start position, reading each new range once for everyone", async function () {
    const start = position();
    const window = new EventWindow({ store, cache }, start);
    const ids = [await f.send(roomId, ALICE, "a"), await f.send(roomId, ALICE, "b")];
    let reads = 0;
    const counting = new EventWindow({ store: { ...store, selectEventsInRange: (...args: Parameters<SyncStore["selectEventsInRange"]>) => (reads++, store.selectEventsInRange(...args)), selectRedactedBy: (e) => store.selectRedactedBy(e), selectTxnIdsByEvents: (...a) => store.selectTxnIdsByEvents(...a) }, cache }, start);
    const [one, two] = await Promise.all([counting.range(start, position()), counting.range(start, position())]);
    expect(reads).to.equal(1);
    expect(one!.map((e) => e.pdu.eventId)).to.deep.equal(ids);
    expect(two!.map((e) => e.pdu.eventId)).to.deep.equal(ids);
    expect((await window.range(start + 1, position()))!.map((e) => e.pdu.eventId)).to.deep.equal(ids.slice(1));
    expect(await window.range(position(), position())).to.deep.equal([]);
  });

  it("answers null for ranges that start before it (callers read storage)", async function () {
    const window = new EventWindow({ store, cache }, position());
    await f.send(roomId, ALICE, "a");
    expect(await window.range(0, position())).to.equal(null);
  });

  it("keeps at most `capacity` events, moving its start up", async function () {
    const start = position();
    const window = new EventWindow({ store, cache, capacity: 2 }, start);
    for (let i = 0; i < 4; i++) await f.send(roomId, ALICE, `m${i}`);
    await window.range(start, position());
    expect(window.size).to.equal(2);
    expect(window.bounds.low).to.be.above(start);
    expect(await window.range(start, position())).to.equal(null);
    expect(await window.range(window.bounds.low, position())).to.have.length(2);
  });

  it("restarts at the new position (clearing the event cache) when it falls too far behind", async function () {
    const start = position();
    const window = new EventWindow({ store, cache, maxCatchUp: 2 }, start);
    const first = await f.send(roomId, ALICE, "cached");
    await cache.getMany([first]);
    for (let i = 0; i < 3; i++) await f.send(roomId, ALICE, `m${i}`);
    expect(await window.range(start, position())).to.equal(null);
    expect(window.bounds).to.deep.equal({ low: position(), high: position() });
    expect(cache.peek(first)).to.equal(undefined);
  });

  it("marks cached events redacted when their redaction arrives, and reads transaction IDs of new events", async function () {
    const start = position();
    const window = new EventWindow({ store, cache }, start);
    const target = await f.send(roomId, ALICE, "oops", "txn-1");
    const [event] = (await window.range(start, position()))!;
    expect(event!.txn).to.deep.equal({ deviceId: "ADEVICE", txnId: "txn-1" });
    expect(event!.redactedBy).to.equal(null);
    const redaction = await f.events.redact(ALICE, roomId, target);
    await window.range(start, position());
    expect(event!.redactedBy).to.equal(redaction);
  });
});
