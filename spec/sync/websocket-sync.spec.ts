import { expect } from "chai";
import { handleSync } from "../../src/api/client/sync.js";
import { sync } from "../../src/matrix/endpoints/client/sync.js";
import type { Requester } from "../../src/matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../../src/matrix/errors.js";
import { createHttpApp } from "../../src/http/http-server.js";
import { listen, type HttpListeners } from "../../src/http/listen.js";
import { route } from "../../src/http/route.js";
import { createLogger } from "../../src/util/logger.js";
import { WEBSOCKET_SYNC_PATH, WebSocketSync, type WebSocketSyncDeps, type WebSocketSyncOptions } from "../../src/sync/websocket-sync.js";
import { collectGarbage } from "../helpers/collect-garbage.js";
import { StreamClient } from "../helpers/stream-client.js";
import { withAllDatabases } from "../helpers/with-all-databases.js";
import { ALICE, BOB, makeSyncFixture, type SyncFixture, type UserDataFixture } from "./sync-fixture.js";

/** Room timelines long enough that no test's batches are limited. */
const WIDE = JSON.stringify({ room: { timeline: { limit: 100 } } });

const TOKENS: Record<string, Requester> = {
  "tok-alice": { userId: ALICE, deviceId: "ALICEDEV", isGuest: false, appserviceId: null },
  "tok-bob": { userId: BOB, deviceId: "BOBDEV", isGuest: false, appserviceId: null },
};

async function authenticate(token: string): Promise<Requester> {
  const requester = TOKENS[token];
  if (requester === undefined) throw new MatrixError(401, ErrCode.UnknownToken, "Unknown access token");
  return requester;
}

