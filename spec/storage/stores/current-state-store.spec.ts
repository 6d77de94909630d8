import { expect } from "chai";
import { CurrentStateStore } from "../../../src/storage/stores/current-state-store.js";
import { stateMapKey } from "../../../src/room/state-map.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

const ROOM = "!room:hs.test";
const OTHER = "!other:hs.test";

withAllDatabases("CurrentStateStore", (getDb) => {
  let store: CurrentStateStore;
  beforeEach(() => {
    store = new CurrentStateStore(getDb());
  });

  it("upserts and deletes current state entries", async () => {
    await runInTransaction(getDb(), (tx) =>
      store.upsertCurrentState(tx, ROOM, [
        { type: "m.room.create", stateKey: "", eventId: "$create" },
        { type: "m.room.topic", stateKey: "", eventId: "$t1" },
        { type: "m.room.topic", stateKey: "", eventId: "$t2" },
        { type: "m.room.member", stateKey: "@a:hs.test", eventId: "$ja", membership: "join" },
      ]),
    );
    await runInTransaction(getDb(), async (tx) => {
      await store.upsertCurrentState(tx, ROOM, [{ type: "m.room.member", stateKey: "@a:hs.test", eventId: "$la", membership: "leave" }]);
      await store.deleteCurrentState(tx, ROOM, [{ type: "m.room.create", stateKey: "" }, { type: "m.nothing", stateKey: "" }]);
    });
    expect(await store.selectCurrentState(ROOM)).to.deep.equal(
      new Map([[stateMapKey("m.room.topic", ""), "$t2"], [stateMapKey("m.room.member", "@a:hs.test"), "$la"]]),
    );
    expect(await store.selectCurrentStateEventId(ROOM, "m.room.topic", "")).to.equal("$t2");
    expect(await store.selectCurrentStateEventId(ROOM, "m.room.create", "")).to.equal(null);
    expect(await store.selectCurrentState(OTHER)).to.deep.equal(new Map());
  });

  it("lists members by membership and a user's rooms", async () => {
    await runInTransaction(getDb(), async (tx) => {
      await store.upsertCurrentState(tx, ROOM, [
        { type: "m.room.member", stateKey: "@b:hs.test", eventId: "$1", membership: "join" },
        { type: "m.room.member", stateKey: "@a:hs.test", eventId: "$2", membership: "join" },
        { type: "m.room.member", stateKey: "@c:hs.test", eventId: "$3", membership: "invite" },
        { type: "m.room.topic", stateKey: "@a:hs.test", eventId: "$4" },
      ]);
      await store.upsertCurrentState(tx, OTHER, [{ type: "m.room.member", stateKey: "@a:hs.test", eventId: "$5", membership: "invite" }]);
    });
    expect(await store.selectRoomMembers(ROOM)).to.deep.equal(["@a:hs.test", "@b:hs.test"]);
    expect(await store.selectRoomMembers(ROOM, "invite")).to.deep.equal(["@c:hs.test"]);
    expect(await store.selectRoomsForUser("@a:hs.test")).to.deep.equal([{ roomId: ROOM, membership: "join", eventId: "$2" }]);
    expect(await store.selectRoomsForUser("@a:hs.test", ["join", "invite"])).to.deep.equal([
      { roomId: OTHER, membership: "invite", eventId: "$5" },
      { roomId: ROOM, membership: "join", eventId: "$2" },
    ]);
    expect(await store.selectRoomsForUser("@nobody:hs.test")).to.deep.equal([]);
  });

  it("keeps membership history per user and room in stream order", async () => {
    const row = (eventId: string, roomId: string, membership: string, streamOrdering: number) =>
      ({ eventId, userId: "@a:hs.test", roomId, sender: "@a:hs.test", membership, streamOrdering });
    await runInTransaction(getDb(), (tx) =>
      store.insertRoomMemberships(tx, [row("$3", ROOM, "leave", 30), row("$1", ROOM, "join", 10), row("$2", OTHER, "join", 20)]),
    );
    expect(await store.selectRoomMemberships("@a:hs.test")).to.deep.equal([row("$1", ROOM, "join", 10), row("$2", OTHER, "join", 20), row("$3", ROOM, "leave", 30)]);
    expect(await store.selectRoomMemberships("@a:hs.test", ROOM)).to.deep.equal([row("$1", ROOM, "join", 10), row("$3", ROOM, "leave", 30)]);
  });
});
