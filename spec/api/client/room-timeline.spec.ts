import { expect } from "chai";
import { describeRooms, enc, expectError } from "./rooms-fixture.js";

interface Event {
  event_id: string;
  type: string;
  sender: string;
  state_key?: string;
  content: { body?: string };
}

const bodies = (events: unknown) => (events as Event[]).filter((e) => e.type === "m.room.message").map((e) => e.content.body);

describeRooms("api/client/room-timeline", (s) => {
  it("GET /messages pages back to the room's creation without `from`, and forwards from a token", async () => {
    const roomId = await s.alice.createRoom();
    for (const body of ["one", "two", "three"]) await s.alice.send(roomId, body);
    const path = `/rooms/${enc(roomId)}/messages`;
    const newest = await s.alice.request("GET", `${path}?dir=b&limit=2`);
    expect(bodies(newest.body.chunk)).to.deep.equal(["three", "two"]);
    const rest = await s.alice.request("GET", `${path}?dir=b&limit=100&from=${enc(newest.body.end as string)}`);
    expect(bodies(rest.body.chunk)).to.deep.equal(["one"]);
    expect((rest.body.chunk as Event[]).at(-1)?.type).to.equal("m.room.create");
    expect(rest.body).to.not.have.property("end");
    const forwards = await s.alice.request("GET", `${path}?dir=f&limit=2&from=${enc(newest.body.end as string)}`);
    expect(bodies(forwards.body.chunk)).to.deep.equal(["two", "three"]);
    expect(forwards.body.start).to.equal(newest.body.end);
  });

  it("applies a JSON filter, lazy-loading the senders' member events", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.bob.join(roomId);
    await s.bob.send(roomId, "bob here");
    await s.alice.send(roomId, "alice here");
    const filter = JSON.stringify({ senders: [s.bob.userId], lazy_load_members: true, types: ["m.room.message"] });
    const res = await s.alice.request("GET", `/rooms/${enc(roomId)}/messages?dir=b&filter=${enc(filter)}`);
    expect(bodies(res.body.chunk)).to.deep.equal(["bob here"]);
    expect((res.body.state as Event[]).map((e) => e.state_key)).to.deep.equal([s.bob.userId]);
  });

  it("bad parameters: no dir 400 M_MISSING_PARAM; a bad dir, token or filter JSON 400 M_INVALID_PARAM; a bad filter field 400 M_BAD_JSON", async () => {
    const roomId = await s.alice.createRoom();
    const path = `/rooms/${enc(roomId)}/messages`;
    expectError(await s.alice.request("GET", path), 400, "M_MISSING_PARAM");
    expectError(await s.alice.request("GET", `${path}?dir=sideways`), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("GET", `${path}?dir=b&from=garbage`), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("GET", `${path}?dir=b&limit=many`), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("GET", `${path}?dir=b&filter=${enc("{oops")}`), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("GET", `${path}?dir=b&filter=${enc(JSON.stringify({ types: "m.room.message" }))}`), 400, "M_BAD_JSON");
  });

  it("leaves an ignored user's events out of /messages and /context, but not their state events", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat", power_level_content_override: { state_default: 0 } });
    await s.bob.join(roomId);
    await s.carol.join(roomId);
    const ignore = await s.carol.request("PUT", `/user/${enc(s.carol.userId)}/account_data/m.ignored_user_list`, { ignored_users: { [s.bob.userId]: {} } });
    expect(ignore.status).to.equal(200);
    const first = await s.alice.send(roomId, "before");
    await s.bob.send(roomId, "from bob");
    const topic = await s.bob.setState(roomId, "org.example.note", "", { note: "bob's" });
    const last = await s.alice.send(roomId, "after");
    const messages = (await s.carol.request("GET", `/rooms/${enc(roomId)}/messages?dir=b&limit=100`)).body.chunk as Event[];
    expect(bodies(messages)).to.deep.equal(["after", "before"]);
    expect(messages.map((e) => e.event_id)).to.include(topic);
    const context = (await s.carol.request("GET", `/rooms/${enc(roomId)}/context/${enc(last)}?limit=10`)).body;
    expect(bodies(context.events_before)).to.deep.equal(["before"]);
    expect((context.events_before as Event[]).map((e) => e.event_id)).to.include(topic);
    // Whoever ignores nobody sees everything.
    const alices = (await s.alice.request("GET", `/rooms/${enc(roomId)}/context/${enc(first)}?limit=10`)).body;
    expect(bodies(alices.events_after)).to.deep.equal(["from bob", "after"]);
  });

  it("non-members get 403 M_FORBIDDEN for /messages", async () => {
    const roomId = await s.alice.createRoom();
    expectError(await s.bob.request("GET", `/rooms/${enc(roomId)}/messages?dir=b`), 403, "M_FORBIDDEN");
  });

  it("GET /context returns the event with its neighbours and the state", async () => {
    const roomId = await s.alice.createRoom();
    const ids: string[] = [];
    for (const body of ["a", "b", "c", "d", "e"]) ids.push(await s.alice.send(roomId, body));
    const res = await s.alice.request("GET", `/rooms/${enc(roomId)}/context/${enc(ids[2]!)}?limit=2`);
    expect((res.body.event as Event).content.body).to.equal("c");
    expect(bodies(res.body.events_before)).to.deep.equal(["b"]);
    expect(bodies(res.body.events_after)).to.deep.equal(["d"]);
    expect((res.body.state as Event[]).map((e) => e.type)).to.include("m.room.create");
    const after = await s.alice.request("GET", `/rooms/${enc(roomId)}/messages?dir=f&from=${enc(res.body.end as string)}`);
    expect(bodies(after.body.chunk)).to.deep.equal(["e"]);
    expectError(await s.alice.request("GET", `/rooms/${enc(roomId)}/context/${enc("$missing")}`), 404, "M_NOT_FOUND");
  });

  it("GET /event: the event for those who may see it, 404 M_NOT_FOUND otherwise", async () => {
    const roomId = await s.alice.createRoom();
    const eventId = await s.alice.send(roomId, "just us");
    const res = await s.alice.request("GET", `/rooms/${enc(roomId)}/event/${enc(eventId)}`);
    expect(res.body).to.deep.include({ event_id: eventId, room_id: roomId, sender: s.alice.userId, type: "m.room.message" });
    expectError(await s.bob.request("GET", `/rooms/${enc(roomId)}/event/${enc(eventId)}`), 404, "M_NOT_FOUND");
  });

  it("GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event", async () => {
    const roomId = await s.alice.createRoom();
    const eventId = await s.alice.send(roomId, "now");
    const event = (await s.alice.request("GET", `/rooms/${enc(roomId)}/event/${enc(eventId)}`)).body as { origin_server_ts: number };
    const path = `/_matrix/client/v1/rooms/${enc(roomId)}/timestamp_to_event`;
    const found = await s.alice.request("GET", `${path}?ts=${event.origin_server_ts}&dir=b`);
    expect(found.body).to.deep.equal({ event_id: eventId, origin_server_ts: event.origin_server_ts });
    expectError(await s.alice.request("GET", `${path}?ts=${event.origin_server_ts + 60_000}&dir=f`), 404, "M_NOT_FOUND");
    expectError(await s.alice.request("GET", `${path}?dir=f`), 400, "M_MISSING_PARAM");
  });
});
