import { expect } from "chai";
import { ErrCode, MatrixError } from "../../../src/matrix/errors.js";
import { stateMapKey } from "../../../src/room/state-map.js";
import { checkCreateRoomRequest, type CreateRoomRequest } from "../../../src/services/rooms/room-creation-request.js";

const CREATOR = "@alice:hearth.test";
const SERVER = "hearth.test";

function check(req: unknown, defaultVersion = "12") {
  return checkCreateRoomRequest(CREATOR, req as CreateRoomRequest, SERVER, defaultVersion);
}

function errorOf(req: unknown): MatrixError {
  try {
    check(req);
  } catch (err) {
    if (err instanceof MatrixError) return err;
    throw err;
  }
  throw new Error("expected a MatrixError");
}

describe("checkCreateRoomRequest", function () {
  it("applies the defaults: the server's room version, private visibility, private_chat", function () {
    const checked = check({}, "10");
    expect(checked.rules.id).to.equal("10");
    expect(checked.visibility).to.equal("private");
    expect(checked.preset).to.equal("private_chat");
    expect(checked.alias).to.equal(null);
    expect(checked.invitees).to.deep.equal([]);
    expect(checked.isDirect).to.equal(false);
    expect(checked.powerLevelOverride).to.equal(null);
  });

  it("derives public_chat from visibility public, and keeps an explicit preset", function () {
    expect(check({ visibility: "public" }).preset).to.equal("public_chat");
    expect(check({ visibility: "public", preset: "private_chat" }).preset).to.equal("private_chat");
    expect(check({ preset: "trusted_private_chat" }).preset).to.equal("trusted_private_chat");
  });

  it("refuses an unknown room version with M_UNSUPPORTED_ROOM_VERSION", function () {
    const err = errorOf({ room_version: "13" });
    expect(err.status).to.equal(400);
    expect(err.errcode).to.equal(ErrCode.UnsupportedRoomVersion);
    expect(errorOf({ room_version: "org.example.custom" }).errcode).to.equal(ErrCode.UnsupportedRoomVersion);
  });

  it("refuses wrongly typed fields with M_BAD_JSON", function () {
    for (const req of [
      null,
      [],
      { name: 5 },
      { topic: {} },
      { invite: "@bob:hearth.test" },
      { creation_content: [] },
      { initial_state: {} },
      { initial_state: [{ type: "m.room.name" }] },
      { initial_state: [{ type: "m.room.name", state_key: 3, content: {} }] },
      { power_level_content_override: "x" },
      { is_direct: "yes" },
      { room_version: 12 },
      { invite_3pid: {} },
    ]) {
      const err = errorOf(req);
      expect(err.errcode, JSON.stringify(req)).to.equal(ErrCode.BadJson);
      expect(err.status).to.equal(400);
    }
  });

  it("refuses unusable values with M_INVALID_PARAM", function () {
    for (const req of [
      { visibility: "hidden" },
      { preset: "secret_chat" },
      { invite: ["bob"] },
      { invite: [CREATOR] },
      { room_alias_name: "a:b" },
      { room_alias_name: "" },
      { room_alias_name: "x".repeat(250) },
      { initial_state: [{ type: "m.room.create", content: {} }] },
      { creation_content: { additional_creators: ["not-a-user"] } },
    ]) {
      expect(errorOf(req).errcode, JSON.stringify(req)).to.equal(ErrCode.InvalidParam);
    }
  });

  it("refuses a non-empty invite_3pid clearly, and accepts an empty one", function () {
    const err = errorOf({ invite_3pid: [{ id_server: "id.test", id_access_token: "t", medium: "email", address: "a@b.test" }] });
    expect(err.errcode).to.equal(ErrCode.InvalidParam);
    expect(err.message).to.match(/invite_3pid is not supported/);
    expect(check({ invite_3pid: [] }).invitees).to.deep.equal([]);
  });

  it("makes the full alias on this server from room_alias_name", function () {
    expect(check({ room_alias_name: "lounge" }).alias).to.equal("#lounge:hearth.test");
  });

  it("deduplicates invitees in order", function () {
    expect(check({ invite: ["@bob:hearth.test", "@carol:other.test", "@bob:hearth.test"] }).invitees).to.deep.equal([
      "@bob:hearth.test",
      "@carol:other.test",
    ]);
  });

  it("drops creator and room_version from creation_content, keeping the rest (type, m.federate)", function () {
    const creationContent = { creator: "@mallory:evil.test", room_version: "1", type: "m.space", "m.federate": false };
    const checked = check({ creation_content: creationContent });
    expect(checked.creationContent).to.deep.equal({ type: "m.space", "m.federate": false });
    expect(creationContent.creator).to.equal("@mallory:evil.test");
  });

  it("v12: deduplicates additional_creators and drops the creator from them", function () {
    const checked = check({ creation_content: { additional_creators: ["@bob:b.test", CREATOR, "@bob:b.test"] } });
    expect(checked.creationContent.additional_creators).to.deep.equal(["@bob:b.test"]);
  });

  it("before v12, additional_creators is an ordinary key and is not checked", function () {
    const checked = check({ room_version: "11", creation_content: { additional_creators: "anything" } });
    expect(checked.creationContent.additional_creators).to.equal("anything");
  });

  it("keys initial_state by type and state key (default \"\"); a later entry replaces an earlier one", function () {
    const checked = check({
      initial_state: [
        { type: "m.room.topic", content: { topic: "first" } },
        { type: "org.example", state_key: "k", content: { a: 1 } },
        { type: "m.room.topic", state_key: "", content: { topic: "second" } },
      ],
    });
    expect([...checked.initialState.keys()]).to.deep.equal([stateMapKey("org.example", "k"), stateMapKey("m.room.topic", "")]);
    expect(checked.initialState.get(stateMapKey("m.room.topic", ""))?.content).to.deep.equal({ topic: "second" });
  });
});
