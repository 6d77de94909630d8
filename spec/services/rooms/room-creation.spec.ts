import { expect } from "chai";
import { ErrCode } from "../../../src/matrix/errors.js";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { getUserPowerLevel } from "../../../src/room/auth/power-levels.js";
import { ROOM_VERSIONS } from "../../../src/room/room-versions.js";
import { parseStateMapKey } from "../../../src/room/state-map.js";
import { loadPowerState } from "../../../src/services/rooms/room-auth-state.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, BOB, CAROL, makeRoomServices, matrixErrorOf, REMOTE, type RoomServices } from "./room-services-fixture.js";

withAllDatabases("RoomCreationService", function (getDb) {
  let s: RoomServices;
  beforeEach(function () {
    s = makeRoomServices(getDb());
  });

  async function content(roomId: string, type: string, stateKey = ""): Promise<JsonObject | undefined> {
    return (await s.persister.getStateEvent(roomId, type, stateKey))?.content;
  }

  /** The current state's keys, as `type` or `type/stateKey`. */
  async function stateTypes(roomId: string): Promise<string[]> {
    return [...(await s.persister.getCurrentState(roomId)).keys()].map((key) => {
      const { type, stateKey } = parseStateMapKey(key);
      return stateKey === "" ? type : `${type}/${stateKey}`;
    });
  }

  /** The room's events oldest first, following the single prev event back from the extremity. */
  async function timeline(roomId: string): Promise<string[]> {
    const types: string[] = [];
    let [eventId] = await s.persister.getForwardExtremities(roomId);
    while (eventId !== undefined) {
      const pdu = await s.persister.getEvent(eventId);
      if (pdu === null) throw new Error(`missing ${eventId}`);
      types.unshift(pdu.stateKey === undefined || pdu.stateKey === "" ? pdu.type : `${pdu.type}/${pdu.stateKey}`);
      eventId = pdu.prevEventIds[0];
    }
    return types;
  }

  it("sends the spec's events in the spec's order", async function () {
    const roomId = await s.createRoom(ALICE, {
      room_alias_name: "lounge",
      name: "Lounge",
      topic: "Tea",
      invite: [BOB],
      initial_state: [{ type: "m.room.encryption", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
    });
    expect(await timeline(roomId)).to.deep.equal([
      "m.room.create",
      `m.room.member/${ALICE}`,
      "m.room.power_levels",
      "m.room.canonical_alias",
      "m.room.join_rules",
      "m.room.history_visibility",
      "m.room.guest_access",
      "m.room.encryption",
      "m.room.name",
      "m.room.topic",
      `m.room.member/${BOB}`,
    ]);
    expect(await content(roomId, "m.room.name")).to.deep.equal({ name: "Lounge" });
    expect(await content(roomId, "m.room.topic")).to.deep.equal({
      topic: "Tea",
      "m.topic": { "m.text": [{ mimetype: "text/plain", body: "Tea" }] },
    });
  });

  it("private_chat (the default): invite only, shared history, guests can join, anyone may invite", async function () {
    const roomId = await s.createRoom(ALICE);
    expect(await content(roomId, "m.room.join_rules")).to.deep.equal({ join_rule: "invite" });
    expect(await content(roomId, "m.room.history_visibility")).to.deep.equal({ history_visibility: "shared" });
    expect(await content(roomId, "m.room.guest_access")).to.deep.equal({ guest_access: "can_join" });
    const powerLevels = await content(roomId, "m.room.power_levels");
    expect(powerLevels).to.include({ invite: 0, state_default: 50, events_default: 0, users_default: 0, kick: 50, ban: 50, redact: 50 });
    expect(powerLevels?.users).to.deep.equal({});
    expect(s.directory.size).to.equal(0);
  });

  it("public_chat: public join rule, shared history, guests forbidden", async function () {
    const roomId = await s.createRoom(ALICE, { preset: "public_chat" });
    expect(await content(roomId, "m.room.join_rules")).to.deep.equal({ join_rule: "public" });
    expect(await content(roomId, "m.room.history_visibility")).to.deep.equal({ history_visibility: "shared" });
    expect(await content(roomId, "m.room.guest_access")).to.deep.equal({ guest_access: "forbidden" });
    expect((await content(roomId, "m.room.power_levels"))?.invite).to.equal(50);
  });

  it("visibility public: public_chat by default and published in the directory", async function () {
    const roomId = await s.createRoom(ALICE, { visibility: "public" });
    expect(await content(roomId, "m.room.join_rules")).to.deep.equal({ join_rule: "public" });
    expect(s.directory.get(roomId)).to.equal("public");
  });

  it("trusted_private_chat before v12: invitees get the creator's level 100", async function () {
    const roomId = await s.createRoom(ALICE, { room_version: "11", preset: "trusted_private_chat", invite: [BOB] });
    expect(await content(roomId, "m.room.join_rules")).to.deep.equal({ join_rule: "invite" });
    expect(await content(roomId, "m.room.guest_access")).to.deep.equal({ guest_access: "can_join" });
    expect((await content(roomId, "m.room.power_levels"))?.users).to.deep.equal({ [ALICE]: 100, [BOB]: 100 });
  });

  it("v12 trusted_private_chat: invitees become additional creators with infinite power", async function () {
    const roomId = await s.createRoom(ALICE, { preset: "trusted_private_chat", invite: [BOB] });
    expect((await content(roomId, "m.room.create"))?.additional_creators).to.deep.equal([BOB]);
    expect((await content(roomId, "m.room.power_levels"))?.users).to.deep.equal({});
    const create = await s.persister.getStateEvent(roomId, "m.room.create", "");
    const rules = create!.rules;
    const state = await loadPowerState(s.persister, roomId);
    expect(getUserPowerLevel(BOB, state, rules)).to.equal(Infinity);
    expect(getUserPowerLevel(CAROL, state, rules)).to.equal(0);
  });

  it("v12: the creator is not listed in users, the tombstone needs 150, additional_creators are creators", async function () {
    const roomId = await s.createRoom(ALICE, { creation_content: { additional_creators: [CAROL] } });
    const create = await s.persister.getStateEvent(roomId, "m.room.create", "");
    expect(create?.sender).to.equal(ALICE);
    expect(create?.content).to.deep.equal({ room_version: "12", additional_creators: [CAROL] });
    expect(roomId).to.equal("!" + create!.eventId.slice(1));
    const powerLevels = await content(roomId, "m.room.power_levels");
    expect(powerLevels?.users).to.deep.equal({});
    expect((powerLevels?.events as JsonObject)["m.room.tombstone"]).to.equal(150);
    const state = await loadPowerState(s.persister, roomId);
    expect(getUserPowerLevel(CAROL, state, create!.rules)).to.equal(Infinity);
  });

  it("v12: refuses power levels that name a creator, before creating anything", async function () {
    const err = await matrixErrorOf(s.creation.createRoom(ALICE, { power_level_content_override: { users: { [ALICE]: 100 } } }));
    expect(err.status).to.equal(400);
    expect(err.errcode).to.equal(ErrCode.InvalidParam);
  });

  it("before v12: the creator is listed at 100, the tombstone at 100; v1–v10 name the creator in m.room.create", async function () {
    const roomId = await s.createRoom(ALICE, { room_version: "10" });
    expect(roomId).to.match(/^![A-Za-z0-9]+:hearth\.test$/);
    expect(await content(roomId, "m.room.create")).to.deep.equal({ room_version: "10", creator: ALICE });
    const powerLevels = await content(roomId, "m.room.power_levels");
    expect(powerLevels?.users).to.deep.equal({ [ALICE]: 100 });
    expect((powerLevels?.events as JsonObject)["m.room.tombstone"]).to.equal(100);
  });

  it("applies power_level_content_override on top of the defaults", async function () {
    const roomId = await s.createRoom(ALICE, { room_version: "11", power_level_content_override: { kick: 0, users: { [ALICE]: 100, [BOB]: 50 } } });
    const powerLevels = await content(roomId, "m.room.power_levels");
    expect(powerLevels).to.include({ kick: 0, ban: 50 });
    expect(powerLevels?.users).to.deep.equal({ [ALICE]: 100, [BOB]: 50 });
  });

  it("before v12, an override that leaves the creator powerless still creates the room, with the requested levels last", async function () {
    const roomId = await s.createRoom(ALICE, {
      room_version: "9",
      name: "n",
      power_level_content_override: { users: { [BOB]: 100 } },
    });
    expect(await content(roomId, "m.room.name")).to.deep.equal({ name: "n" });
    expect((await content(roomId, "m.room.power_levels"))?.users).to.deep.equal({ [BOB]: 100 });
    const types = await timeline(roomId);
    expect(types.at(-1)).to.equal("m.room.power_levels");
    expect(types.filter((type) => type === "m.room.power_levels")).to.have.length(2);
  });

  it("initial_state wins over the preset's events; name and topic win over initial_state", async function () {
    const roomId = await s.createRoom(ALICE, {
      preset: "public_chat",
      name: "Given name",
      initial_state: [
        { type: "m.room.join_rules", content: { join_rule: "knock" } },
        { type: "m.room.history_visibility", content: { history_visibility: "world_readable" } },
        { type: "m.room.name", content: { name: "Initial name" } },
        { type: "org.example.custom", state_key: "k", content: { v: 1 } },
      ],
    });
    expect(await content(roomId, "m.room.join_rules")).to.deep.equal({ join_rule: "knock" });
    expect(await content(roomId, "m.room.history_visibility")).to.deep.equal({ history_visibility: "world_readable" });
    expect(await content(roomId, "m.room.guest_access")).to.deep.equal({ guest_access: "forbidden" });
    expect(await content(roomId, "m.room.name")).to.deep.equal({ name: "Given name" });
    expect(await content(roomId, "org.example.custom", "k")).to.deep.equal({ v: 1 });
    expect((await timeline(roomId)).filter((type) => type === "m.room.name")).to.have.length(1);
  });

  it("an m.room.power_levels in initial_state replaces the default power levels", async function () {
    const roomId = await s.createRoom(ALICE, {
      initial_state: [{ type: "m.room.power_levels", content: { users_default: 10, state_default: 20, events: {} } }],
    });
    expect(await content(roomId, "m.room.power_levels")).to.deep.equal({ users_default: 10, state_default: 20, events: {} });
    expect((await timeline(roomId)).filter((type) => type === "m.room.power_levels")).to.have.length(1);
  });

  it("initial_state the creator may not set: M_INVALID_ROOM_STATE", async function () {
    const err = await matrixErrorOf(
      s.creation.createRoom(ALICE, { initial_state: [{ type: "m.room.member", state_key: BOB, content: { membership: "join" } }] }),
    );
    expect(err.status).to.equal(400);
    expect(err.errcode).to.equal(ErrCode.InvalidRoomState);
  });

  it("keeps creation_content (room type, m.federate) and overwrites creator and room_version", async function () {
    const roomId = await s.createRoom(ALICE, {
      room_version: "10",
      creation_content: { type: "m.space", "m.federate": false, creator: BOB, room_version: "1" },
    });
    expect(await content(roomId, "m.room.create")).to.deep.equal({ type: "m.space", "m.federate": false, creator: ALICE, room_version: "10" });
  });

  it("the creator's join carries their profile", async function () {
    s.profiles.set(ALICE, { displayname: "Alice", avatar_url: "mxc://hearth.test/a" });
    const roomId = await s.createRoom(ALICE);
    expect(await content(roomId, "m.room.member", ALICE)).to.deep.equal({
      membership: "join",
      displayname: "Alice",
      avatar_url: "mxc://hearth.test/a",
    });
  });

  it("invites with is_direct, the invitee's profile and stripped state", async function () {
    s.profiles.set(BOB, { displayname: "Bob" });
    const roomId = await s.createRoom(ALICE, { invite: [BOB, REMOTE], is_direct: true, name: "DM" });
    expect(await content(roomId, "m.room.member", BOB)).to.deep.equal({ membership: "invite", displayname: "Bob", is_direct: true });
    expect(await content(roomId, "m.room.member", REMOTE)).to.deep.equal({ membership: "invite", is_direct: true });
    const invite = await s.persister.getStateEvent(roomId, "m.room.member", BOB);
    const stripped = invite?.json.unsigned?.invite_room_state as JsonObject[];
    expect(stripped.map((event) => event.type)).to.deep.equal(["m.room.create", "m.room.name", "m.room.join_rules"]);
    expect(stripped[0]).to.have.keys(["sender", "type", "state_key", "content"]);
  });

  it("without is_direct, invites carry no is_direct flag", async function () {
    const roomId = await s.createRoom(ALICE, { invite: [BOB] });
    expect(await content(roomId, "m.room.member", BOB)).to.deep.equal({ membership: "invite" });
  });

  it("reserves room_alias_name as the canonical alias and returns it", async function () {
    const result = await s.creation.createRoom(ALICE, { room_alias_name: "lounge" });
    expect(result).to.deep.equal({ room_id: result.room_id, room_alias: "#lounge:hearth.test" });
    expect(s.aliases.get("#lounge:hearth.test")).to.equal(result.room_id);
    expect(await content(result.room_id, "m.room.canonical_alias")).to.deep.equal({ alias: "#lounge:hearth.test" });
  });

  it("a taken alias is M_ROOM_IN_USE and creates no room", async function () {
    s.aliases.set("#lounge:hearth.test", "!other:hearth.test");
    const err = await matrixErrorOf(s.creation.createRoom(ALICE, { room_alias_name: "lounge", room_version: "10" }));
    expect(err.status).to.equal(400);
    expect(err.errcode).to.equal(ErrCode.RoomInUse);
    const rooms = await getDb().query("SELECT room_id FROM rooms");
    expect(rooms).to.have.length(0);
  });

  it("an unknown room version is M_UNSUPPORTED_ROOM_VERSION", async function () {
    const err = await matrixErrorOf(s.creation.createRoom(ALICE, { room_version: "99" }));
    expect(err.status).to.equal(400);
    expect(err.errcode).to.equal(ErrCode.UnsupportedRoomVersion);
  });

  it("a non-empty invite_3pid is refused before anything is created", async function () {
    const err = await matrixErrorOf(
      s.creation.createRoom(ALICE, { invite_3pid: [{ id_server: "id.test", id_access_token: "t", medium: "email", address: "b@b.test" }] }),
    );
    expect(err.errcode).to.equal(ErrCode.InvalidParam);
    expect(await getDb().query("SELECT room_id FROM rooms")).to.have.length(0);
  });

  describe("every stable room version", function () {
    for (const version of ROOM_VERSIONS.keys()) {
      it(`v${version}: can be created, joined and messaged`, async function () {
        const roomId = await s.createRoom(ALICE, { room_version: version, preset: "public_chat", name: `v${version}` });
        expect((await s.persister.getRoomVersion(roomId))?.id).to.equal(version);
        await s.membership.join(BOB, roomId);
        const eventId = await s.events.sendMessage(BOB, roomId, "m.room.message", { msgtype: "m.text", body: "hi" });
        expect((await s.persister.getEvent(eventId))?.content.body).to.equal("hi");
        expect(await stateTypes(roomId)).to.include(`m.room.member/${BOB}`);
      });
    }
  });
});
