import { expect } from "chai";
import { call } from "../../helpers/accounts.js";
import { describeRooms, enc, expectError, V3 } from "./rooms-fixture.js";

describeRooms("api/client/room-directory", (s) => {
  it("GET (without a token) and PUT the directory visibility; a plain member may not change it", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    const path = `/directory/list/room/${enc(roomId)}`;
    expect((await call(s.hs, "GET", V3 + path)).body).to.deep.equal({ visibility: "private" });
    await s.bob.join(roomId);
    expectError(await s.bob.request("PUT", path, { visibility: "public" }), 403, "M_FORBIDDEN");
    expect((await s.alice.request("PUT", path, {})).status).to.equal(200); // defaults to public
    expect((await call(s.hs, "GET", V3 + path)).body).to.deep.equal({ visibility: "public" });
    expectError(await s.alice.request("PUT", path, { visibility: "secret" }), 400, "M_BAD_JSON");
    expectError(await call(s.hs, "GET", `${V3}/directory/list/room/${enc("!none:hearth.test")}`), 404, "M_NOT_FOUND");
  });

  it("GET /publicRooms lists published rooms without a token; POST filters by term and type", async () => {
    const cooking = await s.alice.createRoom({ visibility: "public", name: "Cooking club", topic: "recipes" });
    const space = await s.alice.createRoom({ visibility: "public", name: "Hobbies", creation_content: { type: "m.space" } });
    const listing = await call(s.hs, "GET", `${V3}/publicRooms?limit=50`);
    const ids = (body: Record<string, unknown>) => (body.chunk as { room_id: string }[]).map((room) => room.room_id);
    expect(ids(listing.body)).to.include.members([cooking, space]);
    const entry = (listing.body.chunk as { room_id: string }[]).find((room) => room.room_id === cooking);
    expect(entry).to.deep.equal({
      room_id: cooking, name: "Cooking club", topic: "recipes", num_joined_members: 1,
      world_readable: false, guest_can_join: false, join_rule: "public",
    });
    const search = await s.bob.request("POST", "/publicRooms", { filter: { generic_search_term: "RECIPE" } });
    expect(ids(search.body)).to.deep.equal([cooking]);
    const spaces = await s.bob.request("POST", "/publicRooms", { filter: { room_types: ["m.space"] } });
    expect(ids(spaces.body)).to.deep.equal([space]);
  });

  it("pages with since tokens; a bad token is 400 M_INVALID_PARAM, another server 404 M_NOT_FOUND", async () => {
    for (const name of ["p1", "p2", "p3"]) await s.alice.createRoom({ visibility: "public", name });
    const first = await call(s.hs, "GET", `${V3}/publicRooms?limit=1`);
    expect(first.body.next_batch).to.be.a("string");
    const second = await call(s.hs, "GET", `${V3}/publicRooms?limit=1&since=${enc(first.body.next_batch as string)}`);
    expect(second.body.prev_batch).to.be.a("string");
    expect(second.body.chunk).to.not.deep.equal(first.body.chunk);
    expectError(await call(s.hs, "GET", `${V3}/publicRooms?since=bogus`), 400, "M_INVALID_PARAM");
    expectError(await call(s.hs, "GET", `${V3}/publicRooms?server=remote.test`), 404, "M_NOT_FOUND");
  });
});
