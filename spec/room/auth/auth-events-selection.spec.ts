import { expect } from "chai";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { selectAuthEventKeys } from "../../../src/room/auth/auth-events-selection.js";
import { getRoomVersion, type RoomVersionRules } from "../../../src/room/room-versions.js";
import { stateMapKey } from "../../../src/room/state-map.js";

function rules(id: string): RoomVersionRules {
  const found = getRoomVersion(id);
  if (found === null) throw new Error(`missing ${id}`);
  return found;
}

const A = "@a:x.test";
const B = "@b:y.test";
const CREATE = stateMapKey("m.room.create", "");
const POWER = stateMapKey("m.room.power_levels", "");
const JOIN_RULES = stateMapKey("m.room.join_rules", "");
const member = (user: string): string => stateMapKey("m.room.member", user);

function select(version: string, type: string, stateKey: string | undefined, sender: string, content: JsonObject): string[] {
  return selectAuthEventKeys(type, stateKey, sender, content, rules(version)).sort();
}

describe("selectAuthEventKeys", () => {
  it("selects nothing for the create event", () => {
    for (const version of ["1", "11", "12"]) expect(select(version, "m.room.create", "", A, {})).to.deep.equal([]);
  });

  it("selects create (not in v12), power levels and the sender's membership for other events", () => {
    expect(select("11", "m.room.message", undefined, A, {})).to.deep.equal([CREATE, POWER, member(A)].sort());
    expect(select("1", "m.room.topic", "", A, {})).to.deep.equal([CREATE, POWER, member(A)].sort());
    expect(select("12", "m.room.message", undefined, A, {})).to.deep.equal([POWER, member(A)].sort());
  });

  it("adds the target's membership, and join rules for join, invite and knock", () => {
    for (const membership of ["join", "invite", "knock"]) {
      expect(select("10", "m.room.member", B, A, { membership }), membership).to.deep.equal([CREATE, POWER, member(A), member(B), JOIN_RULES].sort());
    }
    for (const membership of ["leave", "ban"]) {
      expect(select("10", "m.room.member", B, A, { membership }), membership).to.deep.equal([CREATE, POWER, member(A), member(B)].sort());
    }
  });

  it("does not repeat the sender's membership when sender and target are the same", () => {
    expect(select("12", "m.room.member", A, A, { membership: "join" })).to.deep.equal([POWER, member(A), JOIN_RULES].sort());
  });

  it("adds the m.room.third_party_invite for the signed token of a third-party invite", () => {
    const content = { membership: "invite", third_party_invite: { signed: { mxid: B, token: "tok" } } };
    expect(select("10", "m.room.member", B, A, content)).to.include(stateMapKey("m.room.third_party_invite", "tok"));
    expect(select("10", "m.room.member", B, A, { membership: "invite", third_party_invite: { signed: { mxid: B } } })).to.have.length(5);
    expect(select("10", "m.room.member", B, A, { membership: "invite", third_party_invite: "x" })).to.have.length(5);
    expect(select("10", "m.room.member", B, B, { membership: "join", third_party_invite: { signed: { token: "tok" } } })).to.not.include(
      stateMapKey("m.room.third_party_invite", "tok"),
    );
  });

  it("adds the authorising user's membership for restricted joins, in versions that have them", () => {
    const content = { membership: "join", join_authorised_via_users_server: "@c:z.test" };
    expect(select("8", "m.room.member", B, B, content)).to.include(member("@c:z.test"));
    expect(select("12", "m.room.member", B, B, content)).to.include(member("@c:z.test"));
    expect(select("7", "m.room.member", B, B, content)).to.not.include(member("@c:z.test"));
    expect(select("10", "m.room.member", B, B, { ...content, membership: "leave" })).to.not.include(member("@c:z.test"));
  });

  it("ignores membership content on other event types", () => {
    expect(select("10", "m.custom", B, A, { membership: "join" })).to.deep.equal([CREATE, POWER, member(A)].sort());
  });
});
