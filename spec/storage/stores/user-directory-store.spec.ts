import { expect } from "chai";
import { UserDirectoryStore } from "../../../src/storage/stores/user-directory-store.js";
import { UsersStore } from "../../../src/storage/stores/users-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, BOB, CAROL, DAN, makeRoomEngine, type RoomEngine } from "../../services/rooms/room-engine-fixture.js";

withAllDatabases("UserDirectoryStore", (getDb) => {
  let e: RoomEngine;
  let store: UserDirectoryStore;
  beforeEach(async () => {
    e = makeRoomEngine(getDb());
    store = new UserDirectoryStore(getDb());
    const users = new UsersStore(getDb());
    await runInTransaction(getDb(), async (tx) => {
      for (const userId of [ALICE, BOB, CAROL, DAN]) {
        const localpart = userId.slice(1, userId.indexOf(":"));
        await users.insertUser(tx, { userId, localpart, createdTs: 1, displayname: localpart === "bob" ? "Bobby Tables" : null });
      }
    });
  });

  const search = async (searcher: string, term: string, limit = 10) => (await store.searchUsers({ searcher, term, limit })).map((u) => u.userId);

  it("finds users sharing a room with the searcher, not users of private rooms they are not in", async () => {
    const privateRoom = await e.createRoom(ALICE, { invite: [BOB] });
    await e.membership.join(BOB, privateRoom);
    const otherPrivate = await e.createRoom(CAROL);
    expect(otherPrivate).to.be.a("string");
    expect(await search(ALICE, "bob")).to.deep.equal([BOB]);
    expect(await search(ALICE, "carol")).to.deep.equal([]);
    expect(await search(CAROL, "bob")).to.deep.equal([]);
  });

  it("finds the members of public and of world-readable rooms", async () => {
    await e.createRoom(CAROL, { preset: "public_chat" });
    await e.createRoom(DAN, { initial_state: [{ type: "m.room.history_visibility", content: { history_visibility: "world_readable" } }] });
    expect(await search(ALICE, "carol")).to.deep.equal([CAROL]);
    expect(await search(ALICE, "dan")).to.deep.equal([DAN]);
  });

  it("matches display names: the local profile first, else the member event's", async () => {
    const roomId = await e.createRoom(ALICE, { preset: "public_chat" });
    e.profiles.set(BOB, { displayname: "Old Name" });
    await e.membership.join(BOB, roomId);
    e.profiles.set(CAROL, { displayname: "Caz", avatar_url: "mxc://hearth.test/caz" });
    await e.membership.join(CAROL, roomId);
    await e.persister.sendLocalEvent({ roomId, sender: ALICE, type: "m.room.member", stateKey: DAN, content: { membership: "invite" } });
    expect(await search(ALICE, "tables")).to.deep.equal([BOB]);
    expect(await store.searchUsers({ searcher: ALICE, term: "old name", limit: 5 })).to.deep.equal([{ userId: BOB, displayname: "Bobby Tables", avatarUrl: null }]);
    expect(await store.searchUsers({ searcher: ALICE, term: "CAZ", limit: 5 })).to.deep.equal([{ userId: CAROL, displayname: "Caz", avatarUrl: "mxc://hearth.test/caz" }]);
    expect(await search(ALICE, "dan")).to.deep.equal([]); // invited, not joined
  });

  it("ranks prefix matches first, then users with a display name; LIKE wildcards match literally", async () => {
    const roomId = await e.createRoom(ALICE, { preset: "public_chat" });
    for (const userId of [BOB, CAROL, DAN]) await e.membership.join(userId, roomId);
    expect(await search(ALICE, "b")).to.deep.equal([BOB]);
    expect(await search(ALICE, "a")).to.deep.equal([ALICE, BOB, CAROL, DAN]);
    expect(await search(ALICE, "a", 2)).to.deep.equal([ALICE, BOB]);
    expect(await search(ALICE, "%")).to.deep.equal([]);
    expect(await search(ALICE, "_")).to.deep.equal([]);
  });

  it("leaves deactivated users out", async () => {
    const roomId = await e.createRoom(ALICE, { preset: "public_chat" });
    await e.membership.join(BOB, roomId);
    await runInTransaction(getDb(), (tx) => new UsersStore(getDb()).updateDeactivated(tx, BOB, true));
    expect(await search(ALICE, "bob")).to.deep.equal([]);
  });
});
