import { expect } from "chai";
import { RoomsStore } from "../../../src/storage/stores/rooms-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { describeRooms, enc, expectError } from "./rooms-fixture.js";

describeRooms("api/client/membership", (s) => {
  const member = async (roomId: string, userId: string) =>
    (await s.alice.request("GET", `/rooms/${enc(roomId)}/state/m.room.member/${enc(userId)}`)).body;

  it("invite, then join by room ID; both appear in /joined_rooms", async () => {
    const roomId = await s.alice.createRoom();
    expect((await s.alice.request("POST", `/rooms/${enc(roomId)}/invite`, { user_id: s.bob.userId, reason: "welcome" })).status).to.equal(200);
    expect(await member(roomId, s.bob.userId)).to.deep.include({ membership: "invite", reason: "welcome" });
    const joined = await s.bob.request("POST", `/rooms/${enc(roomId)}/join`, { reason: "hi" });
    expect(joined.body).to.deep.equal({ room_id: roomId });
    expect((await s.bob.request("GET", "/joined_rooms")).body.joined_rooms).to.include(roomId);
  });

  it("joins by alias, with via and server_name accepted", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat", room_alias_name: "membership-alias" });
    const res = await s.bob.request("POST", `/join/${enc("#membership-alias:hearth.test")}?via=hearth.test&server_name=hearth.test&via=other.test`, {});
    expect(res.body).to.deep.equal({ room_id: roomId });
    expect((await s.carol.join(roomId)).body).to.deep.equal({ room_id: roomId });
  });

  it("joining an unknown alias or a room on another server is 404 M_NOT_FOUND; a non-ID is 400 M_INVALID_PARAM", async () => {
    expectError(await s.bob.join("#nowhere:hearth.test"), 404, "M_NOT_FOUND");
    expectError(await s.bob.join("!elsewhere:remote.test"), 404, "M_NOT_FOUND");
    expectError(await s.bob.join("#elsewhere:remote.test"), 404, "M_NOT_FOUND");
    expectError(await s.bob.join("lounge"), 400, "M_INVALID_PARAM");
    expectError(await s.bob.request("POST", `/rooms/${enc("lounge")}/join`, {}), 400, "M_INVALID_PARAM");
  });

  it("joining an invite-only room uninvited is 403 M_FORBIDDEN", async () => {
    const roomId = await s.alice.createRoom();
    expectError(await s.bob.join(roomId), 403, "M_FORBIDDEN");
  });

  it("a room held in an unsupported version is 400 M_INCOMPATIBLE_ROOM_VERSION with the version", async () => {
    const roomId = "!ancient:remote.test";
    const db = s.hs.homeserver.db;
    await runInTransaction(db, (tx) => new RoomsStore(db).insertRoom(tx, { roomId, roomVersion: "org.example.ancient", creator: "", isPublic: false, createdTs: 1 }));
    const res = await s.bob.join(roomId);
    expectError(res, 400, "M_INCOMPATIBLE_ROOM_VERSION");
    expect(res.body.room_version).to.equal("org.example.ancient");
  });

  it("kick: the kicked user can no longer send (403 M_FORBIDDEN); kicking needs power", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.bob.join(roomId);
    await s.carol.join(roomId);
    expectError(await s.bob.request("POST", `/rooms/${enc(roomId)}/kick`, { user_id: s.carol.userId }), 403, "M_FORBIDDEN");
    expect((await s.alice.request("POST", `/rooms/${enc(roomId)}/kick`, { user_id: s.bob.userId, reason: "rude" })).status).to.equal(200);
    expect(await member(roomId, s.bob.userId)).to.deep.equal({ membership: "leave", reason: "rude" });
    expectError(await s.bob.request("PUT", `/rooms/${enc(roomId)}/send/m.room.message/kicked1`, { msgtype: "m.text", body: "hey" }), 403, "M_FORBIDDEN");
    expectError(await s.alice.request("POST", `/rooms/${enc(roomId)}/kick`, { user_id: s.bob.userId }), 403, "M_FORBIDDEN");
  });

  it("ban keeps the user out until unbanned; a missing user_id is 400 M_BAD_JSON", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.bob.join(roomId);
    expect((await s.alice.request("POST", `/rooms/${enc(roomId)}/ban`, { user_id: s.bob.userId, reason: "spam" })).status).to.equal(200);
    expect(await member(roomId, s.bob.userId)).to.deep.equal({ membership: "ban", reason: "spam" });
    expectError(await s.bob.join(roomId), 403, "M_FORBIDDEN");
    expectError(await s.bob.request("POST", `/rooms/${enc(roomId)}/unban`, { user_id: s.bob.userId }), 403, "M_FORBIDDEN");
    expect((await s.alice.request("POST", `/rooms/${enc(roomId)}/unban`, { user_id: s.bob.userId })).status).to.equal(200);
    expect((await s.bob.join(roomId)).status).to.equal(200);
    expectError(await s.alice.request("POST", `/rooms/${enc(roomId)}/ban`, { reason: "who?" }), 400, "M_BAD_JSON");
  });

  it("knock by alias on a knockable room; 403 M_FORBIDDEN where knocking is not set up", async () => {
    const roomId = await s.alice.createRoom({ room_alias_name: "membership-knock", initial_state: [{ type: "m.room.join_rules", content: { join_rule: "knock" } }] });
    const res = await s.bob.request("POST", `/knock/${enc("#membership-knock:hearth.test")}`, { reason: "let me in" });
    expect(res.body).to.deep.equal({ room_id: roomId });
    expect(await member(roomId, s.bob.userId)).to.deep.include({ membership: "knock", reason: "let me in" });
    const closed = await s.alice.createRoom();
    expectError(await s.bob.request("POST", `/knock/${enc(closed)}`, {}), 403, "M_FORBIDDEN");
    expectError(await s.bob.request("POST", `/knock/${enc("#no-such:hearth.test")}`, {}), 404, "M_NOT_FOUND");
  });

  it("leave, then forget: 400 while still joined, 403 for the history afterwards", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.bob.join(roomId);
    expectError(await s.bob.request("POST", `/rooms/${enc(roomId)}/forget`, {}), 400, "M_UNKNOWN");
    expect((await s.bob.request("POST", `/rooms/${enc(roomId)}/leave`, {})).status).to.equal(200);
    expect((await s.bob.request("GET", `/rooms/${enc(roomId)}/messages?dir=b`)).status).to.equal(200);
    expect((await s.bob.request("POST", `/rooms/${enc(roomId)}/forget`, {})).status).to.equal(200);
    expectError(await s.bob.request("GET", `/rooms/${enc(roomId)}/messages?dir=b`), 403, "M_FORBIDDEN");
    expect((await s.bob.request("GET", "/joined_rooms")).body.joined_rooms).to.not.include(roomId);
  });

  it("guests join rooms that allow them (can_join) and no others (403 M_GUEST_ACCESS_FORBIDDEN)", async () => {
    const guest = await s.newGuest();
    const closed = await s.alice.createRoom({ preset: "public_chat" });
    expectError(await guest.join(closed), 403, "M_GUEST_ACCESS_FORBIDDEN");
    const open = await s.alice.createRoom({ preset: "public_chat", initial_state: [{ type: "m.room.guest_access", content: { guest_access: "can_join" } }] });
    expect((await guest.request("POST", `/rooms/${enc(open)}/join`, {})).status).to.equal(200);
    expect((await guest.request("GET", "/joined_rooms")).body.joined_rooms).to.deep.equal([open]);
    expectError(await guest.request("POST", `/rooms/${enc(open)}/invite`, { user_id: s.carol.userId }), 403, "M_GUEST_ACCESS_FORBIDDEN");
    expect((await guest.request("POST", `/rooms/${enc(open)}/leave`, {})).status).to.equal(200);
  });
});
