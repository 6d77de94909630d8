import { expect } from "chai";
import { SyncStore } from "../../src/storage/stores/sync-store.js";
import { SyncEventCache } from "../../src/sync/sync-event-cache.js";
import { EventWindow } from "../../src/sync/sync-event-window.js";
import { MembershipCache } from "../../src/sync/sync-memberships.js";
import { withAllDatabases } from "../helpers/with-all-databases.js";
import { ALICE, BOB, makeSyncFixture, type SyncFixture } from "./sync-fixture.js";

withAllDatabases("MembershipCache", function (getDb) {
  let f: SyncFixture;
  let store: SyncStore;
  let window: EventWindow;
  beforeEach(function () {
    f = makeSyncFixture(getDb());
    store = new SyncStore(getDb());
    const cache = new SyncEventCache({ store, roomVersion: (id) => f.persister.getRoomVersion(id) });
    window = new EventWindow({ store, cache }, 0);
  });

  const position = (): number => f.notifier.currentToken().pdu;

  it("loads a user's membership history and answers memberships at positions", async function () {
    const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
    await f.membership.join(BOB, roomId);
    const joinedAt = position();
    await f.membership.leave(BOB, roomId);
    const memberships = await new MembershipCache({ store, window }).get(BOB, position());
    expect(memberships.membershipAt(roomId, joinedAt)).to.equal("join");
    expect(memberships.membershipAt(roomId, position())).to.equal("leave");
    expect(memberships.membershipAt(roomId, 0)).to.equal("leave");
    expect(memberships.changesIn(roomId, joinedAt, position()).map((r) => r.membership)).to.deep.equal(["leave"]);
    expect(memberships.roomsWith(joinedAt, new Set(["join"]))).to.deep.equal([roomId]);
  });

  it("moves a cached history forward from the event window, without reading storage", async function () {
    const cache = new MembershipCache({ store: { selectMembershipHistory: (...args) => (reads++, store.selectMembershipHistory(...args)) }, window });
    let reads = 0;
    const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
    expect(await cache.joinedRooms(BOB, position())).to.deep.equal([]);
    await f.membership.join(BOB, roomId);
    expect(await cache.joinedRooms(BOB, position())).to.deep.equal([roomId]);
    await f.send(roomId, ALICE, "unrelated");
    const other = await f.createRoom(BOB);
    expect((await cache.joinedRooms(BOB, position())).sort()).to.deep.equal([roomId, other].sort());
    expect(reads).to.equal(1);
  });

  it("answers for an older position from a newer history", async function () {
    const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
    const before = position();
    await f.membership.join(BOB, roomId);
    const cache = new MembershipCache({ store, window });
    await cache.get(BOB, position());
    expect(await cache.joinedRooms(BOB, before)).to.deep.equal([]);
  });
});
