/**
 * PusherDelivery's bounds, with stub stores and a stub fetch: a slow gateway makes a pusher's
 * queue coalesce (the oldest notifications are dropped, the newest sent), and requests in flight
 * never exceed the concurrency; positions are stored as notifications are sent.
 */
import { expect } from "chai";
import type { DataSource } from "typeorm";
import type { Pdu } from "../../../src/room/pdu.js";
import { PusherDelivery } from "../../../src/services/push/pusher-delivery.js";
import type { PushActionRow } from "../../../src/storage/stores/event-push-actions-store.js";
import type { StoredPusherRow } from "../../../src/storage/stores/pushers-store.js";

const pusherOf = (userId: string): StoredPusherRow => ({
  userId, appId: "app", pushkey: `key-${userId}`, deviceId: "D", kind: "http", appDisplayName: "a", deviceDisplayName: "d", profileTag: null, lang: "en",
  data: { url: "http://127.0.0.1:1/_matrix/push/v1/notify" }, pushkeyTs: 0, lastStreamOrdering: 0,
});
/** Transactions of the stub DataSource: each call's own `tx` object. */
const transactions: object[] = [];
/** A DataSource whose transactions run their callback (positions are recorded by the stub store). */
const stubDb = {
  options: { type: "postgres" },
  transaction: async (fn: (tx: unknown) => Promise<unknown>) => {
    const tx = {};
    transactions.push(tx);
    return fn(tx);
  },
} as unknown as DataSource;

