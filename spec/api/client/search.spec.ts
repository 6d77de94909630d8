import { expect } from "chai";
import { describeRooms, enc, expectError, type RoomClient } from "./rooms-fixture.js";

interface Result {
  rank: number;
  result: { event_id: string; room_id: string; sender: string; type: string; content: { body?: string; name?: string } };
  context?: {
    start?: string;
    end?: string;
    events_before: Array<{ content: { body?: string } }>;
    events_after: Array<{ content: { body?: string } }>;
    profile_info?: Record<string, { displayname?: string }>;
  };
}

interface RoomEvents {
  count: number;
  highlights: string[];
  results: Result[];
  next_batch?: string;
  groups?: Record<string, Record<string, { order: number; results: string[] }>>;
  state?: Record<string, Array<{ type: string }>>;
}

describeRooms("api/client/search", (s) => {
  /** POST /search with `room_events` criteria; fails the test unless 200. */
  async function search(client: RoomClient, criteria: Record<string, unknown>, nextBatch?: string, version = "v3"): Promise<RoomEvents> {
    const query = nextBatch === undefined ? "" : `?next_batch=${enc(nextBatch)}`;
    const res = await client.request("POST", `/_matrix/client/${version}/search${query}`, { search_categories: { room_events: criteria } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return (res.body.search_categories as { room_events: RoomEvents }).room_events;
  }
  const bodies = (r: RoomEvents) => r.results.map((x) => x.result.content.body);

  it("finds a message just sent, in client format, on v3 and r0, with highlights", async () => {
    const roomId = await s.alice.createRoom();
    const eventId = await s.alice.send(roomId, "the Quokka jumped");
    const found = await search(s.alice, { search_term: "quokka" });
    expect(found.results.map((r) => r.result.event_id)).to.deep.equal([eventId]);
    expect(found.results[0]!.result).to.include({ room_id: roomId, sender: s.alice.userId, type: "m.room.message" });
    expect(found.results[0]!.rank).to.be.a("number");
    expect(found.count).to.equal(1);
    expect(found.highlights).to.deep.equal(["quokka"]);
    expect((await search(s.alice, { search_term: "QUOK" }, undefined, "r0")).results).to.have.length(1);
  });

  it("keys: content.name and content.topic are searched by default, and `keys` narrows", async () => {
    const roomId = await s.alice.createRoom({ name: "Wombat lair", topic: "wombat topics" });
    await s.alice.send(roomId, "a wombat message");
    expect((await search(s.alice, { search_term: "wombat" })).results).to.have.length(3);
    const names = await search(s.alice, { search_term: "wombat", keys: ["content.name"] });
    expect(names.results.map((r) => r.result.type)).to.deep.equal(["m.room.name"]);
    const bodiesOnly = await search(s.alice, { search_term: "wombat", keys: ["content.body"] });
    expect(bodies(bodiesOnly)).to.deep.equal(["a wombat message"]);
  });

  it("filter: rooms, not_rooms, senders, not_senders, types", async () => {
    const one = await s.alice.createRoom({ preset: "public_chat" });
    const two = await s.alice.createRoom();
    await s.bob.join(one);
    await s.alice.send(one, "platypus from alice");
    await s.bob.send(one, "platypus from bob");
    await s.alice.send(two, "platypus elsewhere");
    const term = { search_term: "platypus", order_by: "recent" };
    expect(bodies(await search(s.alice, { ...term, filter: { rooms: [two] } }))).to.deep.equal(["platypus elsewhere"]);
    expect(bodies(await search(s.alice, { ...term, filter: { not_rooms: [two] } }))).to.deep.equal(["platypus from bob", "platypus from alice"]);
    expect(bodies(await search(s.alice, { ...term, filter: { senders: [s.bob.userId] } }))).to.deep.equal(["platypus from bob"]);
    expect(bodies(await search(s.alice, { ...term, filter: { not_senders: [s.bob.userId] } }))).to.deep.equal(["platypus elsewhere", "platypus from alice"]);
    const topics = await search(s.alice, { ...term, filter: { types: ["m.room.topic"] } });
    expect({ count: topics.count, results: topics.results }).to.deep.equal({ count: 3, results: [] });
  });

  it("order_by rank puts the better match first; recent the newest", async () => {
    const roomId = await s.alice.createRoom();
    await s.alice.send(roomId, "echidna echidna echidna");
    await s.alice.send(roomId, "one echidna among many other words in a long sentence here");
    expect(bodies(await search(s.alice, { search_term: "echidna", order_by: "rank" }))[0]).to.equal("echidna echidna echidna");
    expect(bodies(await search(s.alice, { search_term: "echidna", order_by: "recent" }))[0]).to.match(/^one echidna/);
  });

  for (const order of ["recent", "rank"]) {
    it(`pages through next_batch (order_by ${order}) until none is left`, async () => {
      const roomId = await s.alice.createRoom();
      for (let i = 0; i < 5; i++) await s.alice.send(roomId, `kookaburra ${i}`);
      const seen: string[] = [];
      let batch: string | undefined;
      for (let pages = 0; pages < 5; pages++) {
        const page = await search(s.alice, { search_term: "kookaburra", order_by: order, filter: { limit: 2, rooms: [roomId] } }, batch);
        expect(page.results.length).to.be.at.most(2);
        seen.push(...bodies(page).map(String));
        batch = page.next_batch;
        if (batch === undefined) break;
      }
      expect(batch).to.equal(undefined);
      expect([...seen].sort()).to.deep.equal(["kookaburra 0", "kookaburra 1", "kookaburra 2", "kookaburra 3", "kookaburra 4"]);
      if (order === "recent") expect(seen).to.deep.equal(["kookaburra 4", "kookaburra 3", "kookaburra 2", "kookaburra 1", "kookaburra 0"]);
    });
  }

  it("a next_batch of the other order or not ours is 400 M_INVALID_PARAM; a bad filter 400 M_BAD_JSON", async () => {
    const body = (criteria: Record<string, unknown>) => ({ search_categories: { room_events: criteria } });
    expectError(await s.alice.request("POST", "/search?next_batch=garbage", body({ search_term: "x" })), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("POST", "/search?next_batch=b10", body({ search_term: "x", order_by: "rank" })), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("POST", "/search", body({ search_term: "x", filter: { senders: "nope" } })), 400, "M_BAD_JSON");
    expectError(await s.alice.request("POST", "/search", body({ keys: ["content.body"] })), 400, "M_BAD_JSON");
  });

  it("event_context: events before and after, with the senders' profiles", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.bob.join(roomId);
    await s.bob.request("PUT", `/profile/${enc(s.bob.userId)}/displayname`, { displayname: "Bobby" });
    await s.alice.send(roomId, "before two");
    await s.bob.send(roomId, "before one");
    await s.alice.send(roomId, "the bilby result");
    await s.bob.send(roomId, "after one");
    await s.alice.send(roomId, "after two");
    const found = await search(s.alice, { search_term: "bilby", event_context: { before_limit: 1, after_limit: 2, include_profile: true } });
    const context = found.results[0]!.context!;
    expect(context.events_before.map((e) => e.content.body)).to.deep.equal(["before one"]);
    expect(context.events_after.map((e) => e.content.body)).to.deep.equal(["after one", "after two"]);
    expect(context.start).to.be.a("string");
    expect(context.end).to.be.a("string");
    expect(context.profile_info?.[s.bob.userId]?.displayname).to.equal("Bobby");
    expect(context.profile_info).to.have.property(s.alice.userId);
    const withoutProfiles = await search(s.alice, { search_term: "bilby", event_context: {} });
    expect(withoutProfiles.results[0]!.context).to.not.have.property("profile_info");
    expect(withoutProfiles.results[0]!.context!.events_before).to.have.length(5);
  });

  it("groupings by room_id and sender, and include_state", async () => {
    const one = await s.alice.createRoom({ preset: "public_chat", name: "numbat room" });
    const two = await s.alice.createRoom();
    await s.bob.join(one);
    const a = await s.alice.send(one, "numbat a");
    const b = await s.bob.send(one, "numbat b");
    const c = await s.alice.send(two, "numbat c");
    const found = await search(s.alice, {
      search_term: "numbat",
      keys: ["content.body"],
      order_by: "recent",
      include_state: true,
      groupings: { group_by: [{ key: "room_id" }, { key: "sender" }] },
    });
    expect(found.groups?.room_id).to.deep.equal({ [two]: { order: 1, results: [c] }, [one]: { order: 2, results: [b, a] } });
    expect(found.groups?.sender).to.deep.equal({ [s.alice.userId]: { order: 1, results: [c, a] }, [s.bob.userId]: { order: 2, results: [b] } });
    expect(Object.keys(found.state ?? {}).sort()).to.deep.equal([one, two].sort());
    expect(found.state![one]!.map((e) => e.type)).to.include.members(["m.room.create", "m.room.name", "m.room.member"]);
    expect(await search(s.alice, { search_term: "numbat" })).to.not.have.any.keys("groups", "state");
  });

  it("finds nothing in rooms never joined, nor what was sent after the user left", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.alice.send(roomId, "dingo before carol");
    expect((await search(s.carol, { search_term: "dingo" })).results).to.deep.equal([]);
    await s.carol.join(roomId);
    await s.alice.send(roomId, "dingo while carol is here");
    expect(bodies(await search(s.carol, { search_term: "dingo", order_by: "recent" }))).to.deep.equal(["dingo while carol is here", "dingo before carol"]);
    const invited = await s.alice.createRoom({ initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "joined" } }], preset: "public_chat" });
    await s.alice.send(invited, "dingo hidden by joined visibility");
    await s.carol.join(invited);
    expect(bodies(await search(s.carol, { search_term: "dingo", filter: { rooms: [invited] } }))).to.deep.equal([]);
    const left = await s.alice.createRoom({ preset: "public_chat" });
    await s.carol.join(left);
    await s.carol.request("POST", `/rooms/${enc(left)}/leave`, {});
    await s.alice.send(left, "dingo after carol left");
    expect(bodies(await search(s.carol, { search_term: "dingo", filter: { rooms: [left] } }))).to.deep.equal([]);
    expect(bodies(await search(s.alice, { search_term: "dingo", filter: { rooms: [left] } }))).to.deep.equal(["dingo after carol left"]);
  });

  it("a redacted event is no longer found", async () => {
    const roomId = await s.alice.createRoom();
    const eventId = await s.alice.send(roomId, "wallaby secret");
    await s.alice.send(roomId, "wallaby public");
    expect((await search(s.alice, { search_term: "wallaby" })).results).to.have.length(2);
    const redact = await s.alice.request("PUT", `/rooms/${enc(roomId)}/redact/${enc(eventId)}/r1`, {});
    expect(redact.status).to.equal(200);
    const found = await search(s.alice, { search_term: "wallaby" });
    expect(bodies(found)).to.deep.equal(["wallaby public"]);
    expect(found.count).to.equal(1);
  });

  it("a term without words finds nothing; no room_events category answers an empty one", async () => {
    expect((await search(s.alice, { search_term: "?! ** \"" })).results).to.deep.equal([]);
    const res = await s.alice.request("POST", "/search", { search_categories: {} });
    expect(res.body).to.deep.equal({ search_categories: {} });
  });
});