withAllDatabases("WebSocketSync", function (getDb) {
  let f: SyncFixture;
  let userData: UserDataFixture;
  let websocket: WebSocketSync;
  let listeners: HttpListeners;
  let baseUrl: string;
  const clients: StreamClient[] = [];

  async function start(options: WebSocketSyncOptions = {}, handler: WebSocketSyncDeps["handler"] = f.sync.handler): Promise<void> {
    websocket = new WebSocketSync({
      handler,
      parser: f.sync.parser,
      authenticate,
      methods: {
        sendMessage: (sender, roomId, type, content, txn) => f.events.sendMessage(sender, roomId, type, content, txn),
        sendStateEvent: (sender, roomId, type, stateKey, content) => f.events.sendStateEvent(sender, roomId, type, stateKey, content),
        setTyping: (userId, roomId, typing, timeoutMs) => userData.typing.setTyping(userId, roomId, typing, timeoutMs),
        setReadMarkers: (userId, roomId, markers) => userData.receipts.setReadMarkers(userId, roomId, markers),
      },
      options,
    });
    const app = createHttpApp({
      maxRequestSize: 64 * 1024,
      logger: createLogger({ level: "silent", format: "json" }),
      routes: [route(sync, handleSync({ handler: f.sync.handler, parser: f.sync.parser }))],
      authHooks: { authenticateAccessToken: (token) => authenticate(token), authenticateServer: () => Promise.reject(new Error("no")) },
    });
    listeners = await listen(app, { client: { bind: "127.0.0.1", port: 0 }, upgrade: websocket });
    baseUrl = `http://127.0.0.1:${listeners.client.port}`;
  }

  async function connect(token = "tok-alice", query: Record<string, string> = {}, tokenInFrame = false): Promise<StreamClient> {
    const client = await StreamClient.connect(baseUrl, WEBSOCKET_SYNC_PATH, { accessToken: token, query, tokenInFrame });
    clients.push(client);
    return client;
  }

  beforeEach(async function () {
    this.timeout(30_000);
    f = makeSyncFixture(getDb());
    userData = await f.withUserData();
  });

  afterEach(async function () {
    for (const client of clients.splice(0)) client.terminate();
    await listeners?.close(200);
    await userData.close();
  });

  describe("connecting", function () {
    beforeEach(() => start());

    it("requires the m.json subprotocol", async function () {
      const error = await StreamClient.connect(baseUrl, WEBSOCKET_SYNC_PATH, { accessToken: "tok-alice", protocols: ["chat"] }).then(
        () => null,
        (err: Error) => err.message,
      );
      expect(error).to.match(/^HTTP 400 .*M_INVALID_PARAM/);
    });

    it("refuses a bad Authorization header with 401 and the errcode", async function () {
      const error = await StreamClient.connect(baseUrl, WEBSOCKET_SYNC_PATH, { accessToken: "nope" }).then(
        () => null,
        (err: Error) => err.message,
      );
      expect(error).to.match(/^HTTP 401 .*M_UNKNOWN_TOKEN/);
    });

    it("refuses a bad since token with 400 M_INVALID_PARAM", async function () {
      const error = await StreamClient.connect(baseUrl, WEBSOCKET_SYNC_PATH, { accessToken: "tok-alice", query: { since: "garbage" } }).then(
        () => null,
        (err: Error) => err.message,
      );
      expect(error).to.match(/^HTTP 400 .*M_INVALID_PARAM/);
    });

    it("accepts the token in the first frame (browsers)", async function () {
      const roomId = await f.createRoom(ALICE);
      const client = await connect("tok-alice", {}, true);
      await client.until(() => client.frames.length > 0, 5_000, "the first frame");
      expect(client.frames[0]!.rooms.join).to.have.property(roomId);
    });

    it("closes with 4401 and an error frame on a bad first-frame token", async function () {
      const client = await connect("nope", {}, true);
      await client.until(() => client.closeCode !== null, 5_000, "the close");
      expect(client.closeCode).to.equal(4401);
      expect(client.errors[0]!.errcode).to.equal("M_UNKNOWN_TOKEN");
    });

    it("closes with 4401 M_MISSING_TOKEN when no token arrives in time", async function () {
      await listeners.close(100);
      await start({ authTimeoutMs: 100 });
      const client = await StreamClient.connect(baseUrl, WEBSOCKET_SYNC_PATH, {});
      clients.push(client);
      await client.until(() => client.closeCode !== null, 5_000, "the close");
      expect(client.closeCode).to.equal(4401);
      expect(client.errors[0]!.errcode).to.equal("M_MISSING_TOKEN");
    });
  });

  describe("batches", function () {
    beforeEach(() => start());

    it("sends the initial batch first, then each new event as soon as it is stored", async function () {
      const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
      await f.membership.join(BOB, roomId);
      const client = await connect("tok-bob");
      await client.until(() => client.frames.length >= 1, 5_000, "the initial batch");
      expect(client.frames[0]!.rooms.join).to.have.property(roomId);
      const sent = Date.now();
      const eventId = await f.send(roomId, ALICE, "live");
      await client.until(() => client.timeline(roomId).some((e) => e.event_id === eventId), 5_000, "the new event");
      expect(Date.now() - sent).to.be.below(1_000);
      expect(client.frames[client.frames.length - 1]!.next_batch).to.match(/^s/);
    });

    it("resumes from the last next_batch without losing or repeating events", async function () {
      const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
      await f.membership.join(BOB, roomId);
      const first = await connect("tok-bob", { filter: WIDE });
      await first.until(() => first.frames.length >= 1, 5_000, "the initial batch");
      const sent: string[] = [];
      let sending = true;
      const sender = (async () => {
        for (let i = 0; sending && i < 1000; i++) {
          sent.push(await f.send(roomId, ALICE, `m${i}`));
          await new Promise((resolve) => setTimeout(resolve, 1)); // let the sockets' I/O in, as a remote sender would
        }
      })();
      await first.until(() => first.timeline(roomId).filter((e) => e.type === "m.room.message").length >= 10, 10_000, "some messages");
      first.terminate(); // mid-stream, while messages keep coming
      // What the client had processed, and the token that goes with it.
      const received = first.timeline(roomId).filter((e) => e.type === "m.room.message").map((e) => e.event_id);
      const token = first.lastToken!;
      const second = await connect("tok-bob", { since: token, filter: WIDE });
      await new Promise((resolve) => setTimeout(resolve, 50));
      sending = false;
      await sender;
      const last = sent[sent.length - 1]!;
      await second.until(() => received.includes(last) || second.timeline(roomId).some((e) => e.event_id === last), 10_000, "the last message");
      const resumed = second.timeline(roomId).filter((e) => e.type === "m.room.message").map((e) => e.event_id);
      expect(resumed.length, "messages came through the second connection").to.be.greaterThan(0);
      received.push(...resumed);
      expect(received).to.deep.equal(sent);
    });

    it("delivers the same events in the same order as long-polling", async function () {
      const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
      await f.membership.join(BOB, roomId);
      const stream = await connect("tok-bob", { filter: WIDE });
      await stream.until(() => stream.frames.length >= 1, 5_000, "the initial batch");
      const initial = await (await fetch(`${baseUrl}/_matrix/client/v3/sync`, { headers: { authorization: "Bearer tok-bob" } })).json() as { next_batch: string };
      const polled: string[] = [];
      let since = initial.next_batch;
      const sent: string[] = [];
      const sender = (async () => {
        for (let i = 0; i < 40; i++) sent.push(await f.send(roomId, i % 2 === 0 ? ALICE : BOB, `m${i}`));
      })();
      while (polled.length < 40) {
        const response = await (await fetch(`${baseUrl}/_matrix/client/v3/sync?timeout=5000&since=${since}&filter=${encodeURIComponent(WIDE)}`, { headers: { authorization: "Bearer tok-bob" } })).json() as {
          next_batch: string;
          rooms: { join: Record<string, { timeline: { events: Array<{ event_id: string }> } }> };
        };
        since = response.next_batch;
        polled.push(...(response.rooms.join[roomId]?.timeline.events ?? []).map((e) => e.event_id));
      }
      await sender;
      const streamed = (): string[] => stream.timeline(roomId).filter((e) => e.type === "m.room.message").map((e) => e.event_id);
      await stream.until(() => streamed().length >= 40, 10_000, "40 events");
      expect(streamed()).to.deep.equal(polled);
      expect(polled).to.deep.equal(sent);
    });
  });

  describe("idle sessions", function () {
    it("keep none of the batches they have sent while they wait for the next", async function () {
      const returned: Array<WeakRef<object>> = [];
      await start({}, {
        nextBatch: async (request, options) => {
          const batch = await f.sync.handler.nextBatch(request, options);
          returned.push(new WeakRef(batch.result));
          return batch;
        },
        applyPresence: (request) => f.sync.handler.applyPresence(request),
      });
      const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
      const client = await connect("tok-alice");
      await client.until(() => client.frames.length >= 1, 5_000, "the initial batch");
      const eventId = await f.send(roomId, ALICE, "one");
      await client.until(() => client.timeline(roomId).some((e) => e.event_id === eventId), 5_000, "the new event");
      await new Promise((resolve) => setTimeout(resolve, 20)); // the session is waiting again
      collectGarbage();
      expect(returned.length, "batches sent").to.be.at.least(2);
      expect(returned.filter((ref) => ref.deref() !== undefined), "batches still in memory").to.have.length(0);
      expect(websocket.sessions.size).to.equal(1);
    });

    it("are pinged together by one timer, whenever each connected", async function () {
      await start({ heartbeatMs: 200 });
      const early = await connect("tok-alice");
      await early.until(() => early.frames.length >= 1, 5_000, "the initial batch");
      await new Promise((resolve) => setTimeout(resolve, 90));
      const late = await connect("tok-bob");
      await late.until(() => late.frames.length >= 1, 5_000, "the initial batch");
      const earlyPings: number[] = [];
      const latePings: number[] = [];
      early.ws.on("ping", () => earlyPings.push(performance.now()));
      late.ws.on("ping", () => latePings.push(performance.now()));
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(latePings.length).to.be.at.least(2);
      for (const at of latePings) expect(Math.min(...earlyPings.map((t) => Math.abs(t - at)))).to.be.below(40);
    });
  });

  describe("requests", function () {
    let roomId: string;
    let client: StreamClient;
    beforeEach(async function () {
      await start();
      roomId = await f.createRoom(ALICE, { preset: "public_chat" });
      await f.membership.join(BOB, roomId);
      client = await connect("tok-alice");
      await client.until(() => client.frames.length >= 1, 5_000, "the initial batch");
    });

    it("answers ping", async function () {
      expect(await client.request("ping")).to.deep.equal({ id: "r1", result: {} });
    });

    it("sends messages, with the request id as the transaction ID (idempotent)", async function () {
      const params = { room_id: roomId, event_type: "m.room.message", content: { msgtype: "m.text", body: "via ws" } };
      const first = await client.request("send", params, "txn-a");
      const again = await client.request("send", params, "txn-a");
      expect(first.result!.event_id).to.be.a("string");
      expect(again.result!.event_id).to.equal(first.result!.event_id);
      await client.until(() => client.timeline(roomId).some((e) => e.event_id === first.result!.event_id), 5_000, "the echo");
      const echo = client.timeline(roomId).filter((e) => e.event_id === first.result!.event_id);
      expect(echo).to.have.length(1);
      expect((echo[0] as unknown as { unsigned: { transaction_id: string } }).unsigned.transaction_id).to.equal("txn-a");
    });

    it("sets state", async function () {
      const answer = await client.request("state", { room_id: roomId, event_type: "m.room.topic", state_key: "", content: { topic: "ws" } });
      expect((await f.persister.getStateEvent(roomId, "m.room.topic", ""))?.eventId).to.equal(answer.result!.event_id);
    });

    it("sets typing, which reaches the other members' syncs", async function () {
      const bob = await connect("tok-bob");
      await bob.until(() => bob.frames.length >= 1, 5_000, "bob's initial batch");
      expect(await client.request("typing", { room_id: roomId, typing: true, timeout: 10_000 })).to.have.property("result");
      await bob.until(
        () => bob.frames.some((frame) => frame.rooms.join[roomId]?.ephemeral?.events.some((e) => e.type === "m.typing" && (e.content.user_ids as string[]).includes(ALICE)) === true),
        5_000,
        "the typing notification",
      );
    });

    it("sets read markers", async function () {
      const eventId = await f.send(roomId, BOB, "read me");
      expect(await client.request("read_markers", { room_id: roomId, "m.fully_read": eventId, "m.read": eventId })).to.have.property("result");
      expect(await userData.accountData.getAccountData(ALICE, roomId, "m.fully_read")).to.deep.equal({ event_id: eventId });
    });

    it("answers errors with the errcode: forbidden, unknown method, bad params, bad JSON", async function () {
      const other = await f.createRoom(BOB);
      const forbidden = await client.request("send", { room_id: other, event_type: "m.room.message", content: {} });
      expect(forbidden.error!.errcode).to.equal("M_FORBIDDEN");
      expect((await client.request("fly")).error!.errcode).to.equal("M_UNRECOGNIZED");
      expect((await client.request("send", { room_id: roomId })).error!.errcode).to.equal("M_BAD_JSON");
      client.ws.send("not json");
      await client.until(() => client.answers.some((a) => a.id === null), 5_000, "the error");
      expect(client.answers.find((a) => a.id === null)!.error!.errcode).to.equal("M_NOT_JSON");
    });
  });

  describe("back-pressure and heartbeats", function () {
    this.timeout(60_000);
    it("never queues more than one frame beyond the high-water mark for a client that does not read, then coalesces", async function () {
      const highWaterMark = 64 * 1024;
      await start({ highWaterMark, heartbeatMs: 60_000 });
      const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
      await f.membership.join(BOB, roomId);
      const client = await connect("tok-bob", { filter: JSON.stringify({ room: { timeline: { limit: 100 } } }) });
      await client.until(() => client.frames.length >= 1, 5_000, "the initial batch");
      const [session] = [...websocket.sessions];
      client.pauseReading();
      const padding = "x".repeat(40_000);
      const sent: string[] = [];
      // Enough to fill the network buffers between the two ends, and then some.
      for (let i = 0; i < 400 && session!.stats.blockedWaits === 0; i++) {
        sent.push(await f.events.sendMessage(ALICE, roomId, "m.room.message", { msgtype: "m.text", body: `m${i}`, padding }));
        await new Promise((resolve) => setImmediate(resolve)); // as a remote sender would, let the server's I/O run
      }
      expect(session!.stats.blockedWaits, "the session waited for the socket to drain").to.be.greaterThan(0);
      const framesWhenBlocked = session!.stats.framesSent;
      for (let i = 0; i < 20; i++) sent.push(await f.events.sendMessage(ALICE, roomId, "m.room.message", { msgtype: "m.text", body: `late${i}`, padding }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      // While blocked, nothing more was built or queued: at most one frame beyond the mark.
      expect(session!.stats.framesSent).to.equal(framesWhenBlocked);
      // A frame is only written while at most highWaterMark bytes are unsent.
      expect(session!.stats.maxBufferedAmount).to.be.at.most(highWaterMark + session!.stats.largestFrameBytes);
      expect(session!.bufferedAmount).to.be.at.most(highWaterMark + session!.stats.largestFrameBytes);
      client.resumeReading();
      await client.until(() => client.timeline(roomId).some((e) => e.event_id === sent[sent.length - 1]), 20_000, "the last message");
      const received = client.timeline(roomId).filter((e) => e.type === "m.room.message").map((e) => e.event_id);
      expect(received).to.deep.equal(sent);
      // The 20 late messages came in fewer frames than messages (coalesced).
      expect(client.frames.length - 1).to.be.below(sent.length);
    });

    it("terminates a peer that stops answering pings", async function () {
      await start({ heartbeatMs: 100 });
      const client = await connect("tok-alice");
      await client.until(() => client.frames.length >= 1, 5_000, "the initial batch");
      client.pauseReading(); // pings go unanswered
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(websocket.sessions.size).to.equal(0);
    });

    it("keeps a peer that answers pings", async function () {
      await start({ heartbeatMs: 50 });
      const client = await connect("tok-alice");
      await client.until(() => client.frames.length >= 1, 5_000, "the initial batch");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(websocket.sessions.size).to.equal(1);
      expect(client.closeCode).to.equal(null);
    });

    it("closes every session with 1001 on shutdown", async function () {
      await start();
      const client = await connect("tok-alice");
      await client.until(() => client.frames.length >= 1, 5_000, "the initial batch");
      await listeners.close(1_000);
      await client.until(() => client.closeCode !== null, 5_000, "the close");
      expect(client.closeCode).to.equal(1001);
    });
  });
});
