import { expect } from "chai";
import { SyncFilter } from "../../src/sync/filters.js";
import { StreamToken } from "../../src/sync/stream-token.js";
import type { StreamProvider, SyncContext, SyncRequest } from "../../src/sync/streams/stream-provider.js";
import { SyncHandler } from "../../src/sync/sync-handler.js";
import { withAllDatabases } from "../helpers/with-all-databases.js";
import { ALICE, BOB, CAROL, DEVICE, makeSyncFixture, type SyncFixture } from "./sync-fixture.js";

function request(userId: string, since: string | null, extra: Partial<SyncRequest> = {}): SyncRequest {
  return {
    userId,
    deviceId: DEVICE,
    filter: SyncFilter.DEFAULT,
    since: since === null ? null : StreamToken.parse(since),
    fullState: false,
    useStateAfter: false,
    ...extra,
  };
}

function components(token: string): number[] {
  return token.slice(1).split("_").map(Number);
}

withAllDatabases("SyncHandler", function (getDb) {
  let f: SyncFixture;
  beforeEach(function () {
    f = makeSyncFixture(getDb());
  });

  async function sharedRoom(): Promise<string> {
    const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
    await f.membership.join(BOB, roomId);
    return roomId;
  }

  it("answers an initial sync at once, even with a timeout", async function () {
    const roomId = await sharedRoom();
    const started = Date.now();
    const response = await f.sync.handler.sync(request(BOB, null), { timeoutMs: 10_000 });
    expect(Date.now() - started).to.be.below(2_000);
    expect(response.rooms.join).to.have.property(roomId);
  });

  it("answers an incremental sync as soon as something arrives for the user", async function () {
    const roomId = await sharedRoom();
    const first = await f.syncOnce(BOB);
    const polling = f.sync.handler.sync(request(BOB, first.next_batch), { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sent = Date.now();
    await f.send(roomId, ALICE, "now");
    const response = await polling;
    expect(Date.now() - sent).to.be.below(500);
    expect(response.rooms.join[roomId]!.timeline!.events.map((e) => e.content?.body)).to.deep.equal(["now"]);
  });

  it("waits through wake-ups that bring nothing for the user, and answers empty at the timeout", async function () {
    const roomId = await sharedRoom();
    const other = await f.createRoom(CAROL, { preset: "public_chat" });
    const filter = SyncFilter.fromJson({ room: { timeline: { not_types: ["m.room.message"] } } });
    const first = await f.sync.handler.sync(request(ALICE, null, { filter }), { timeoutMs: 0 });
    const polling = f.sync.handler.sync(request(ALICE, first.next_batch, { filter }), { timeoutMs: 300 });
    await f.send(other, CAROL, "not in alice's rooms: no wake-up");
    await f.send(roomId, BOB, "in her room, but filtered out: a wake-up with nothing to send");
    const started = Date.now();
    const response = await polling;
    expect(Date.now() - started).to.be.above(100);
    expect(response.rooms.join).to.deep.equal({});
    // It moved past the filtered message: the next poll does not look at it again.
    expect(components(response.next_batch)[0]).to.be.above(components(first.next_batch)[0]!);
  });

  it("never hands out a token behind the one it was given", async function () {
    await sharedRoom();
    const first = await f.syncOnce(BOB);
    const ahead = first.next_batch.replace(/^s(\d+)_(\d+)/, (_, pdu: string, typing: string) => `s${Number(pdu) + 1000}_${Number(typing) + 5}`);
    const response = await f.syncOnce(BOB, { since: ahead });
    const given = components(ahead);
    const got = components(response.next_batch);
    for (let i = 0; i < given.length; i++) expect(got[i]).to.be.at.least(given[i]!);
  });

  it("ends a wait when the signal aborts", async function () {
    await sharedRoom();
    const first = await f.syncOnce(BOB);
    const controller = new AbortController();
    const polling = f.sync.handler.nextBatch(request(BOB, first.next_batch), { timeoutMs: 20_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const batch = await polling;
    expect(Date.now() - started).to.be.below(2_000);
    expect(batch.result.isEmpty()).to.equal(true);
  });

  it("marks the user online (or unavailable) by set_presence, and leaves presence alone for offline", async function () {
    const calls: Array<[string, string]> = [];
    const handler = new SyncHandler({
      notifier: f.notifier,
      memberships: { get: async () => ({ position: 0, byRoom: new Map() }) as never, joinedRooms: async () => [] },
      rooms: emptyProvider("pdu"),
      providers: [],
      setPresence: async (userId, state) => void calls.push([userId, state]),
    });
    await handler.sync(request(ALICE, null), { timeoutMs: 0 });
    await handler.sync(request(ALICE, null, { setPresence: "unavailable" }), { timeoutMs: 0 });
    await handler.sync(request(ALICE, null, { setPresence: "offline" }), { timeoutMs: 0 });
    expect(calls).to.deep.equal([
      [ALICE, "online"],
      [ALICE, "unavailable"],
    ]);
  });

  it("runs the room provider first, then the others, over the same context; tokens carry every provider's position", async function () {
    const order: string[] = [];
    const seen: SyncContext[] = [];
    const provider = (stream: "pdu" | "typing" | "presence", position: number): StreamProvider => ({
      stream,
      latestPosition: () => position,
      completeSync: async (ctx) => {
        order.push(`${stream}:complete`);
        seen.push(ctx);
        if (stream === "pdu") ctx.rooms = { joined: ["!r:x"], newlyJoined: new Set(["!r:x"]), left: [] };
      },
      incrementalSync: async (ctx, from, to) => {
        order.push(`${stream}:${from}-${to}`);
        seen.push(ctx);
      },
    });
    const handler = new SyncHandler({
      notifier: f.notifier,
      memberships: { get: async () => ({ position: 0, byRoom: new Map() }) as never, joinedRooms: async () => [] },
      rooms: provider("pdu", 7),
      providers: [provider("typing", 3), provider("presence", 9)],
    });
    const initial = await handler.sync(request(ALICE, null), { timeoutMs: 0 });
    expect(initial.next_batch).to.equal(StreamToken.from({ pdu: 7, typing: 3, presence: 9 }).toString());
    expect(order).to.deep.equal(["pdu:complete", "typing:complete", "presence:complete"]);
    expect(seen[1]!.rooms.joined).to.deep.equal(["!r:x"]);
    expect(seen[1]).to.equal(seen[0]);
    order.length = 0;
    await handler.sync(request(ALICE, StreamToken.from({ pdu: 5, typing: 3, presence: 2 }).toString()), { timeoutMs: 0 });
    expect(order).to.deep.equal(["pdu:5-7", "typing:3-3", "presence:2-9"]);
  });
});

describe("SyncHandler wake-ups", () => {
  it("builds a woken batch before the event loop turns, with everything notified together", async () => {
    let position = 1;
    let wake: (token: StreamToken) => void = () => undefined;
    const order: string[] = [];
    const handler = new SyncHandler({
      notifier: {
        currentToken: () => StreamToken.from({ typing: position }),
        waitForUpdate: () => new Promise<StreamToken | null>((resolve) => (wake = resolve)),
      },
      memberships: { get: async () => ({ position: 0, byRoom: new Map() }) as never, joinedRooms: async () => [] },
      rooms: emptyProvider("pdu"),
      providers: [loggingTypingProvider(() => position, order)],
    });
    const batch = handler.nextBatch(request(ALICE, StreamToken.from({ typing: 1 }).toString()), { timeoutMs: 20_000 });
    while (order.length === 0) await new Promise((resolve) => setImmediate(resolve));
    // Two writes announced by one job, then the next turn's I/O.
    position = 2;
    wake(StreamToken.from({ typing: 2 }));
    position = 3;
    setImmediate(() => order.push("next turn"));
    expect((await batch).token.get("typing")).to.equal(3);
    order.push("delivered");
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).to.deep.equal(["typing 1-1", "typing 1-3", "delivered", "next turn"]);
  });
});

describe("SyncHandler long-polls the notifier has nothing for", () => {
  function setUp(announced: { value: boolean }) {
    let position = 4;
    let wake: (token: StreamToken | null) => void = () => undefined;
    const built: string[] = [];
    const checked: string[] = [];
    const handler = new SyncHandler({
      notifier: {
        currentToken: () => StreamToken.from({ typing: position }),
        mayHaveUpdate: (userId, roomIds, since) => {
          checked.push(`${userId} ${Array.from(roomIds).join(",")} ${since.get("typing")}`);
          return announced.value;
        },
        waitForUpdate: (options) => {
          built.push(`wait from ${options.since.get("typing")}`);
          return new Promise<StreamToken | null>((resolve) => (wake = resolve));
        },
      },
      memberships: { get: async () => ({ position: 0, byRoom: new Map() }) as never, joinedRooms: async () => ["!r:x"] },
      rooms: emptyProvider("pdu"),
      providers: [loggingTypingProvider(() => position, built)],
    });
    return { handler, built, checked, advance: (to: number) => (position = to), wake: (token: StreamToken | null) => wake(token) };
  }

  it("waits at once, from the client's token, and builds only once woken", async () => {
    const t = setUp({ value: false });
    // The provider already shows 4 (another process's write the notifier has not announced yet).
    const batch = t.handler.nextBatch(request(ALICE, StreamToken.from({ typing: 2 }).toString()), { timeoutMs: 20_000 });
    while (t.built.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(t.checked).to.deep.equal([`${ALICE} !r:x 2`]);
    expect(t.built).to.deep.equal(["wait from 2"]);
    t.advance(5);
    t.wake(StreamToken.from({ typing: 5 }));
    const { token, result } = await batch;
    // Everything after the client's token, the unannounced 3–4 included.
    expect(t.built).to.deep.equal(["wait from 2", "typing 2-5"]);
    expect(token.get("typing")).to.equal(5);
    expect(result.isEmpty()).to.equal(false);
  });

  it("answers a timeout with a batch built then, up to the positions of then", async () => {
    const t = setUp({ value: false });
    const batch = t.handler.nextBatch(request(ALICE, StreamToken.from({ typing: 4 }).toString()), { timeoutMs: 20_000 });
    while (t.built.length === 0) await new Promise((resolve) => setImmediate(resolve));
    t.wake(null);
    const { token, result } = await batch;
    expect(t.built).to.deep.equal(["wait from 4", "typing 4-4"]);
    expect(token.get("typing")).to.equal(4);
    expect(result.isEmpty()).to.equal(true);
  });

  it("still builds first when the notifier may have something, and answers at once if it has", async () => {
    const t = setUp({ value: true });
    const { token } = await t.handler.nextBatch(request(ALICE, StreamToken.from({ typing: 2 }).toString()), { timeoutMs: 20_000 });
    expect(t.built).to.deep.equal(["typing 2-4"]);
    expect(token.get("typing")).to.equal(4);
  });
});

/** A typing provider at `position()` that logs each incremental range it builds, non-empty when it grew. */
function loggingTypingProvider(position: () => number, log: string[]): StreamProvider {
  return {
    stream: "typing",
    latestPosition: position,
    completeSync: async () => undefined,
    incrementalSync: async (ctx, from, to) => {
      log.push(`typing ${from}-${to}`);
      if (to > from) ctx.result.presence.push({ type: "m.presence", content: {} });
    },
  };
}

function emptyProvider(stream: "pdu"): StreamProvider {
  return { stream, latestPosition: () => 0, completeSync: async () => undefined, incrementalSync: async () => undefined };
}