async function setUp(users: string[], concurrency: number, owner = true) {
  const sent: Array<{ userId: string; eventId: string; prio: string; tweaks: unknown }> = [];
  const releases: Array<() => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchStub = (async (_url: string, init: { body: string }) => {
    const { notification } = JSON.parse(init.body) as { notification: { event_id: string; prio: string; devices: Array<{ pushkey: string; tweaks: unknown }> } };
    sent.push({ userId: notification.devices[0]!.pushkey.slice(4), eventId: notification.event_id, prio: notification.prio, tweaks: notification.devices[0]!.tweaks });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise<void>((resolve) => releases.push(resolve));
    inFlight--;
    return new Response(JSON.stringify({ rejected: [] }), { status: 200 });
  }) as unknown as typeof fetch;
  const positions = new Map<string, number>();
  const positionWrites: object[] = [];
  const delivery = new PusherDelivery({
    db: stubDb,
    pushers: {
      selectPushersOfUsers: async (ids) => users.filter((u) => ids.includes(u)).map((u) => ({ ...pusherOf(u), lastStreamOrdering: positions.get(u) ?? 0 })),
      deletePusher: async () => false,
      advancePusherPosition: async (tx, userId, _appId, _pushkey, position) => {
        positionWrites.push(tx);
        positions.set(userId, Math.max(positions.get(userId) ?? 0, position));
      },
    },
    store: {
      selectEventIdsAt: async (orderings) => new Map(orderings.map((o) => [o, `$e${o}`])),
      selectRoomsWithNotifications: async () => [],
      selectUnpushed: async () => [],
    },
    events: { getEvents: async (ids) => new Map([...ids].map((id) => [id, { eventId: id, roomId: "!r:x", type: "m.room.message", sender: "@s:x", content: {} } as unknown as Pdu])) },
    currentState: { selectCurrentStateEventId: async () => null },
    counts: { getUnreadCounts: async () => new Map() },
    fetch: fetchStub,
    options: { concurrency, queuePerPusher: 3 },
    lock: async () => (owner ? { release: async () => {} } : null),
  });
  await delivery.start();
  const row = (userId: string, streamOrdering: number, extra: Partial<PushActionRow> = {}): PushActionRow => ({
    userId, roomId: "!r:x", streamOrdering, threadId: "main", highlight: false, actions: null, ...extra,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  const releaseAll = async () => {
    while (releases.length > 0 || delivery.pendingCount() > 0) {
      releases.splice(0).forEach((release) => release());
      await settle();
    }
  };
  return { delivery, sent, row, settle, releaseAll, positions, positionWrites, maxInFlight: () => maxInFlight };
}

describe("services/push/pusher-delivery", () => {
  it("coalesces a slow pusher's queue: the oldest waiting notifications are dropped", async () => {
    const t = await setUp(["@a:x"], 4);
    t.delivery.onBatch({ actions: [t.row("@a:x", 1)] });
    await t.settle();
    expect(t.sent.map((s) => s.eventId)).to.deep.equal(["$e1"]);
    // While $e1 hangs, ten more arrive: the queue keeps the one in flight and the newest two.
    t.delivery.onBatch({ actions: Array.from({ length: 10 }, (_, i) => t.row("@a:x", i + 2)) });
    await t.settle();
    expect(t.delivery.pendingCount()).to.equal(3);
    await t.releaseAll();
    expect(t.sent.map((s) => s.eventId)).to.deep.equal(["$e1", "$e10", "$e11"]);
    // The pusher's stored position is the last one sent: the dropped ones are not sent after a restart.
    expect(t.positions.get("@a:x")).to.equal(11);
    await t.delivery.close();
  });

  it("keeps at most `concurrency` requests in flight over all pushers, one per pusher", async () => {
    const users = ["@a:x", "@b:x", "@c:x"];
    const t = await setUp(users, 2);
    t.delivery.onBatch({ actions: users.flatMap((u) => [t.row(u, 1), t.row(u, 2)]) });
    await t.settle();
    expect(t.sent).to.have.length(2);
    await t.releaseAll();
    expect(t.sent).to.have.length(6);
    expect(t.maxInFlight()).to.equal(2);
    for (const user of users) expect(t.sent.filter((s) => s.userId === user).map((s) => s.eventId)).to.deep.equal(["$e1", "$e2"]);
    await t.delivery.close();
  });

  it("stores the positions of the pushers answered in one turn in one transaction", async () => {
    const users = ["@a:x", "@b:x", "@c:x", "@d:x"];
    const t = await setUp(users, 4);
    t.delivery.onBatch({ actions: users.map((u) => t.row(u, 7)) });
    await t.settle();
    expect(t.sent).to.have.length(4);
    const before = transactions.length;
    await t.releaseAll();
    for (const user of users) expect(t.positions.get(user)).to.equal(7);
    expect(t.positionWrites).to.have.length(4);
    expect(new Set(t.positionWrites).size).to.equal(1);
    expect(transactions.length - before).to.equal(1);
    await t.delivery.close();
  });

  it("sends each row's tweaks, prio high with a sound or a highlight", async () => {
    const t = await setUp(["@a:x", "@b:x", "@c:x", "@d:x"], 4);
    t.delivery.onBatch({
      actions: [
        t.row("@a:x", 1),
        t.row("@b:x", 2, { highlight: true }),
        t.row("@c:x", 3, { actions: JSON.stringify(["notify", { set_tweak: "sound", value: "ring" }]) }),
        t.row("@d:x", 4, { actions: JSON.stringify(["notify", { set_tweak: "org.example.led", value: "red" }]) }),
      ],
    });
    await t.releaseAll();
    expect(t.sent.sort((a, b) => a.eventId.localeCompare(b.eventId)).map((s) => [s.eventId, s.prio, s.tweaks])).to.deep.equal([
      ["$e1", "low", {}],
      ["$e2", "high", { highlight: true }],
      ["$e3", "high", { sound: "ring" }],
      ["$e4", "low", { "org.example.led": "red" }],
    ]);
    await t.delivery.close();
  });

  it("queues no row at or before the pusher's stored position (an event evaluated again)", async () => {
    const t = await setUp(["@a:x"], 4);
    t.positions.set("@a:x", 5);
    t.delivery.onBatch({ actions: [t.row("@a:x", 4), t.row("@a:x", 5), t.row("@a:x", 6)] });
    await t.releaseAll();
    expect(t.sent.map((s) => s.eventId)).to.deep.equal(["$e6"]);
    expect(t.positions.get("@a:x")).to.equal(6);
    await t.delivery.close();
  });

  it("sends nothing while another process holds the delivery lock", async () => {
    const t = await setUp(["@a:x"], 4, false);
    expect(t.delivery.owner).to.equal(false);
    t.delivery.onBatch({ actions: [t.row("@a:x", 1)] });
    await t.settle();
    expect(t.delivery.pendingCount()).to.equal(0);
    expect(t.sent).to.deep.equal([]);
    await t.delivery.close();
  });
});
