import http from "node:http";
import { expect } from "chai";
import type { SyncResponseJson } from "../../../src/matrix/endpoints/client/sync.js";
import { WEBSOCKET_SYNC_PATH } from "../../../src/sync/websocket-sync.js";
import { StreamClient } from "../../helpers/stream-client.js";
import { describeRooms, enc, type RoomClient } from "./rooms-fixture.js";

interface SyncCall {
  status: number;
  body: SyncResponseJson & { errcode?: string };
  ms: number;
}

async function syncOf(client: RoomClient, query: Record<string, string | number | boolean> = {}, prefix = "/_matrix/client/v3"): Promise<SyncCall> {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  const started = Date.now();
  const response = await client.request("GET", `${prefix}/sync?${params.toString()}`);
  return { status: response.status, body: response.body as unknown as SyncCall["body"], ms: Date.now() - started };
}

function messages(response: SyncResponseJson, roomId: string): unknown[] {
  return (response.rooms.join[roomId]?.timeline?.events ?? []).filter((e) => e.type === "m.room.message").map((e) => (e.content as { body?: unknown }).body);
}

describeRooms("GET /sync", (suite) => {
  /** A public room of alice's that bob has joined. */
  async function sharedRoom(): Promise<string> {
    const roomId = await suite.alice.createRoom({ preset: "public_chat" });
    expect((await suite.bob.join(roomId)).status).to.equal(200);
    return roomId;
  }

  it("needs an access token", async () => {
    const response = await fetch(`${suite.hs.baseUrl}/_matrix/client/v3/sync`);
    expect(response.status).to.equal(401);
    expect(((await response.json()) as { errcode: string }).errcode).to.equal("M_MISSING_TOKEN");
  });

  it("answers an initial sync with every section, on v3 and r0", async () => {
    const roomId = await sharedRoom();
    await suite.alice.send(roomId, "hello");
    for (const prefix of ["/_matrix/client/v3", "/_matrix/client/r0"]) {
      const { status, body } = await syncOf(suite.bob, {}, prefix);
      expect(status).to.equal(200);
      expect(body.next_batch).to.match(/^s\d+(_\d+)+$/);
      expect(messages(body, roomId)).to.include("hello");
      expect(body).to.include.keys("rooms", "presence", "account_data", "to_device", "device_lists");
      expect(body.to_device).to.deep.equal({ events: [] });
      expect(body.device_lists).to.deep.equal({ changed: [], left: [] });
      // alice's message notifies bob: a room of two members (.m.rule.room_one_to_one).
      expect(body.rooms.join[roomId]!.unread_notifications).to.deep.equal({ highlight_count: 0, notification_count: 1 });
    }
  });

  it("long-polls: answers as soon as a message arrives for the user", async () => {
    const roomId = await sharedRoom();
    const { body: first } = await syncOf(suite.bob);
    const polling = syncOf(suite.bob, { since: first.next_batch, timeout: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = Date.now();
    await suite.alice.send(roomId, "wake up");
    const { status, body } = await polling;
    expect(status).to.equal(200);
    expect(messages(body, roomId)).to.deep.equal(["wake up"]);
    expect(Date.now() - sent).to.be.below(1_000);
  });

  it("long-polls: keeps waiting through others' traffic, then answers empty at the timeout", async () => {
    const { body: first } = await syncOf(suite.carol);
    const elsewhere = await suite.alice.createRoom();
    const polling = syncOf(suite.carol, { since: first.next_batch, timeout: 600 });
    await suite.alice.send(elsewhere, "not for carol");
    const { status, body, ms } = await polling;
    expect(status).to.equal(200);
    expect(ms).to.be.at.least(550);
    expect(body.rooms.join).to.deep.equal({});
    // next_batch never goes backwards.
    const before = first.next_batch.slice(1).split("_").map(Number);
    const after = body.next_batch.slice(1).split("_").map(Number);
    for (let i = 0; i < before.length; i++) expect(after[i]).to.be.at.least(before[i]!);
  });

  it("long-polls: a client that disconnects releases its wait at once, not at the timeout", async () => {
    const { body: first } = await syncOf(suite.carol);
    const notifier = suite.hs.homeserver.notifier;
    const waiting = notifier.waiterCount;
    const req = http.get(`${suite.hs.baseUrl}/_matrix/client/v3/sync?since=${first.next_batch}&timeout=20000`, {
      headers: { authorization: `Bearer ${suite.carol.accessToken}` },
    });
    req.on("error", () => undefined);
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
      return done();
    };
    expect(await until(() => notifier.waiterCount === waiting + 1)).to.equal(true);
    req.destroy();
    expect(await until(() => notifier.waiterCount === waiting)).to.equal(true);
  });

  it("with full_state, answers at once despite a timeout", async () => {
    const roomId = await sharedRoom();
    const { body: first } = await syncOf(suite.bob);
    const { body, ms } = await syncOf(suite.bob, { since: first.next_batch, timeout: 10_000, full_state: true });
    expect(ms).to.be.below(5_000);
    expect(body.rooms.join[roomId]!.state!.events.map((e) => e.type)).to.include("m.room.create");
  });

  it("refuses a since token that is not one of ours (400 M_INVALID_PARAM)", async () => {
    const { status, body } = await syncOf(suite.bob, { since: "garbage" });
    expect(status).to.equal(400);
    expect(body.errcode).to.equal("M_INVALID_PARAM");
  });

  it("takes a filter ID from POST /filter, or inline JSON; refuses unknown IDs and bad JSON", async () => {
    const roomId = await sharedRoom();
    for (let i = 0; i < 3; i++) await suite.alice.send(roomId, `f${i}`);
    const created = await suite.bob.request("POST", `/user/${enc(suite.bob.userId)}/filter`, { room: { timeline: { limit: 1 } } });
    expect(created.status).to.equal(200);
    const byId = await syncOf(suite.bob, { filter: created.body.filter_id as string });
    expect(byId.body.rooms.join[roomId]!.timeline!.events).to.have.length(1);
    const inline = await syncOf(suite.bob, { filter: JSON.stringify({ room: { timeline: { limit: 2 } } }) });
    expect(inline.body.rooms.join[roomId]!.timeline!.events).to.have.length(2);
    expect((await syncOf(suite.bob, { filter: "987654" })).body.errcode).to.equal("M_INVALID_PARAM");
    expect((await syncOf(suite.bob, { filter: "{not json" })).body.errcode).to.equal("M_NOT_JSON");
    expect((await syncOf(suite.bob, { filter: JSON.stringify({ room: { timeline: { limit: "x" } } }) })).body.errcode).to.equal("M_BAD_JSON");
  });

  it("gives a prev_batch that /messages paginates back from", async () => {
    const roomId = await sharedRoom();
    for (let i = 0; i < 5; i++) await suite.alice.send(roomId, `p${i}`);
    const { body } = await syncOf(suite.bob, { filter: JSON.stringify({ room: { timeline: { limit: 2 } } }) });
    const timeline = body.rooms.join[roomId]!.timeline!;
    expect(messages(body, roomId)).to.deep.equal(["p3", "p4"]);
    const page = await suite.bob.request("GET", `/rooms/${enc(roomId)}/messages?dir=b&limit=2&from=${enc(timeline.prev_batch!)}`);
    expect(page.status).to.equal(200);
    expect((page.body.chunk as Array<{ content: { body: string } }>).map((e) => e.content.body)).to.deep.equal(["p2", "p1"]);
  });

  it("delivers typing, receipts and room account data to the room's members", async () => {
    const roomId = await sharedRoom();
    const eventId = await suite.alice.send(roomId, "read me");
    const { body: first } = await syncOf(suite.bob);
    expect((await suite.alice.request("PUT", `/rooms/${enc(roomId)}/typing/${enc(suite.alice.userId)}`, { typing: true, timeout: 10_000 })).status).to.equal(200);
    expect((await suite.alice.request("POST", `/rooms/${enc(roomId)}/receipt/m.read/${enc(eventId)}`, {})).status).to.equal(200);
    const { body } = await syncOf(suite.bob, { since: first.next_batch, timeout: 5_000 });
    let ephemeral = body.rooms.join[roomId]?.ephemeral?.events ?? [];
    let since = body.next_batch;
    while (!(ephemeral.some((e) => e.type === "m.typing") && ephemeral.some((e) => e.type === "m.receipt"))) {
      const next = await syncOf(suite.bob, { since, timeout: 5_000 });
      ephemeral = [...ephemeral, ...(next.body.rooms.join[roomId]?.ephemeral?.events ?? [])];
      since = next.body.next_batch;
    }
    expect(ephemeral.find((e) => e.type === "m.typing")!.content).to.deep.equal({ user_ids: [suite.alice.userId] });
    expect(ephemeral.find((e) => e.type === "m.receipt")!.content).to.have.nested.property(`${eventId.replace(/\./g, "\\.")}.m\\.read`);
    expect((await suite.bob.request("PUT", `/user/${enc(suite.bob.userId)}/rooms/${enc(roomId)}/account_data/org.example.note`, { note: 1 })).status).to.equal(200);
    const own = await syncOf(suite.bob, { since, timeout: 5_000 });
    expect(own.body.rooms.join[roomId]!.account_data!.events).to.deep.equal([{ type: "org.example.note", content: { note: 1 } }]);
  });

  it("hides messages of ignored users from the moment they are ignored", async () => {
    const dave = await suite.newUser("dave");
    const roomId = await suite.alice.createRoom({ preset: "public_chat" });
    expect((await dave.join(roomId)).status).to.equal(200);
    const { body: first } = await syncOf(dave);
    expect((await dave.request("PUT", `/user/${enc(dave.userId)}/account_data/m.ignored_user_list`, { ignored_users: { [suite.alice.userId]: {} } })).status).to.equal(200);
    await suite.alice.send(roomId, "ignored");
    const { body } = await syncOf(dave, { since: first.next_batch });
    expect(messages(body, roomId)).to.deep.equal([]);
    expect(body.account_data.events.map((e) => e.type)).to.include("m.ignored_user_list");
  });

  it("marks the user online unless set_presence=offline", async () => {
    const erin = await suite.newUser("erin");
    await syncOf(erin, { set_presence: "offline" });
    expect((await erin.request("GET", `/presence/${enc(erin.userId)}/status`)).body.presence).to.equal("offline");
    await syncOf(erin);
    expect((await erin.request("GET", `/presence/${enc(erin.userId)}/status`)).body.presence).to.equal("online");
  });

  it("advertises the WebSocket transport, which delivers the same room over the real server", async () => {
    const versions = await suite.bob.request("GET", "/_matrix/client/versions");
    expect((versions.body.unstable_features as Record<string, boolean>)["org.hearth.stream"]).to.equal(true);
    const roomId = await sharedRoom();
    const client = await StreamClient.connect(suite.hs.baseUrl, WEBSOCKET_SYNC_PATH, { accessToken: suite.bob.accessToken });
    try {
      await client.until(() => client.frames.length >= 1, 10_000, "the initial batch");
      expect(client.frames[0]!.rooms.join).to.have.property(roomId);
      const answer = await client.request("send", { room_id: roomId, event_type: "m.room.message", content: { msgtype: "m.text", body: "over ws" } });
      const eventId = answer.result!.event_id as string;
      await client.until(() => client.timeline(roomId).some((e) => e.event_id === eventId), 10_000, "the echo");
      const { body } = await syncOf(suite.alice);
      expect(messages(body, roomId)).to.include("over ws");
    } finally {
      client.terminate();
    }
  });
});
