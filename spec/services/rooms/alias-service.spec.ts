import { expect } from "chai";
import { ErrCode } from "../../../src/matrix/errors.js";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { expectForbidden, matrixErrorOf } from "./room-services-fixture.js";
import { ALICE, BOB, CAROL, makeRoomEngine, type RoomEngine } from "./room-engine-fixture.js";

withAllDatabases("AliasService", function (getDb) {
  let e: RoomEngine;
  let roomId: string;
  beforeEach(async function () {
    e = makeRoomEngine(getDb());
    roomId = await e.createRoom(ALICE, { preset: "public_chat" });
    await e.membership.join(BOB, roomId);
  });

  it("a member maps an alias to the room; it resolves with the servers in the room", async function () {
    await e.aliases.setAlias(BOB, "#lounge:hearth.test", roomId);
    expect(await e.aliases.resolveAlias("#lounge:hearth.test")).to.deep.equal({ room_id: roomId, servers: ["hearth.test"] });
    expect(await e.aliases.resolveRoomId("#lounge:hearth.test")).to.equal(roomId);
    expect(await e.aliases.getLocalAliases(ALICE, roomId)).to.deep.equal(["#lounge:hearth.test"]);
  });

  it("refuses a taken alias (409), an unknown room (404), a non-member (403), bad or foreign aliases (400)", async function () {
    await e.aliases.setAlias(BOB, "#taken:hearth.test", roomId);
    const taken = await matrixErrorOf(e.aliases.setAlias(ALICE, "#taken:hearth.test", roomId));
    expect([taken.status, taken.errcode]).to.deep.equal([409, ErrCode.Unknown]);
    const unknown = await matrixErrorOf(e.aliases.setAlias(ALICE, "#x:hearth.test", "!nowhere:hearth.test"));
    expect([unknown.status, unknown.errcode]).to.deep.equal([404, ErrCode.NotFound]);
    await expectForbidden(e.aliases.setAlias(CAROL, "#carol:hearth.test", roomId));
    for (const alias of ["lounge", "#no-server", "#x:remote.test"]) {
      expect((await matrixErrorOf(e.aliases.setAlias(ALICE, alias, roomId))).errcode, alias).to.equal(ErrCode.InvalidParam);
    }
    e.admins.add(CAROL);
    await e.aliases.setAlias(CAROL, "#by-admin:hearth.test", roomId);
  });

  it("resolving an unknown alias or another server's is 404, a malformed one 400", async function () {
    expect((await matrixErrorOf(e.aliases.resolveAlias("#none:hearth.test"))).errcode).to.equal(ErrCode.NotFound);
    expect((await matrixErrorOf(e.aliases.resolveAlias("#elsewhere:remote.test"))).errcode).to.equal(ErrCode.NotFound);
    expect((await matrixErrorOf(e.aliases.resolveAlias("none"))).errcode).to.equal(ErrCode.InvalidParam);
    expect(await e.aliases.resolveRoomId("#elsewhere:remote.test")).to.equal(null);
  });

  it("the creator, a room moderator or a server admin may delete an alias; others may not", async function () {
    await e.aliases.setAlias(BOB, "#one:hearth.test", roomId);
    await e.aliases.setAlias(BOB, "#two:hearth.test", roomId);
    await e.aliases.setAlias(BOB, "#three:hearth.test", roomId);
    await e.membership.join(CAROL, roomId);
    await expectForbidden(e.aliases.deleteAlias(CAROL, "#one:hearth.test"));
    await e.aliases.deleteAlias(BOB, "#one:hearth.test"); // creator
    await e.aliases.deleteAlias(ALICE, "#two:hearth.test"); // moderator (the room's creator)
    e.admins.add(CAROL);
    await e.aliases.deleteAlias(CAROL, "#three:hearth.test");
    expect(await e.aliases.getLocalAliases(ALICE, roomId)).to.deep.equal([]);
    expect((await matrixErrorOf(e.aliases.deleteAlias(ALICE, "#one:hearth.test"))).errcode).to.equal(ErrCode.NotFound);
  });

  it("deleting an alias takes it out of the canonical alias event", async function () {
    await e.aliases.setAlias(ALICE, "#main:hearth.test", roomId);
    await e.aliases.setAlias(ALICE, "#alt:hearth.test", roomId);
    await e.events.sendStateEvent(ALICE, roomId, "m.room.canonical_alias", "", { alias: "#main:hearth.test", alt_aliases: ["#alt:hearth.test"] });
    await e.aliases.deleteAlias(ALICE, "#alt:hearth.test");
    expect((await e.persister.getStateEvent(roomId, "m.room.canonical_alias", ""))?.content).to.deep.equal({ alias: "#main:hearth.test", alt_aliases: [] });
    await e.aliases.deleteAlias(ALICE, "#main:hearth.test");
    expect((await e.persister.getStateEvent(roomId, "m.room.canonical_alias", ""))?.content).to.deep.equal({ alt_aliases: [] });
  });

  it("lists local aliases for members and for anyone in a world-readable room", async function () {
    await expectForbidden(e.aliases.getLocalAliases(CAROL, roomId));
    await e.events.sendStateEvent(ALICE, roomId, "m.room.history_visibility", "", { history_visibility: "world_readable" });
    expect(await e.aliases.getLocalAliases(CAROL, roomId)).to.deep.equal([]);
  });

  it("a canonical alias must name aliases that point to the room (M_BAD_ALIAS)", async function () {
    const other = await e.createRoom(ALICE);
    await e.aliases.setAlias(ALICE, "#other:hearth.test", other);
    await e.aliases.setAlias(ALICE, "#here:hearth.test", roomId);
    const contents: JsonObject[] = [{ alias: "#other:hearth.test" }, { alt_aliases: ["#missing:hearth.test"] }, { alias: "#far:remote.test" }];
    for (const content of contents) {
      const err = await matrixErrorOf(e.events.sendStateEvent(ALICE, roomId, "m.room.canonical_alias", "", content));
      expect([err.status, err.errcode], JSON.stringify(content)).to.deep.equal([400, ErrCode.BadAlias]);
    }
    await e.events.sendStateEvent(ALICE, roomId, "m.room.canonical_alias", "", { alias: "#here:hearth.test" });
    // Aliases already in the event are not checked again, even when they no longer point here.
    await e.aliases.deleteAlias(ALICE, "#other:hearth.test");
    await e.aliases.setAlias(ALICE, "#other:hearth.test", roomId);
    await e.events.sendStateEvent(ALICE, roomId, "m.room.canonical_alias", "", { alias: "#here:hearth.test", alt_aliases: ["#other:hearth.test"] });
    await e.aliases.moveAliases(roomId, other);
    await e.events.sendStateEvent(ALICE, roomId, "m.room.canonical_alias", "", { alias: "#here:hearth.test" });
  });

  it("reserves aliases for room creation, and moves a room's aliases to another room", async function () {
    expect(await e.aliases.isAliasAvailable("#fresh:hearth.test")).to.equal(true);
    expect(await e.aliases.reserveAlias("#fresh:hearth.test", roomId, ALICE)).to.equal(true);
    expect(await e.aliases.reserveAlias("#fresh:hearth.test", roomId, BOB)).to.equal(false);
    expect(await e.aliases.isAliasAvailable("#fresh:hearth.test")).to.equal(false);
    const other = await e.createRoom(ALICE);
    expect(await e.aliases.moveAliases(roomId, other)).to.deep.equal(["#fresh:hearth.test"]);
    expect(await e.aliases.resolveRoomId("#fresh:hearth.test")).to.equal(other);
  });
});
