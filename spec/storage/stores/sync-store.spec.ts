import { expect } from "chai";
import { SyncStore } from "../../../src/storage/stores/sync-store.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, BOB, makeSyncFixture, type SyncFixture } from "../../sync/sync-fixture.js";

withAllDatabases("SyncStore", function (getDb) {
  let f: SyncFixture;
  let store: SyncStore;
  beforeEach(function () {
    f = makeSyncFixture(getDb());
    store = new SyncStore(getDb());
  });

  const position = (): number => f.notifier.currentToken().pdu;

  it("reads each room's latest events within its own range, newest first, in one statement", async function () {
    const one = await f.createRoom(ALICE);
    const two = await f.createRoom(ALICE);
    const a = [await f.send(one, ALICE, "a0"), await f.send(one, ALICE, "a1"), await f.send(one, ALICE, "a2")];
    const middle = position();
    const b = [await f.send(two, ALICE, "b0"), await f.send(two, ALICE, "b1")];
    const rows = await store.selectLatestEventsInRooms(
      [
        { roomId: one, after: null, upTo: position() },
        { roomId: two, after: middle, upTo: position() },
      ],
      2,
    );
    expect(rows.get(one)!.map((r) => r.eventId)).to.deep.equal([a[2], a[1]]);
    expect(rows.get(two)!.map((r) => r.eventId)).to.deep.equal([b[1], b[0]]);
    expect((await store.selectLatestEventsInRooms([{ roomId: two, after: position(), upTo: position() }], 5)).has(two)).to.equal(false);
  });

  it("reads a range of events in stream order, and events by ID", async function () {
    const roomId = await f.createRoom(ALICE);
    const start = position();
    const ids = [await f.send(roomId, ALICE, "x"), await f.send(roomId, ALICE, "y")];
    const rows = await store.selectEventsInRange(start, position(), 10);
    expect(rows.map((r) => r.eventId)).to.deep.equal(ids);
    expect(rows[0]!.streamOrdering).to.be.below(rows[1]!.streamOrdering);
    expect(JSON.parse(rows[0]!.json).content.body).to.equal("x");
    expect((await store.selectEventsInRange(start, position(), 1)).map((r) => r.eventId)).to.deep.equal([ids[0]]);
    expect([...(await store.selectEventsByIds([ids[1]!, "$missing"])).keys()]).to.deep.equal([ids[1]]);
  });

  it("reads redaction marks", async function () {
    const roomId = await f.createRoom(ALICE);
    const target = await f.send(roomId, ALICE, "x");
    const kept = await f.send(roomId, ALICE, "y");
    const redaction = await f.events.redact(ALICE, roomId, target);
    expect([...(await store.selectRedactedBy([target, kept]))]).to.deep.equal([[target, redaction]]);
  });

  it("reads transaction IDs by device, and by event within a time range", async function () {
    const roomId = await f.createRoom(ALICE);
    const eventId = await f.send(roomId, ALICE, "x", "txn-7");
    expect([...(await store.selectTxnIdsOfDevice(ALICE, "ADEVICE", [eventId]))]).to.deep.equal([[eventId, "txn-7"]]);
    expect((await store.selectTxnIdsOfDevice(ALICE, "OTHER", [eventId])).size).to.equal(0);
    const pdu = (await f.persister.getEvent(eventId))!;
    const byEvent = await store.selectTxnIdsByEvents([eventId], pdu.originServerTs, pdu.originServerTs);
    expect(byEvent.get(eventId)).to.deep.equal({ userId: ALICE, deviceId: "ADEVICE", txnId: "txn-7" });
    expect((await store.selectTxnIdsByEvents([eventId], pdu.originServerTs + 1, pdu.originServerTs + 9)).size).to.equal(0);
  });

  it("reads a user's membership history up to a position, memberships by event, and joined users of rooms", async function () {
    const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
    const joinId = await f.membership.join(BOB, roomId);
    const joined = position();
    await f.membership.leave(BOB, roomId);
    const history = await store.selectMembershipHistory(BOB, joined);
    expect(history.map((r) => [r.roomId, r.membership, r.eventId])).to.deep.equal([[roomId, "join", joinId]]);
    expect((await store.selectMembershipHistory(BOB, position())).map((r) => r.membership)).to.deep.equal(["join", "leave"]);
    expect((await store.selectMembershipsByEventIds([joinId])).get(joinId)).to.include({ membership: "join" });
    expect(await store.selectJoinedUsersOfRooms([roomId])).to.deep.equal([ALICE]);
    expect(await store.selectJoinedUsersOfRooms([])).to.deep.equal([]);
  });
});
