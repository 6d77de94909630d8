/**
 * NotificationsService's pruning of read notifications, on both databases: by read time, and
 * per user beyond a cap for the users the worker's batches said read.
 */
import { expect } from "chai";
import { NotificationsService } from "../../../src/services/push/notifications-service.js";
import { EventPushActionsStore, MAIN_THREAD } from "../../../src/storage/stores/event-push-actions-store.js";
import { EventsStore } from "../../../src/storage/stores/events-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

const ROOM = "!room:hs.test";
const ME = "@me:hs.test";
const OTHER = "@other:hs.test";
const THIRD = "@third:hs.test";

withAllDatabases("NotificationsService", (getDb) => {
  it("prunes what was read too long ago, and caps the users who read since the last pruning", async () => {
    const store = new EventPushActionsStore(getDb());
    let now = 0;
    const service = new NotificationsService({
      db: getDb(),
      store,
      events: { getEvents: async () => new Map() },
      serializer: { serialize: async () => [] },
      pruning: { keepReadMs: 500, keepReadPerUser: 2 },
      now: () => now,
    });
    const orderings = await runInTransaction(getDb(), (tx) =>
      new EventsStore(getDb()).insertEvents(tx, [1, 2, 3, 4].map((n) => ({ eventId: `$e${n}`, roomId: ROOM, type: "m.room.message", stateKey: null, sender: "@bob:hs.test", depth: n, originServerTs: n, json: "{}" }))),
    );
    const users = [ME, OTHER, THIRD];
    await runInTransaction(getDb(), (tx) =>
      store.insertPushActions(tx, users.flatMap((userId) => orderings.map((streamOrdering) => ({ userId, roomId: ROOM, streamOrdering, threadId: MAIN_THREAD, highlight: false, actions: null })))),
    );
    const readAll = (userId: string, readTs: number) =>
      runInTransaction(getDb(), (tx) => store.deletePushActionsBefore(tx, [{ userId, roomId: ROOM, threadId: null, before: Number.MAX_SAFE_INTEGER }], readTs));
    await readAll(ME, 1_000);
    await readAll(OTHER, 1_500);
    await readAll(THIRD, 1_500);
    service.noteBatch({ reads: [{ userId: OTHER, roomId: ROOM, threadId: null, before: Number.MAX_SAFE_INTEGER }] });
    const left = async (userId: string) => (await store.selectNotifications(userId, null, 10, false)).map((r) => r.eventId);

    now = 1_600;
    await service.prune();
    expect(await left(ME)).to.deep.equal([]);
    expect(await left(OTHER)).to.deep.equal(["$e4", "$e3"]);
    // Not noted since: not capped (until they read again).
    expect(await left(THIRD)).to.deep.equal(["$e4", "$e3", "$e2", "$e1"]);
    service.noteBatch({ reads: [{ userId: THIRD, roomId: ROOM, threadId: null, before: 1 }] });
    await service.prune();
    expect(await left(THIRD)).to.deep.equal(["$e4", "$e3"]);
  });
});
