/**
 * The room engine as app.ts wires it into the other services: deactivating an account makes the
 * user leave their rooms, and a new display name reaches their member events.
 */
import { expect } from "chai";
import { describeRooms, enc } from "./api/client/rooms-fixture.js";

describeRooms("app-rooms: the room engine in the homeserver", (s) => {
  it("a deactivated user leaves their rooms and rejects their invites", async () => {
    const dora = await s.newUser("approoms-dora");
    const joined = await s.alice.createRoom({ preset: "public_chat" });
    const invited = await s.alice.createRoom({ invite: [dora.userId] });
    await dora.join(joined);
    const auth = { type: "m.login.password", identifier: { type: "m.id.user", user: "approoms-dora" }, password: "approoms-dora-password" };
    const deactivated = await dora.request("POST", "/account/deactivate", { auth });
    expect(deactivated.status, JSON.stringify(deactivated.body)).to.equal(200);
    for (const roomId of [joined, invited]) {
      const member = await s.alice.request("GET", `/rooms/${enc(roomId)}/state/m.room.member/${enc(dora.userId)}`);
      expect(member.body.membership).to.equal("leave");
    }
  });

  it("a display name change updates the member event in each joined room", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.bob.join(roomId);
    const path = `/rooms/${enc(roomId)}/state/m.room.member/${enc(s.bob.userId)}`;
    expect((await s.alice.request("GET", path)).body.displayname).to.equal("bob");
    expect((await s.bob.request("PUT", `/profile/${enc(s.bob.userId)}/displayname`, { displayname: "Robert" })).status).to.equal(200);
    expect((await s.alice.request("GET", path)).body).to.deep.equal({ membership: "join", displayname: "Robert" });
  });
});
