import { expect } from "chai";
import { describeRooms, enc, expectError, type RoomClient } from "./rooms-fixture.js";

const V1 = "/_matrix/client/v1";

interface Event {
  event_id: string;
  type: string;
  sender: string;
  content: Record<string, unknown>;
  unsigned?: Record<string, unknown> & { "m.relations"?: Record<string, Record<string, unknown>> };
}

const ids = (chunk: unknown) => (chunk as Event[]).map((e) => e.event_id);
const thread = (root: string, body: string) => ({ msgtype: "m.text", body, "m.relates_to": { rel_type: "m.thread", event_id: root } });
const reaction = (target: string, key: string) => ({ "m.relates_to": { rel_type: "m.annotation", event_id: target, key } });
const edit = (target: string, body: string) => ({
  msgtype: "m.text",
  body: `* ${body}`,
  "m.new_content": { msgtype: "m.text", body },
  "m.relates_to": { rel_type: "m.replace", event_id: target },
});
let redactions = 0;

async function redact(client: RoomClient, roomId: string, eventId: string): Promise<void> {
  const res = await client.request("PUT", `/rooms/${enc(roomId)}/redact/${enc(eventId)}/r${++redactions}`, {});
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
}

describeRooms("api/client/relations", (s) => {
  const relations = (client: RoomClient, roomId: string, eventId: string, rest = "") =>
    client.request("GET", `${V1}/rooms/${enc(roomId)}/relations/${enc(eventId)}${rest}`);

  it("GET /relations pages backwards (default) and forwards with next_batch and prev_batch tokens", async () => {
    const roomId = await s.alice.createRoom();
    const root = await s.alice.send(roomId, "root");
    const replies: string[] = [];
    for (let i = 0; i < 5; i++) replies.push(await s.alice.send(roomId, thread(root, `reply ${i}`)));
    await s.alice.send(roomId, "unrelated");

    const first = await relations(s.alice, roomId, root, "?limit=2");
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(ids(first.body.chunk)).to.deep.equal([replies[4], replies[3]]);
    expect(first.body).to.not.have.property("prev_batch");
    const second = await relations(s.alice, roomId, root, `?limit=2&from=${enc(first.body.next_batch as string)}`);
    expect(ids(second.body.chunk)).to.deep.equal([replies[2], replies[1]]);
    expect(second.body.prev_batch).to.equal(first.body.next_batch);
    const last = await relations(s.alice, roomId, root, `?limit=2&from=${enc(second.body.next_batch as string)}`);
    expect(ids(last.body.chunk)).to.deep.equal([replies[0]]);
    expect(last.body).to.not.have.property("next_batch");

    const forwards = await relations(s.alice, roomId, root, "?dir=f&limit=3");
    expect(ids(forwards.body.chunk)).to.deep.equal(replies.slice(0, 3));
    const more = await relations(s.alice, roomId, root, `?dir=f&limit=3&from=${enc(forwards.body.next_batch as string)}`);
    expect(ids(more.body.chunk)).to.deep.equal(replies.slice(3));
    expect(more.body).to.not.have.property("next_batch");
    // `to` stops a page: from page 1's start to page 2's end is pages 1 and 2.
    const range = await relations(s.alice, roomId, root, `?limit=10&to=${enc(second.body.next_batch as string)}`);
    expect(ids(range.body.chunk)).to.deep.equal([replies[4], replies[3], replies[2], replies[1]]);
  });

  it("filters by relation type and by relation and event type", async () => {
    const roomId = await s.alice.createRoom();
    const root = await s.alice.send(roomId, "root");
    const reply = await s.alice.send(roomId, thread(root, "in thread"));
    const like = await s.alice.send(roomId, reaction(root, "👍"), "m.reaction");
    const sticker = await s.alice.send(roomId, { body: "s", url: "mxc://x/y", info: {}, "m.relates_to": { rel_type: "m.annotation", event_id: root, key: "s" } }, "m.sticker");

    expect(ids((await relations(s.alice, roomId, root)).body.chunk)).to.deep.equal([sticker, like, reply]);
    expect(ids((await relations(s.alice, roomId, root, "/m.thread")).body.chunk)).to.deep.equal([reply]);
    expect(ids((await relations(s.alice, roomId, root, "/m.annotation")).body.chunk)).to.deep.equal([sticker, like]);
    expect(ids((await relations(s.alice, roomId, root, "/m.annotation/m.reaction")).body.chunk)).to.deep.equal([like]);
    expect(ids((await relations(s.alice, roomId, root, "/m.replace")).body.chunk)).to.deep.equal([]);
  });

  it("recurse=true follows relations of relations and reports recursion_depth", async () => {
    const roomId = await s.alice.createRoom();
    const root = await s.alice.send(roomId, "root");
    const reply = await s.alice.send(roomId, thread(root, "reply"));
    const like = await s.alice.send(roomId, reaction(reply, "👍"), "m.reaction");
    const likeOfLike = await s.alice.send(roomId, reaction(like, "🔁"), "m.reaction");

    const direct = await relations(s.alice, roomId, root);
    expect(ids(direct.body.chunk)).to.deep.equal([reply]);
    expect(direct.body).to.not.have.property("recursion_depth");
    const recursive = await relations(s.alice, roomId, root, "?recurse=true");
    expect(ids(recursive.body.chunk)).to.deep.equal([likeOfLike, like, reply]);
    expect(recursive.body.recursion_depth).to.equal(3);
    const filtered = await relations(s.alice, roomId, root, "/m.annotation?recurse=true");
    expect(ids(filtered.body.chunk)).to.deep.equal([likeOfLike, like]);
    const notRecursive = await relations(s.alice, roomId, root, "?recurse=false");
    expect(ids(notRecursive.body.chunk)).to.deep.equal([reply]);
    expect(notRecursive.body.recursion_depth).to.equal(1);
  });

  it("refuses users who cannot see the parent: 403 outside the room, 404 for history before a `joined` join or an unknown event", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat", initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "joined" } }] });
    const root = await s.alice.send(roomId, "before carol");
    await s.alice.send(roomId, thread(root, "also before"));
    expectError(await relations(s.carol, roomId, root), 403, "M_FORBIDDEN");
    expect((await s.carol.join(roomId)).status).to.equal(200);
    expectError(await relations(s.carol, roomId, root), 404, "M_NOT_FOUND");
    expectError(await relations(s.alice, roomId, "$nope"), 404, "M_NOT_FOUND");
    // Children sent after carol joined are hers to see, those before are not.
    const later = await s.carol.send(roomId, "after carol");
    const reply = await s.alice.send(roomId, thread(later, "reply"));
    expect(ids((await relations(s.carol, roomId, later)).body.chunk)).to.deep.equal([reply]);
  });

  it("bad tokens and limits are 400 M_INVALID_PARAM", async () => {
    const roomId = await s.alice.createRoom();
    const root = await s.alice.send(roomId, "root");
    expectError(await relations(s.alice, roomId, root, "?from=garbage"), 400, "M_INVALID_PARAM");
    expectError(await relations(s.alice, roomId, root, "?to=garbage"), 400, "M_INVALID_PARAM");
    expectError(await relations(s.alice, roomId, root, "?limit=-1"), 400, "M_INVALID_PARAM");
    expectError(await relations(s.alice, roomId, root, "?limit=lots"), 400, "M_INVALID_PARAM");
    expectError(await relations(s.alice, roomId, root, "?dir=up"), 400, "M_INVALID_PARAM");
    const threads = `${V1}/rooms/${enc(roomId)}/threads`;
    expectError(await s.alice.request("GET", `${threads}?from=garbage`), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("GET", `${threads}?limit=0`), 400, "M_INVALID_PARAM");
    expectError(await s.alice.request("GET", `${threads}?include=some`), 400, "M_INVALID_PARAM");
  });

  it("a redacted event is no longer a relation", async () => {
    const roomId = await s.alice.createRoom();
    const root = await s.alice.send(roomId, "root");
    const like = await s.alice.send(roomId, reaction(root, "👍"), "m.reaction");
    const reply = await s.alice.send(roomId, thread(root, "reply"));
    expect(ids((await relations(s.alice, roomId, root)).body.chunk)).to.deep.equal([reply, like]);
    await redact(s.alice, roomId, like);
    expect(ids((await relations(s.alice, roomId, root)).body.chunk)).to.deep.equal([reply]);
    await redact(s.alice, roomId, reply);
    expect(ids((await relations(s.alice, roomId, root)).body.chunk)).to.deep.equal([]);
    const threads = await s.alice.request("GET", `${V1}/rooms/${enc(roomId)}/threads`);
    expect(threads.body.chunk).to.deep.equal([]);
  });

  it("GET /threads lists roots by latest activity, pages with next_batch, and filters participated threads", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.bob.join(roomId);
    const a = await s.alice.send(roomId, "thread a");
    const b = await s.alice.send(roomId, "thread b");
    const c = await s.bob.send(roomId, "thread c");
    await s.bob.send(roomId, "no thread");
    await s.alice.send(roomId, thread(a, "a1"));
    await s.bob.send(roomId, thread(c, "c1"));
    await s.bob.send(roomId, thread(b, "b1"));
    await s.bob.send(roomId, thread(a, "a2"));
    const path = `${V1}/rooms/${enc(roomId)}/threads`;

    const all = await s.alice.request("GET", path);
    expect(all.status, JSON.stringify(all.body)).to.equal(200);
    expect(ids(all.body.chunk)).to.deep.equal([a, b, c]);
    expect(all.body).to.not.have.property("next_batch");
    const bundle = (all.body.chunk as Event[])[0]!.unsigned?.["m.relations"]?.["m.thread"];
    expect(bundle).to.include({ count: 2, current_user_participated: true });
    expect((bundle?.latest_event as Event).content.body).to.equal("a2");

    const page1 = await s.alice.request("GET", `${path}?limit=2`);
    expect(ids(page1.body.chunk)).to.deep.equal([a, b]);
    const page2 = await s.alice.request("GET", `${path}?limit=2&from=${enc(page1.body.next_batch as string)}`);
    expect(ids(page2.body.chunk)).to.deep.equal([c]);
    expect(page2.body).to.not.have.property("next_batch");

    // alice started a and b; she never took part in c (bob's, with bob's reply).
    expect(ids((await s.alice.request("GET", `${path}?include=participated`)).body.chunk)).to.deep.equal([a, b]);
    expect(ids((await s.bob.request("GET", `${path}?include=participated`)).body.chunk)).to.deep.equal([a, b, c]);
    expectError(await s.carol.request("GET", path), 403, "M_FORBIDDEN");
  });

  it("bundles m.thread, m.replace (same sender, latest valid edit) and m.reference in /messages, /event, /context and /relations", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    await s.bob.join(roomId);
    await s.carol.join(roomId);
    const root = await s.alice.send(roomId, "root");
    await s.alice.send(roomId, thread(root, "first"));
    const latest = await s.bob.send(roomId, thread(root, "second"));
    const latestEdit = await s.bob.send(roomId, edit(latest, "second, edited"));
    const original = await s.alice.send(roomId, "tpyo");
    await s.alice.send(roomId, edit(original, "typo?"));
    const fixed = await s.alice.send(roomId, edit(original, "typo"));
    await s.bob.send(roomId, edit(original, "not bob's to edit"));
    await s.alice.send(roomId, { ...edit(original, "no new content"), "m.new_content": undefined });
    const ref = await s.bob.send(roomId, { body: "see", "m.relates_to": { rel_type: "m.reference", event_id: original } }, "m.notice");

    const messages = await s.carol.request("GET", `/rooms/${enc(roomId)}/messages?dir=b&limit=50`);
    expect(messages.status).to.equal(200);
    const byId = new Map((messages.body.chunk as Event[]).map((e) => [e.event_id, e]));
    const threadBundle = byId.get(root)?.unsigned?.["m.relations"]?.["m.thread"];
    expect(threadBundle).to.include({ count: 2, current_user_participated: false });
    const latestEvent = threadBundle?.latest_event as Event;
    expect(latestEvent.event_id).to.equal(latest);
    expect(latestEvent.unsigned?.["m.relations"]?.["m.replace"]?.event_id).to.equal(latestEdit);
    const relationsOfOriginal = byId.get(original)?.unsigned?.["m.relations"];
    expect(relationsOfOriginal?.["m.replace"]?.event_id).to.equal(fixed);
    expect(relationsOfOriginal?.["m.reference"]).to.deep.equal({ chunk: [{ event_id: ref }] });
    // Original content intact.
    expect(byId.get(original)?.content.body).to.equal("tpyo");

    const event = await s.alice.request("GET", `/rooms/${enc(roomId)}/event/${enc(root)}`);
    expect((event.body as unknown as Event).unsigned?.["m.relations"]?.["m.thread"]).to.include({ count: 2, current_user_participated: true });
    const context = await s.bob.request("GET", `/rooms/${enc(roomId)}/context/${enc(original)}?limit=4`);
    expect((context.body.event as Event).unsigned?.["m.relations"]?.["m.replace"]?.event_id).to.equal(fixed);
    const children = await relations(s.alice, roomId, root, "/m.thread");
    const child = (children.body.chunk as Event[]).find((e) => e.event_id === latest);
    expect(child?.unsigned?.["m.relations"]?.["m.replace"]?.event_id).to.equal(latestEdit);

    // Redacting the latest edit falls back to the one before; redacting the original drops m.replace.
    await redact(s.alice, roomId, fixed);
    const afterEditRedacted = await s.alice.request("GET", `/rooms/${enc(roomId)}/event/${enc(original)}`);
    const fallback = (afterEditRedacted.body as unknown as Event).unsigned?.["m.relations"]?.["m.replace"] as unknown as Event;
    expect(fallback.content["m.new_content"]).to.deep.equal({ msgtype: "m.text", body: "typo?" });
    await redact(s.alice, roomId, original);
    const redacted = await s.alice.request("GET", `/rooms/${enc(roomId)}/event/${enc(original)}`);
    const redactedRelations = (redacted.body as unknown as Event).unsigned?.["m.relations"];
    expect(redactedRelations).to.not.have.property("m.replace");
    expect(redactedRelations?.["m.reference"]).to.deep.equal({ chunk: [{ event_id: ref }] });
  });

  it("leaves children and threads of ignored users out of bundles, /relations and /threads", async () => {
    const dave = await s.newUser("relations-ignorer");
    const roomId = await s.alice.createRoom({ preset: "public_chat" });
    for (const user of [s.bob, dave]) expect((await user.join(roomId)).status).to.equal(200);
    const root = await s.alice.send(roomId, "root");
    const fromAlice = await s.alice.send(roomId, thread(root, "alice's reply"));
    const fromBob = await s.bob.send(roomId, thread(root, "bob's reply"));
    await s.bob.send(roomId, { body: "see", "m.relates_to": { rel_type: "m.reference", event_id: root } });
    const bobsRoot = await s.bob.send(roomId, "bob's root");
    await s.alice.send(roomId, thread(bobsRoot, "alice answers bob"));
    const onlyBob = await s.alice.send(roomId, "only bob replies");
    await s.bob.send(roomId, thread(onlyBob, "bob alone"));
    const ignore = await dave.request("PUT", `/user/${enc(dave.userId)}/account_data/m.ignored_user_list`, { ignored_users: { [s.bob.userId]: {} } });
    expect(ignore.status).to.equal(200);

    const bundles = async (user: RoomClient, eventId: string) =>
      (await user.request("GET", `/rooms/${enc(roomId)}/event/${enc(eventId)}`)).body.unsigned as Event["unsigned"];
    const seen = (await bundles(dave, root))?.["m.relations"];
    expect(seen?.["m.thread"]).to.include({ count: 1, current_user_participated: false });
    expect((seen?.["m.thread"]?.latest_event as Event).event_id).to.equal(fromAlice);
    expect(seen).to.not.have.property("m.reference");
    expect((await bundles(dave, onlyBob))?.["m.relations"]).to.equal(undefined);
    // Alice ignores no one: bob's events count for her.
    const hers = (await bundles(s.alice, root))?.["m.relations"];
    expect(hers?.["m.thread"]).to.include({ count: 2 });
    expect((hers?.["m.thread"]?.latest_event as Event).event_id).to.equal(fromBob);

    expect(ids((await relations(dave, roomId, root)).body.chunk)).to.deep.equal([fromAlice]);
    expect(ids((await relations(s.alice, roomId, root, "/m.thread")).body.chunk)).to.deep.equal([fromBob, fromAlice]);
    const threads = (user: RoomClient) => user.request("GET", `${V1}/rooms/${enc(roomId)}/threads`);
    expect(ids((await threads(dave)).body.chunk)).to.deep.equal([onlyBob, root]);
    expect(ids((await threads(s.alice)).body.chunk)).to.deep.equal([onlyBob, bobsRoot, root]);
  });

  it("bundles only events the user may see: no thread or edit sent after they left a `joined` room", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat", initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "joined" } }] });
    const dave = await s.newUser("relations-leaver");
    expect((await dave.join(roomId)).status).to.equal(200);
    const root = await s.alice.send(roomId, "root");
    const early = await s.alice.send(roomId, thread(root, "while dave is here"));
    const original = await s.alice.send(roomId, "original");
    const seenEdit = await s.alice.send(roomId, edit(original, "edited while dave is here"));
    expect((await dave.request("POST", `/rooms/${enc(roomId)}/leave`, {})).status).to.equal(200);
    const late = await s.alice.send(roomId, thread(root, "after dave left"));
    await s.alice.send(roomId, edit(original, "edited after dave left"));

    const messages = await dave.request("GET", `/rooms/${enc(roomId)}/messages?dir=b&limit=20`);
    expect(messages.status, JSON.stringify(messages.body)).to.equal(200);
    const byId = new Map((messages.body.chunk as Event[]).map((e) => [e.event_id, e]));
    expect(byId.has(late)).to.equal(false);
    const threadBundle = byId.get(root)?.unsigned?.["m.relations"]?.["m.thread"];
    // A thread whose latest event dave may not see is not bundled for him.
    expect(threadBundle).to.equal(undefined);
    expect((byId.get(original)?.unsigned?.["m.relations"]?.["m.replace"] as Event | undefined)?.event_id).to.equal(seenEdit);
    const children = await relations(dave, roomId, root);
    expect(ids(children.body.chunk)).to.deep.equal([early]);
    // Alice sees the latest of both.
    const hers = (await s.alice.request("GET", `/rooms/${enc(roomId)}/event/${enc(root)}`)).body.unsigned as Event["unsigned"];
    expect((hers?.["m.relations"]?.["m.thread"]?.latest_event as Event).event_id).to.equal(late);
  });

  it("in a left room's limited /sync timeline, bundles nothing sent after the user left", async () => {
    const roomId = await s.alice.createRoom({ preset: "public_chat", initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "joined" } }] });
    const erin = await s.newUser("relations-sync-leaver");
    expect((await erin.join(roomId)).status).to.equal(200);
    const root = await s.alice.send(roomId, "root");
    await s.alice.send(roomId, thread(root, "while erin is here"));
    expect((await erin.request("POST", `/rooms/${enc(roomId)}/leave`, {})).status).to.equal(200);
    await s.alice.send(roomId, thread(root, "after erin left"));
    const filter = enc(JSON.stringify({ room: { include_leave: true, timeline: { limit: 3 } } }));
    const sync = await erin.request("GET", `/sync?filter=${filter}`);
    expect(sync.status, JSON.stringify(sync.body)).to.equal(200);
    const left = (sync.body.rooms as { leave: Record<string, { timeline: { limited: boolean; events: Event[] } }> }).leave[roomId]!.timeline;
    expect(left.limited).to.equal(true);
    const rootEvent = left.events.find((e) => e.event_id === root);
    expect(rootEvent, "the root is in the left room's timeline").to.not.equal(undefined);
    // The thread's latest reply came after erin left: no summary rather than a leak of it.
    expect(rootEvent?.unsigned?.["m.relations"]?.["m.thread"]).to.equal(undefined);
  });

  it("bundles aggregations in a limited /sync timeline", async () => {
    const roomId = await s.alice.createRoom();
    const root = await s.alice.send(roomId, "root");
    await s.alice.send(roomId, thread(root, "reply"));
    const filter = enc(JSON.stringify({ room: { timeline: { limit: 2 } } }));
    const sync = await s.alice.request("GET", `/sync?filter=${filter}`);
    expect(sync.status).to.equal(200);
    const rooms = sync.body.rooms as { join: Record<string, { timeline: { limited: boolean; events: Event[] } }> };
    const timeline = rooms.join[roomId]!.timeline;
    expect(timeline.limited).to.equal(true);
    const bundled = timeline.events.find((e) => e.event_id === root)?.unsigned?.["m.relations"]?.["m.thread"];
    expect(bundled).to.include({ count: 1, current_user_participated: true });
    expect((bundled?.latest_event as Event).content.body).to.equal("reply");
    expect(bundled?.latest_event).to.not.have.property("room_id");
  });
});
