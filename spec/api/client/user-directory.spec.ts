import { expect } from "chai";
import { describeRooms, expectError } from "./rooms-fixture.js";

describeRooms("api/client/user-directory", (s) => {
  it("finds users who share a room with the searcher, with `limited` when truncated", async () => {
    const roomId = await s.alice.createRoom({ invite: [s.bob.userId] });
    await s.bob.join(roomId);
    const dora = await s.newUser("udir-dora");
    const edna = await s.newUser("udir-edna");
    const shared = await s.alice.createRoom({ preset: "public_chat" });
    await dora.join(shared);
    await edna.join(shared);
    const res = await s.alice.request("POST", "/user_directory/search", { search_term: "bob" });
    expect(res.body).to.deep.equal({ results: [{ user_id: s.bob.userId, display_name: "bob" }], limited: false });
    const udir = await s.carol.request("POST", "/user_directory/search", { search_term: "udir", limit: 1 });
    expect(udir.body.limited).to.equal(true);
    expect((udir.body.results as unknown[]).length).to.equal(1);
    // Carol shares no room with Bob, and his room is private.
    expect((await s.carol.request("POST", "/user_directory/search", { search_term: "bob" })).body.results).to.deep.equal([]);
  });

  it("needs search_term (400 M_BAD_JSON) and refuses guests (403 M_GUEST_ACCESS_FORBIDDEN)", async () => {
    expectError(await s.alice.request("POST", "/user_directory/search", {}), 400, "M_BAD_JSON");
    const guest = await s.newGuest();
    expectError(await guest.request("POST", "/user_directory/search", { search_term: "a" }), 403, "M_GUEST_ACCESS_FORBIDDEN");
  });
});
