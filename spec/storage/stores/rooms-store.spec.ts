import { expect } from "chai";
import { RoomsStore, type RoomRow } from "../../../src/storage/stores/rooms-store.js";
import { UniqueViolationError } from "../../../src/storage/storage-errors.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejection } from "../rejection.js";

function room(roomId: string, isPublic = false): RoomRow {
  return { roomId, roomVersion: "12", creator: "@alice:hs.test", isPublic, createdTs: 1_700_000_000_000 };
}

withAllDatabases("RoomsStore", (getDb) => {
  let rooms: RoomsStore;
  beforeEach(() => {
    rooms = new RoomsStore(getDb());
  });

  it("inserts and selects a room; a second insert is a UniqueViolationError", async () => {
    await runInTransaction(getDb(), (tx) => rooms.insertRoom(tx, room("!a:hs.test", true)));
    expect(await rooms.selectRoom("!a:hs.test")).to.deep.equal(room("!a:hs.test", true));
    expect(await rooms.selectRoom("!b:hs.test")).to.equal(null);
    expect(await rejection(runInTransaction(getDb(), (tx) => rooms.insertRoom(tx, room("!a:hs.test"))))).to.be.instanceOf(UniqueViolationError);
  });

  it("publishes rooms and pages through the public ones", async () => {
    await runInTransaction(getDb(), async (tx) => {
      for (const id of ["!c:hs.test", "!a:hs.test", "!b:hs.test", "!d:hs.test"]) await rooms.insertRoom(tx, room(id));
      for (const id of ["!a:hs.test", "!b:hs.test", "!d:hs.test"]) expect(await rooms.updateRoomIsPublic(tx, id, true)).to.equal(true);
      await rooms.updateRoomIsPublic(tx, "!b:hs.test", false);
      expect(await rooms.updateRoomIsPublic(tx, "!zz:hs.test", true)).to.equal(false);
    });
    expect(await rooms.selectPublicRoomIds(null, 10)).to.deep.equal(["!a:hs.test", "!d:hs.test"]);
    expect(await rooms.selectPublicRoomIds(null, 1)).to.deep.equal(["!a:hs.test"]);
    expect(await rooms.selectPublicRoomIds("!a:hs.test", 10)).to.deep.equal(["!d:hs.test"]);
  });
});
