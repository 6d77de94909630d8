import { expect } from "chai";
import { call } from "../../helpers/accounts.js";
import { describeRooms, enc, expectError, V3 } from "./rooms-fixture.js";

describeRooms("api/client/directory", (s) => {
  const aliasPath = (alias: string) => `/directory/room/${enc(alias)}`;

  it("PUT, GET (without a token) and DELETE an alias; GET /rooms/{roomId}/aliases lists it meanwhile", async () => {
    const roomId = await s.alice.createRoom();
    expect((await s.alice.request("PUT", aliasPath("#dir-one:hearth.test"), { room_id: roomId })).body).to.deep.equal({});
    const resolved = await call(s.hs, "GET", V3 + aliasPath("#dir-one:hearth.test"));
    expect(resolved.body).to.deep.equal({ room_id: roomId, servers: ["hearth.test"] });
    expect((await s.alice.request("GET", `/rooms/${enc(roomId)}/aliases`)).body).to.deep.equal({ aliases: ["#dir-one:hearth.test"] });
    expect((await s.alice.request("DELETE", aliasPath("#dir-one:hearth.test"))).status).to.equal(200);
    expectError(await call(s.hs, "GET", V3 + aliasPath("#dir-one:hearth.test")), 404, "M_NOT_FOUND");
  });

  it("a taken alias is 409; a malformed or foreign one 400 M_INVALID_PARAM; a bad room_id 400 M_BAD_JSON", async () => {
    const roomId = await s.alice.createRoom();
    await s.alice.request("PUT", aliasPath("#dir-taken:hearth.test"), { room_id: roomId });
    expect((await s.alice.request("PUT", aliasPath("#dir-taken:hearth.test"), { room_id: roomId })).status).to.equal(409);
    expectError(await s.alice.request("PUT", aliasPath("dir-bad"), { room_id: roomId }), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("PUT", aliasPath("#dir:remote.test"), { room_id: roomId }), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("GET", aliasPath("dir-bad")), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("PUT", aliasPath("#dir-x:hearth.test"), { room_id: "nope" }), 400, "M_BAD_JSON");
    expectError(await s.alice.request("PUT", aliasPath("#dir-y:hearth.test"), { room_id: "!missing:hearth.test" }), 404, "M_NOT_FOUND");
  });

  it("only members make aliases, and only the creator or a moderator deletes one (403 M_FORBIDDEN)", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    expectError(await s.bob.request("PUT", aliasPath("#dir-bob:hearth.test"), { room_id: roomId }), 403, "M_FORBIDDEN");
    await s.bob.join(roomId);
    await s.carol.join(roomId);
    expect((await s.bob.request("PUT", aliasPath("#dir-bob:hearth.test"), { room_id: roomId })).status).to.equal(200);
    expectError(await s.carol.request("DELETE", aliasPath("#dir-bob:hearth.test")), 403, "M_FORBIDDEN");
    expect((await s.alice.request("DELETE", aliasPath("#dir-bob:hearth.test"))).status).to.equal(200);
    expectError(await s.alice.request("DELETE", aliasPath("#dir-bob:hearth.test")), 404, "M_NOT_FOUND");
  });

  it("GET /rooms/{roomId}/aliases is 403 M_FORBIDDEN for non-members", async () => {
    const roomId = await s.alice.createRoom();
    expectError(await s.bob.request("GET", `/rooms/${enc(roomId)}/aliases`), 403, "M_FORBIDDEN");
  });
});
