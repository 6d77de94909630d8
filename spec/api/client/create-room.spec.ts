import { expect } from "chai";
import { call } from "../../helpers/accounts.js";
import { describeRooms, enc, expectError, V3 } from "./rooms-fixture.js";

describeRooms("api/client/create-room", (s) => {
  it("POST /createRoom makes the room with the request's state, alias and invites", async () => {
    const res = await s.alice.request("POST", "/createRoom", {
      preset: "public_chat",
      name: "Lounge",
      topic: "chat",
      room_alias_name: "create-lounge",
      invite: [s.bob.userId],
      creation_content: { type: "org.example.lounge" },
      room_version: "11",
    });
    expect(res.status).to.equal(200);
    const roomId = res.body.room_id as string;
    expect(roomId).to.match(/^!/);
    expect((await s.alice.request("GET", `/rooms/${enc(roomId)}/state/m.room.name`)).body).to.deep.equal({ name: "Lounge" });
    expect((await s.alice.request("GET", `/rooms/${enc(roomId)}/state/m.room.create`)).body).to.deep.include({ type: "org.example.lounge", room_version: "11" });
    expect((await s.alice.request("GET", `/directory/room/${enc("#create-lounge:hearth.test")}`)).body.room_id).to.equal(roomId);
    expect((await s.bob.request("GET", `/rooms/${enc(roomId)}/state/m.room.member/${enc(s.bob.userId)}`)).status).to.equal(403);
    expect((await s.bob.join(roomId)).status).to.equal(200);
  });

  it("is served at the r0 path too", async () => {
    const res = await call(s.hs, "POST", "/_matrix/client/r0/createRoom", { body: {}, token: s.alice.accessToken });
    expect(res.status).to.equal(200);
  });

  it("refuses a taken alias with 400 M_ROOM_IN_USE, creating nothing", async () => {
    await s.alice.createRoom({ room_alias_name: "create-taken" });
    const before = (await s.bob.request("GET", "/joined_rooms")).body.joined_rooms;
    expectError(await s.bob.request("POST", "/createRoom", { room_alias_name: "create-taken" }), 400, "M_ROOM_IN_USE");
    expect((await s.bob.request("GET", "/joined_rooms")).body.joined_rooms).to.deep.equal(before);
  });

  it("400 M_UNSUPPORTED_ROOM_VERSION, M_BAD_JSON, M_INVALID_PARAM and M_NOT_JSON for bad requests", async () => {
    expectError(await s.alice.request("POST", "/createRoom", { room_version: "999" }), 400, "M_UNSUPPORTED_ROOM_VERSION");
    expectError(await s.alice.request("POST", "/createRoom", { name: 42 }), 400, "M_BAD_JSON");
    expectError(await s.alice.request("POST", "/createRoom", { invite: "@bob:hearth.test" }), 400, "M_BAD_JSON");
    expectError(await s.alice.request("POST", "/createRoom", { visibility: "everyone" }), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("POST", "/createRoom", { invite: ["not-a-user"] }), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("POST", "/createRoom", "{not json"), 400, "M_NOT_JSON");
  });

  it("needs an access token (401 M_MISSING_TOKEN), and guests may not create rooms (403 M_GUEST_ACCESS_FORBIDDEN)", async () => {
    expectError(await call(s.hs, "POST", `${V3}/createRoom`, { body: {} }), 401, "M_MISSING_TOKEN");
    const guest = await s.newGuest();
    expectError(await guest.request("POST", "/createRoom", {}), 403, "M_GUEST_ACCESS_FORBIDDEN");
  });
});
