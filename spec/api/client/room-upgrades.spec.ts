import { expect } from "chai";
import { describeRooms, enc, expectError } from "./rooms-fixture.js";

describeRooms("api/client/room-upgrades", (s) => {
  it("POST /upgrade replaces the room: tombstone in the old one, predecessor in the new one", async () => {
    const roomId = await s.alice.createRoom({ room_version: "11", name: "Before", room_alias_name: "upgrade-me" });
    const res = await s.alice.request("POST", `/rooms/${enc(roomId)}/upgrade`, { new_version: "12" });
    const replacement = res.body.replacement_room as string;
    expect(replacement).to.match(/^!/);
    const tombstone = await s.alice.request("GET", `/rooms/${enc(roomId)}/state/m.room.tombstone`);
    expect(tombstone.body).to.deep.equal({ body: "This room has been replaced", replacement_room: replacement });
    const create = await s.alice.request("GET", `/rooms/${enc(replacement)}/state/m.room.create`);
    expect((create.body.predecessor as { room_id: string }).room_id).to.equal(roomId);
    expect((await s.alice.request("GET", `/rooms/${enc(replacement)}/state/m.room.name`)).body).to.deep.equal({ name: "Before" });
    expect((await s.alice.request("GET", `/directory/room/${enc("#upgrade-me:hearth.test")}`)).body.room_id).to.equal(replacement);
  });

  it("403 M_FORBIDDEN without the power, 400 M_UNSUPPORTED_ROOM_VERSION for an unknown version, 400 M_BAD_JSON without one", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.bob.join(roomId);
    expectError(await s.bob.request("POST", `/rooms/${enc(roomId)}/upgrade`, { new_version: "12" }), 403, "M_FORBIDDEN");
    expectError(await s.alice.request("POST", `/rooms/${enc(roomId)}/upgrade`, { new_version: "0" }), 400, "M_UNSUPPORTED_ROOM_VERSION");
    expectError(await s.alice.request("POST", `/rooms/${enc(roomId)}/upgrade`, {}), 400, "M_BAD_JSON");
  });
});
