import { expect } from "chai";
import { ErrCode } from "../../../src/matrix/errors.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { expectForbidden, matrixErrorOf } from "./room-services-fixture.js";
import { ALICE, BOB, CAROL, makeRoomEngine, type RoomEngine } from "./room-engine-fixture.js";

withAllDatabases("RoomDirectoryService", function (getDb) {
  let e: RoomEngine;
  beforeEach(function () {
    e = makeRoomEngine(getDb());
  });

  it("publishes rooms created public; moderators change the visibility, others may not", async function () {
    const published = await e.createRoom(ALICE, { visibility: "public" });
    const hidden = await e.createRoom(ALICE, { preset: "public_chat" });
    expect(await e.directory.getVisibility(published)).to.equal("public");
    expect(await e.directory.getVisibility(hidden)).to.equal("private");
    await e.membership.join(BOB, hidden);
    await expectForbidden(e.directory.setVisibilityAsUser(BOB, hidden, "public"));
    await e.directory.setVisibilityAsUser(ALICE, hidden, "public");
    expect(await e.directory.getVisibility(hidden)).to.equal("public");
    e.admins.add(CAROL);
    await e.directory.setVisibilityAsUser(CAROL, hidden, "private");
    expect(await e.directory.getVisibility(hidden)).to.equal("private");
    for (const call of [e.directory.getVisibility("!none:hearth.test"), e.directory.setVisibilityAsUser(ALICE, "!none:hearth.test", "public")]) {
      expect((await matrixErrorOf(call)).errcode).to.equal(ErrCode.NotFound);
    }
  });

  it("lists published rooms with their summary, largest first", async function () {
    const small = await e.createRoom(ALICE, {
      visibility: "public",
      name: "Small",
      topic: "a small room",
      room_alias_name: "small",
      initial_state: [
        { type: "m.room.avatar", content: { url: "mxc://hearth.test/a" } },
        { type: "m.room.history_visibility", content: { history_visibility: "world_readable" } },
        { type: "m.room.guest_access", content: { guest_access: "can_join" } },
      ],
    });
    const big = await e.createRoom(BOB, { visibility: "public", creation_content: { type: "m.space" } });
    await e.membership.join(ALICE, big);
    await e.createRoom(CAROL, { preset: "public_chat", name: "Unpublished" });
    const listing = await e.directory.listPublicRooms({});
    expect(listing.total_room_count_estimate).to.equal(2);
    expect(listing.chunk).to.deep.equal([
      { room_id: big, num_joined_members: 2, world_readable: false, guest_can_join: false, join_rule: "public", room_type: "m.space" },
      {
        room_id: small,
        num_joined_members: 1,
        world_readable: true,
        guest_can_join: true,
        name: "Small",
        topic: "a small room",
        canonical_alias: "#small:hearth.test",
        avatar_url: "mxc://hearth.test/a",
        join_rule: "public",
      },
    ]);
  });

  it("filters by search term and room type, and pages with next_batch / prev_batch", async function () {
    const rooms = [];
    for (const name of ["Apple", "Banana", "Cherry", "Apricot"]) rooms.push(await e.createRoom(ALICE, { visibility: "public", name }));
    const space = await e.createRoom(ALICE, { visibility: "public", name: "Space", creation_content: { type: "m.space" } });
    expect((await e.directory.listPublicRooms({ genericSearchTerm: "AP" })).chunk.map((room) => room.name).sort()).to.deep.equal(["Apple", "Apricot"]);
    expect((await e.directory.listPublicRooms({ roomTypes: ["m.space"] })).chunk.map((room) => room.room_id)).to.deep.equal([space]);
    expect((await e.directory.listPublicRooms({ roomTypes: [null] })).chunk.length).to.equal(4);

    const first = await e.directory.listPublicRooms({ limit: 2 });
    expect(first.chunk.length).to.equal(2);
    expect(first.prev_batch).to.equal(undefined);
    const second = await e.directory.listPublicRooms({ limit: 2, since: first.next_batch });
    const third = await e.directory.listPublicRooms({ limit: 2, since: second.next_batch });
    expect(third.next_batch).to.equal(undefined);
    const all = [...first.chunk, ...second.chunk, ...third.chunk].map((room) => room.room_id);
    expect(all.slice().sort()).to.deep.equal([...rooms, space].sort());
    expect((await e.directory.listPublicRooms({ limit: 2, since: second.prev_batch })).chunk).to.deep.equal(first.chunk);
  });

  it("refuses a malformed `since` (400) and other servers' directories (404)", async function () {
    expect((await matrixErrorOf(e.directory.listPublicRooms({ since: "x" }))).errcode).to.equal(ErrCode.InvalidParam);
    expect((await matrixErrorOf(e.directory.listPublicRooms({ server: "remote.test" }))).errcode).to.equal(ErrCode.NotFound);
    expect((await e.directory.listPublicRooms({ server: "hearth.test" })).chunk).to.deep.equal([]);
  });
});
