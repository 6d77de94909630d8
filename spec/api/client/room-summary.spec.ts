import { expect } from "chai";
import { call } from "../../helpers/accounts.js";
import { describeRooms, enc, expectError } from "./rooms-fixture.js";

const V1 = "/_matrix/client/v1";
const path = (roomIdOrAlias: string, query = "") => `${V1}/room_summary/${enc(roomIdOrAlias)}${query}`;

describeRooms("api/client/room-summary", (s) => {
  it("summarises a joined room with the caller's membership (the private_chat preset lets guests join)", async () => {
    const roomId = await s.alice.createRoom({
      name: "Joined",
      topic: "members only",
      initial_state: [{ type: "m.room.encryption", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
    });
    const response = await s.alice.request("GET", path(roomId, "?via=hearth.test"));
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(response.body).to.deep.equal({
      room_id: roomId, name: "Joined", topic: "members only", num_joined_members: 1, world_readable: false, guest_can_join: true,
      join_rule: "invite", encryption: "m.megolm.v1.aes-sha2", room_version: "12", membership: "join",
    });
  });

  it("summarises a public room for anyone: without a token no membership, with one 'leave', for a guest too", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat", name: "Open", creation_content: { type: "m.space" } });
    const anonymous = await call(s.hs, "GET", path(roomId));
    expect(anonymous.status, JSON.stringify(anonymous.body)).to.equal(200);
    expect(anonymous.body).to.deep.include({ room_id: roomId, name: "Open", join_rule: "public", room_type: "m.space", num_joined_members: 1 });
    expect(anonymous.body).to.not.have.property("membership");
    expect((await s.bob.request("GET", path(roomId))).body).to.deep.include({ room_id: roomId, membership: "leave" });
    expect((await (await s.newGuest()).request("GET", path(roomId))).body).to.deep.include({ room_id: roomId, membership: "leave" });
  });

  it("refuses a private room to others (404 M_NOT_FOUND, as for an unknown room) but not to the invited", async () => {
    const roomId = await s.alice.createRoom({ preset: "private_chat", name: "Secret" });
    expectError(await s.bob.request("GET", path(roomId)), 404, "M_NOT_FOUND");
    expectError(await call(s.hs, "GET", path(roomId)), 404, "M_NOT_FOUND");
    expectError(await s.bob.request("GET", path("!nowhere:hearth.test")), 404, "M_NOT_FOUND");
    await s.alice.request("POST", `/rooms/${enc(roomId)}/invite`, { user_id: s.bob.userId });
    expect((await s.bob.request("GET", path(roomId))).body).to.deep.include({ room_id: roomId, name: "Secret", membership: "invite" });
  });

  it("resolves a room alias; an unknown alias is 404, a malformed target 400", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat", room_alias_name: "summarised" });
    const response = await call(s.hs, "GET", path("#summarised:hearth.test"));
    expect(response.body).to.deep.include({ room_id: roomId, canonical_alias: "#summarised:hearth.test" });
    expectError(await call(s.hs, "GET", path("#nothing:hearth.test")), 404, "M_NOT_FOUND");
    expectError(await call(s.hs, "GET", path("nonsense")), 400, "M_INVALID_PARAM");
  });
});
