import { expect } from "chai";
import { EventPushActionsStore, MAIN_THREAD, type PushActionRow } from "../../../src/storage/stores/event-push-actions-store.js";
import { EventsStore, type NewEvent } from "../../../src/storage/stores/events-store.js";
import { ReceiptsStore } from "../../../src/storage/stores/receipts-store.js";
import { StateStore } from "../../../src/storage/stores/state-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

const ROOM = "!room:hs.test";
const OTHER = "!other:hs.test";
const ME = "@me:hs.test";

function event(n: number, overrides: Partial<NewEvent> = {}): NewEvent {
  return { eventId: `$e${n}`, roomId: ROOM, type: "m.room.message", stateKey: null, sender: "@bob:hs.test", depth: n, originServerTs: n, json: "{}", ...overrides };
}

withAllDatabases("EventPushActionsStore", (getDb) => {
  let store: EventPushActionsStore;
  beforeEach(() => {
    store = new EventPushActionsStore(getDb());
  });

  const insertEvents = (rows: NewEvent[]) => runInTransaction(getDb(), (tx) => new EventsStore(getDb()).insertEvents(tx, rows));
  const insertActions = (rows: PushActionRow[]) => runInTransaction(getDb(), (tx) => store.insertPushActions(tx, rows));
  const action = (streamOrdering: number, extra: Partial<PushActionRow> = {}): PushActionRow => ({
    userId: ME, roomId: ROOM, streamOrdering, threadId: MAIN_THREAD, highlight: false, actions: null, ...extra,
  });

  it("counts a user's rows per room and thread in (after, upTo], with highlights and the latest's position", async () => {
    await insertActions([
      action(1), action(2, { highlight: true }), action(3, { threadId: "$root" }), action(4), action(5, { roomId: OTHER }),
      action(2, { userId: "@else:hs.test" }),
    ]);
    const rows = await store.selectUnreadCounts(ME, [
      { roomId: ROOM, after: 1, upTo: 3 },
      { roomId: OTHER, after: 0, upTo: 10 },
    ]);
    const key = (r: { roomId: string; threadId: string }) => `${r.roomId} ${r.threadId}`;
    expect(rows.sort((a, b) => key(a).localeCompare(key(b)))).to.deep.equal([
      { roomId: OTHER, threadId: MAIN_THREAD, notifications: 1, highlights: 0, last: 5 },
      { roomId: ROOM, threadId: "$root", notifications: 1, highlights: 0, last: 3 },
      { roomId: ROOM, threadId: MAIN_THREAD, notifications: 1, highlights: 1, last: 2 },
    ]);
    expect(await store.selectUnreadCounts(ME, [{ roomId: ROOM, after: 0, upTo: 10, threadId: "$root" }])).to.deep.equal([
      { roomId: ROOM, threadId: "$root", notifications: 1, highlights: 0, last: 3 },
    ]);
    expect(await store.selectUnreadCounts(ME, [{ roomId: ROOM, after: 0, upTo: 10, exceptThreads: ["$root"] }])).to.deep.equal([
      { roomId: ROOM, threadId: MAIN_THREAD, notifications: 3, highlights: 1, last: 4 },
    ]);
    expect(await store.selectUnreadCounts(ME, [])).to.deep.equal([]);
  });

  it("ignores a row written twice", async () => {
    await insertActions([action(1)]);
    await insertActions([action(1, { highlight: true })]);
    expect(await store.selectUnreadCounts(ME, [{ roomId: ROOM, after: 0, upTo: 9 }])).to.deep.equal([{ roomId: ROOM, threadId: MAIN_THREAD, notifications: 1, highlights: 0, last: 1 }]);
  });

  it("deletes a user's rows before a position, in one thread or all", async () => {
    await insertActions([action(1), action(2, { threadId: "$root" }), action(3), action(4, { threadId: "$root" }), action(1, { roomId: OTHER })]);
    await runInTransaction(getDb(), (tx) => store.deletePushActionsBefore(tx, [{ userId: ME, roomId: ROOM, threadId: MAIN_THREAD, before: 3 }], 0));
    const remaining = async () => (await store.selectUnreadCounts(ME, [{ roomId: ROOM, after: 0, upTo: 9 }])).map((r) => [r.threadId, r.notifications]).sort();
    expect(await remaining()).to.deep.equal([["$root", 2], [MAIN_THREAD, 1]]);
    await runInTransaction(getDb(), (tx) => store.deletePushActionsBefore(tx, [{ userId: ME, roomId: ROOM, threadId: null, before: 4 }], 0));
    expect(await remaining()).to.deep.equal([["$root", 1]]);
    expect(await store.selectUnreadCounts(ME, [{ roomId: OTHER, after: 0, upTo: 9 }])).to.have.length(1);
  });

  it("applies many read marks at once, each to its own user, room and thread only", async () => {
    const users = Array.from({ length: 450 }, (_, i) => `@u${i}:hs.test`);
    await insertActions(users.flatMap((userId) => [action(1, { userId }), action(2, { userId, threadId: "$root" }), action(3, { userId }), action(1, { userId, roomId: OTHER })]));
    // Even users: the main timeline before 3; odd users: every thread before 3.
    const marks = users.map((userId, i) => ({ userId, roomId: ROOM, threadId: i % 2 === 0 ? MAIN_THREAD : null, before: 3 }));
    await runInTransaction(getDb(), (tx) => store.deletePushActionsBefore(tx, marks, 0));
    const left = async (userId: string, roomId = ROOM) =>
      (await store.selectUnreadCounts(userId, [{ roomId, after: 0, upTo: 9 }])).map((r) => [r.threadId, r.notifications]).sort();
    for (const i of [0, 1, 200, 201, 448, 449]) {
      expect(await left(users[i]!), users[i]).to.deep.equal(i % 2 === 0 ? [["$root", 1], [MAIN_THREAD, 1]] : [[MAIN_THREAD, 1]]);
      expect(await left(users[i]!, OTHER)).to.deep.equal([[MAIN_THREAD, 1]]);
    }
    await runInTransaction(getDb(), (tx) => store.deletePushActionsBefore(tx, [], 0));
  });

  it("keeps the rows a read mark takes out in read_notifications, listed with their actions and as read-marked", async () => {
    const [o1, o2, o3] = await insertEvents([event(1), event(2), event(3)]);
    const sound = JSON.stringify(["notify", { set_tweak: "sound", value: "default" }]);
    await insertActions([action(o1!, { actions: sound }), action(o2!, { highlight: true }), action(o3!)]);
    const mark = { userId: ME, roomId: ROOM, threadId: null, before: o3! };
    await runInTransaction(getDb(), (tx) => store.deletePushActionsBefore(tx, [mark], 1_000));
    // The counts see only what is left in event_push_actions.
    expect(await store.selectUnreadCounts(ME, [{ roomId: ROOM, after: 0, upTo: 1e9 }])).to.deep.equal([{ roomId: ROOM, threadId: MAIN_THREAD, notifications: 1, highlights: 0, last: o3 }]);
    const listed = (rows: Awaited<ReturnType<typeof store.selectNotifications>>) => rows.map((r) => [r.eventId, r.readMarked, r.highlight, r.actions]);
    expect(listed(await store.selectNotifications(ME, null, 10, false))).to.deep.equal([
      ["$e3", false, false, null], ["$e2", true, true, null], ["$e1", true, false, sound],
    ]);
    expect(listed(await store.selectNotifications(ME, o3!, 1, false))).to.deep.equal([["$e2", true, true, null]]);
    expect(listed(await store.selectNotifications(ME, null, 10, true))).to.deep.equal([["$e2", true, true, null]]);
    // The same mark again (an event evaluated twice) moves nothing more and fails nothing.
    await insertActions([action(o1!)]);
    await runInTransaction(getDb(), (tx) => store.deletePushActionsBefore(tx, [mark], 2_000));
    expect(listed(await store.selectNotifications(ME, null, 10, false))).to.have.length(3);
    // A redaction takes read ones away too.
    await runInTransaction(getDb(), (tx) => store.deletePushActionsOfEvent(tx, ROOM, "$e2", [ME]));
    expect((await store.selectNotifications(ME, null, 10, false)).map((r) => r.eventId)).to.deep.equal(["$e3", "$e1"]);
  });

  it("prunes read notifications read before a time, and a user's beyond the newest n", async () => {
    const orderings = await insertEvents([1, 2, 3, 4, 5].map((n) => event(n)));
    const other = "@else:hs.test";
    await insertActions(orderings.flatMap((o) => [action(o), action(o, { userId: other })]));
    const readUpTo = (userId: string, n: number, readTs: number) =>
      runInTransaction(getDb(), (tx) => store.deletePushActionsBefore(tx, [{ userId, roomId: ROOM, threadId: null, before: orderings[n]! }], readTs));
    await readUpTo(ME, 2, 100);
    await readUpTo(ME, 4, 200);
    await readUpTo(other, 4, 200);
    const readOnes = async (userId: string) => (await store.selectNotifications(userId, null, 10, false)).filter((r) => r.readMarked).map((r) => r.eventId);
    expect(await readOnes(ME)).to.deep.equal(["$e4", "$e3", "$e2", "$e1"]);
    expect(await runInTransaction(getDb(), (tx) => store.deleteReadNotificationsBefore(tx, 200))).to.equal(2);
    expect(await readOnes(ME)).to.deep.equal(["$e4", "$e3"]);
    expect(await runInTransaction(getDb(), (tx) => store.deleteReadNotificationsBeyond(tx, other, 1))).to.equal(3);
    expect(await readOnes(other)).to.deep.equal(["$e4"]);
    expect(await runInTransaction(getDb(), (tx) => store.deleteReadNotificationsBeyond(tx, ME, 5))).to.equal(0);
    expect(await readOnes(ME)).to.deep.equal(["$e4", "$e3"]);
  });

  it("deletes the rows of listed users for one event", async () => {
    const [o1, o2] = await insertEvents([event(1), event(2)]);
    await insertActions([action(o1!), action(o2!), action(o1!, { userId: "@else:hs.test" }), action(o1!, { userId: "@third:hs.test" })]);
    await runInTransaction(getDb(), (tx) => store.deletePushActionsOfEvent(tx, ROOM, "$e1", [ME, "@else:hs.test"]));
    await runInTransaction(getDb(), (tx) => store.deletePushActionsOfEvent(tx, ROOM, "$e2", []));
    const left = async (userId: string) => (await store.selectUnreadCounts(userId, [{ roomId: ROOM, after: 0, upTo: 1e9 }]))[0]?.notifications ?? 0;
    expect([await left(ME), await left("@else:hs.test"), await left("@third:hs.test")]).to.deep.equal([1, 0, 1]);
  });

  it("lists visible events in (after, upTo], oldest first, with their redaction and state groups", async () => {
    const [o1, o2, o3, o4] = await insertEvents([event(1), event(2, { softFailed: true }), event(3, { rejectedReason: "auth" }), event(4)]);
    await runInTransaction(getDb(), async (tx) => {
      await new EventsStore(getDb()).updateEventRedactedBy(tx, "$e4", "$redaction");
      await new StateStore(getDb()).insertEventStateGroups(tx, [o1!, o2!, o3!, o4!].map((streamOrdering, i) => ({ streamOrdering, stateGroupBefore: i, stateGroupAfter: i + 10 })));
    });
    expect(await store.selectPushCandidates(0, o4!, 10)).to.deep.equal([
      { streamOrdering: o1, eventId: "$e1", roomId: ROOM, redacted: false, stateGroupBefore: 0, stateGroupAfter: 10 },
      { streamOrdering: o4, eventId: "$e4", roomId: ROOM, redacted: true, stateGroupBefore: 3, stateGroupAfter: 13 },
    ]);
    expect((await store.selectPushCandidates(o1!, o4!, 10)).map((c) => c.eventId)).to.deep.equal(["$e4"]);
    expect((await store.selectPushCandidates(0, o3!, 10)).map((c) => c.eventId)).to.deep.equal(["$e1"]);
    expect((await store.selectPushCandidates(0, o4!, 1)).map((c) => c.eventId)).to.deep.equal(["$e1"]);
    expect(o2).to.be.a("number");
  });

  it("reads the user's read receipts as positions: the furthest of m.read and m.read.private per thread", async () => {
    const [o1, o2, o3] = await insertEvents([event(1), event(2), event(3), event(4, { roomId: OTHER })]);
    const receipts = new ReceiptsStore(getDb());
    const receipt = (receiptType: string, eventId: string, threadId: string | null = null, userId = ME, roomId = ROOM) =>
      runInTransaction(getDb(), async (tx) => receipts.upsertReceipt(tx, { roomId, receiptType, userId, threadId, eventId, ts: 1, streamId: await receipts.nextStreamId(tx) }));
    await receipt("m.read", "$e2");
    await receipt("m.read.private", "$e1");
    await receipt("m.read", "$e1", "main");
    await receipt("m.read.private", "$e3", "$root");
    await receipt("m.read", "$e3", null, "@else:hs.test");
    await receipt("m.read", "$unknown", null, ME, OTHER);
    await receipt("org.example.other", "$e3");
    const positions = await store.selectReadPositions(ME, [ROOM, OTHER]);
    expect(positions.sort((a, b) => String(a.threadId).localeCompare(String(b.threadId)))).to.deep.equal([
      { roomId: ROOM, threadId: "$root", streamOrdering: o3 },
      { roomId: ROOM, threadId: "main", streamOrdering: o1 },
      { roomId: ROOM, threadId: null, streamOrdering: o2 },
    ]);
    await receipt("m.read.private", "$e3");
    expect((await store.selectReadPositions(ME, [ROOM])).find((p) => p.threadId === null)?.streamOrdering).to.equal(o3);
    expect(await store.selectReadPositions(ME, [])).to.deep.equal([]);
  });

  it("starts after the newest event until the worker records a position, which only moves forward", async () => {
    expect(await store.selectProcessedPosition()).to.equal(0);
    const [, o2] = await insertEvents([event(1), event(2)]);
    expect(await store.selectProcessedPosition()).to.equal(o2);
    await runInTransaction(getDb(), (tx) => store.updateProcessedPosition(tx, 1));
    expect(await store.selectProcessedPosition()).to.equal(1);
    await runInTransaction(getDb(), (tx) => store.updateProcessedPosition(tx, 5));
    await runInTransaction(getDb(), (tx) => store.updateProcessedPosition(tx, 3));
    expect(await store.selectProcessedPosition()).to.equal(5);
  });
});
