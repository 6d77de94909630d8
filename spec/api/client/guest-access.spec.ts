import { expect } from "chai";
import { describeRooms, enc, expectError } from "./rooms-fixture.js";

describeRooms("api/client/guest-access", (s) => {
  it("guests read, send and set state in rooms they joined, and are refused the other room endpoints", async () => {
    const guest = await s.newGuest();
    const roomId = await s.alice.createRoom({ preset: "public_chat", initial_state: [{ type: "m.room.guest_access", content: { guest_access: "can_join" } }] });
    expect((await guest.join(roomId)).status).to.equal(200);
    const eventId = await guest.send(roomId, "hello from a guest");
    await guest.setState(roomId, "m.room.member", guest.userId, { membership: "join", displayname: "Guest" });
    expect((await guest.request("GET", `/rooms/${enc(roomId)}/messages?dir=b`)).status).to.equal(200);
    expect((await guest.request("GET", `/rooms/${enc(roomId)}/state`)).status).to.equal(200);
    expect((await guest.request("GET", `/rooms/${enc(roomId)}/members`)).status).to.equal(200);
    expect((await guest.request("GET", `/rooms/${enc(roomId)}/event/${enc(eventId)}`)).status).to.equal(200);
    expect((await guest.request("GET", `/rooms/${enc(roomId)}/context/${enc(eventId)}`)).status).to.equal(200);

    const refused: Array<[string, string, unknown]> = [
      ["POST", `/rooms/${enc(roomId)}/kick`, { user_id: s.alice.userId }],
      ["POST", `/rooms/${enc(roomId)}/ban`, { user_id: s.alice.userId }],
      ["POST", `/rooms/${enc(roomId)}/unban`, { user_id: s.alice.userId }],
      ["POST", `/rooms/${enc(roomId)}/forget`, {}],
      ["POST", `/knock/${enc(roomId)}`, {}],
      ["PUT", `/rooms/${enc(roomId)}/redact/${enc(eventId)}/g1`, {}],
      ["POST", `/rooms/${enc(roomId)}/upgrade`, { new_version: "12" }],
      ["PUT", `/directory/room/${enc("#guest:hearth.test")}`, { room_id: roomId }],
      ["DELETE", `/directory/room/${enc("#guest:hearth.test")}`, undefined],
      ["PUT", `/directory/list/room/${enc(roomId)}`, { visibility: "public" }],
    ];
    for (const [method, path, body] of refused) expectError(await guest.request(method, path, body), 403, "M_GUEST_ACCESS_FORBIDDEN");
  });
});
