import { expect } from "chai";
import { ErrCode } from "../../../src/matrix/errors.js";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { expectForbidden, matrixErrorOf } from "./room-services-fixture.js";
import { ALICE, BOB, CAROL, DAN, makeRoomEngine, type RoomEngine } from "./room-engine-fixture.js";

withAllDatabases("RoomUpgradeService", function (getDb) {
  let e: RoomEngine;
  beforeEach(function () {
    e = makeRoomEngine(getDb());
  });

  const content = async (roomId: string, type: string, stateKey = ""): Promise<JsonObject | undefined> =>
    (await e.persister.getStateEvent(roomId, type, stateKey))?.content;

  it("replaces the room: predecessor and type, state, power levels, aliases, directory, bans, tombstone", async function () {
    const old = await e.createRoom(ALICE, {
      room_version: "10",
      visibility: "public",
      name: "Old",
      topic: "the topic",
      room_alias_name: "club",
      creation_content: { type: "org.example.club" },
      power_level_content_override: { users: { [ALICE]: 100, [BOB]: 50 } },
    });
    await e.membership.join(BOB, old);
    await e.membership.ban(ALICE, old, DAN, "spam");
    const lastEvent = (await e.persister.getForwardExtremities(old))[0];

    const replacement = await e.upgrade.upgradeRoom(ALICE, old, "11");
    expect(await e.persister.getRoomVersion(replacement)).to.have.property("id", "11");
    const create = await e.persister.getStateEvent(replacement, "m.room.create", "");
    expect(create?.sender).to.equal(ALICE);
    expect(create?.content).to.deep.include({ type: "org.example.club", predecessor: { room_id: old, event_id: lastEvent }, room_version: "11" });
    expect(await content(replacement, "m.room.name")).to.deep.equal({ name: "Old" });
    expect((await content(replacement, "m.room.topic"))?.topic).to.equal("the topic");
    expect(await content(replacement, "m.room.join_rules")).to.deep.equal({ join_rule: "public" });
    expect((await content(replacement, "m.room.power_levels"))?.users).to.deep.equal({ [ALICE]: 100, [BOB]: 50 });
    expect(await content(replacement, "m.room.member", DAN)).to.deep.equal({ membership: "ban", reason: "spam" });
    expect((await content(replacement, "m.room.member", BOB))).to.equal(undefined);
    expect(await content(replacement, "m.room.canonical_alias")).to.deep.equal({ alias: "#club:hearth.test" });

    expect(await e.aliases.resolveRoomId("#club:hearth.test")).to.equal(replacement);
    expect(await e.directory.getVisibility(replacement)).to.equal("public");
    expect(await e.directory.getVisibility(old)).to.equal("private");
    expect(await content(old, "m.room.tombstone")).to.deep.equal({ body: "This room has been replaced", replacement_room: replacement });
    expect(await content(old, "m.room.canonical_alias")).to.deep.equal({});
    const oldLevels = await content(old, "m.room.power_levels");
    expect([oldLevels?.events_default, oldLevels?.invite]).to.deep.equal([50, 50]);
    // The old room is quiet now: Bob (level 50) may still talk, a plain member no longer may.
    await e.say(BOB, old, "still here");
    await e.membership.join(CAROL, old);
    await expectForbidden(e.events.sendMessage(CAROL, old, "m.room.message", { body: "hello?" }));
  });

  it("into a version with privileged creators, the creators leave the power levels' users", async function () {
    const old = await e.createRoom(ALICE, { room_version: "11", preset: "public_chat", power_level_content_override: { users: { [ALICE]: 100, [BOB]: 75 } } });
    const replacement = await e.upgrade.upgradeRoom(ALICE, old, "12", [CAROL]);
    expect((await content(replacement, "m.room.create"))?.additional_creators).to.deep.equal([CAROL]);
    expect((await content(replacement, "m.room.power_levels"))?.users).to.deep.equal({ [BOB]: 75 });
  });

  it("needs the power to send m.room.tombstone (403 M_FORBIDDEN), a supported version and a known room", async function () {
    const room = await e.createRoom(ALICE, { preset: "public_chat" });
    await e.membership.join(BOB, room);
    await expectForbidden(e.upgrade.upgradeRoom(BOB, room, "12"));
    await expectForbidden(e.upgrade.upgradeRoom(CAROL, room, "12"));
    const unsupported = await matrixErrorOf(e.upgrade.upgradeRoom(ALICE, room, "999"));
    expect([unsupported.status, unsupported.errcode]).to.deep.equal([400, ErrCode.UnsupportedRoomVersion]);
    expect((await matrixErrorOf(e.upgrade.upgradeRoom(ALICE, "!gone:hearth.test", "12"))).errcode).to.equal(ErrCode.NotFound);
    expect(await content(room, "m.room.tombstone")).to.equal(undefined);
  });
});
