import { expect } from "chai";
import { NotificationCounts } from "../../../src/services/push/notification-counts.js";
import { EventPushActionsStore, MAIN_THREAD, type PushActionRow, type PushReadMark } from "../../../src/storage/stores/event-push-actions-store.js";
import { EventsStore } from "../../../src/storage/stores/events-store.js";
import { ReceiptsStore } from "../../../src/storage/stores/receipts-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { Notifier } from "../../../src/sync/notifier.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { seededRandom } from "../../room/state-res/fork-generator.js";

const ROOM = "!room:hs.test";
const OTHER = "!other:hs.test";
const ME = "@me:hs.test";
const ROOT = "$root";

withAllDatabases("NotificationCounts", (getDb) => {
  let store: EventPushActionsStore;
  let notifier: Notifier;
  let waited: Array<[number, number]>;
  let reads: number;
  let counts: NotificationCounts;
  /** Stream orderings of events $1…$8 of ROOM. */
  let o: number[];

  beforeEach(async () => {
    store = new EventPushActionsStore(getDb());
    notifier = new Notifier();
    waited = [];
    reads = 0;
    const counting = {
      selectReadPositions: (...args: Parameters<EventPushActionsStore["selectReadPositions"]>) => (reads++, store.selectReadPositions(...args)),
      selectUnreadCounts: (...args: Parameters<EventPushActionsStore["selectUnreadCounts"]>) => store.selectUnreadCounts(...args),
    };
    counts = new NotificationCounts({ store: counting, worker: { waitFor: async (position, ms) => (waited.push([position, ms]), true) }, notifier, waitMs: 123 });
    counts.start();
    o = await runInTransaction(getDb(), (tx) =>
      new EventsStore(getDb()).insertEvents(
        tx,
        Array.from({ length: 8 }, (_, i) => ({ eventId: `$${i + 1}`, roomId: ROOM, type: "m.room.message", stateKey: null, sender: "@bob:hs.test", depth: i, originServerTs: i, json: "{}" })),
      ),
    );
  });
  afterEach(() => counts.stop());

  /** What the worker does: rows committed, then applyBatch. */
  async function notify(rows: Array<Partial<PushActionRow> & { at: number }>): Promise<void> {
    const actions = rows.map(({ at, ...row }) => ({ userId: ME, roomId: ROOM, streamOrdering: o[at]!, threadId: MAIN_THREAD, highlight: false, actions: null, ...row }));
    await runInTransaction(getDb(), (tx) => store.insertPushActions(tx, actions));
    counts.applyBatch({ actions, reads: [], redactedRooms: new Set() });
  }
  /** What the receipts service does: the receipt committed, then the notifier told. */
  async function receipt(receiptType: string, at: number, threadId: string | null = null): Promise<void> {
    const receipts = new ReceiptsStore(getDb());
    const streamId = await runInTransaction(getDb(), async (tx) => {
      const id = await receipts.nextStreamId(tx);
      await receipts.upsertReceipt(tx, { roomId: ROOM, receiptType, userId: ME, threadId, eventId: `$${at + 1}`, ts: 1, streamId: id });
      return id;
    });
    notifier.notify("receipt", streamId, receiptType === "m.read.private" ? { userIds: [ME] } : { roomIds: [ROOM] });
  }
  const get = async () => (await counts.getUnreadCounts(ME, [ROOM, OTHER], o[7]!)).get(ROOM);
  const total = async () => (await get())?.total ?? null;

  it("counts every notifying event without a receipt, highlights apart; waits for the worker first", async () => {
    await notify([{ at: 0 }, { at: 1, highlight: true }, { at: 2 }]);
    expect(await get()).to.deep.equal({
      total: { highlight_count: 1, notification_count: 3 },
      main: { highlight_count: 1, notification_count: 3 },
      threads: new Map(),
    });
    expect(waited).to.deep.equal([[o[7], 123]]);
    expect((await counts.getUnreadCounts(ME, [OTHER], o[7]!)).size).to.equal(0);
  });

  it("counts past the further of the m.read and m.read.private receipts", async () => {
    await notify([{ at: 0 }, { at: 1 }, { at: 2 }, { at: 3 }]);
    await receipt("m.read", 2);
    await receipt("m.read.private", 0);
    expect((await total())?.notification_count).to.equal(1);
    await receipt("m.read.private", 3);
    expect(await get()).to.equal(undefined);
  });

  it("partitions counts per thread; a threaded receipt reads its thread, an unthreaded one every thread", async () => {
    await notify([{ at: 0 }, { at: 1, threadId: ROOT, highlight: true }, { at: 2 }, { at: 3, threadId: ROOT }, { at: 4, threadId: "$other" }]);
    let result = (await get())!;
    expect(result.total).to.deep.equal({ highlight_count: 1, notification_count: 5 });
    expect(result.main).to.deep.equal({ highlight_count: 0, notification_count: 2 });
    expect(result.threads).to.deep.equal(new Map([[ROOT, { highlight_count: 1, notification_count: 2 }], ["$other", { highlight_count: 0, notification_count: 1 }]]));
    // A receipt in the thread reads it up to there; main and the other thread are untouched.
    await receipt("m.read", 1, ROOT);
    result = (await get())!;
    expect(result.threads.get(ROOT)).to.deep.equal({ highlight_count: 0, notification_count: 1 });
    expect(result.main.notification_count).to.equal(2);
    // `main` is a thread too.
    await receipt("m.read", 2, "main");
    expect((await get())!.main).to.deep.equal({ highlight_count: 0, notification_count: 0 });
    // An unthreaded receipt past the threaded ones reads everything up to it.
    await receipt("m.read", 3);
    result = (await get())!;
    expect(result.total).to.deep.equal({ highlight_count: 0, notification_count: 1 });
    expect([...result.threads.keys()]).to.deep.equal(["$other"]);
  });

  describe("kept in memory", () => {
    it("serves a room's counts again without a read, adding the worker's new notifications", async () => {
      await notify([{ at: 0 }]);
      expect(await total()).to.deep.equal({ highlight_count: 0, notification_count: 1 });
      expect(reads).to.equal(1);
      await notify([{ at: 1, highlight: true }, { at: 2, threadId: ROOT }]);
      expect(await get()).to.deep.equal({
        total: { highlight_count: 1, notification_count: 3 },
        main: { highlight_count: 1, notification_count: 2 },
        threads: new Map([[ROOT, { highlight_count: 0, notification_count: 1 }]]),
      });
      expect(reads).to.equal(1);
    });

    it("does not add notifications the kept read positions cover", async () => {
      await notify([{ at: 5 }]);
      await receipt("m.read", 4, ROOT);
      expect((await total())?.notification_count).to.equal(1);
      // An event the receipt already covers, evaluated late: not unread.
      await notify([{ at: 3, threadId: ROOT }, { at: 6, threadId: ROOT }]);
      expect((await total())?.notification_count).to.equal(2);
      expect(reads).to.equal(1);
    });

    it("reads again after a read mark of the worker, or a receipt (public: the room's; private: the user's)", async () => {
      await notify([{ at: 0 }, { at: 1 }]);
      await total();
      await runInTransaction(getDb(), (tx) => store.deletePushActionsBefore(tx, [{ userId: ME, roomId: ROOM, threadId: MAIN_THREAD, before: o[1]! }], 0));
      counts.applyBatch({ actions: [], reads: [{ userId: ME, roomId: ROOM, threadId: MAIN_THREAD, before: o[1]! }], redactedRooms: new Set() });
      expect((await total())?.notification_count).to.equal(1);
      expect(reads).to.equal(2);
      await receipt("m.read", 1);
      expect(await total()).to.equal(null);
      await notify([{ at: 2 }]);
      await total();
      await receipt("m.read.private", 2);
      expect(await total()).to.equal(null);
      expect(reads).to.equal(4);
      await total();
      expect(reads).to.equal(4);
    });

    /** What the worker does with a batch's read marks: the rows deleted, then applyBatch. */
    async function mark(marks: Array<Omit<PushReadMark, "userId" | "roomId">>): Promise<void> {
      const reads = marks.map((m) => ({ userId: ME, roomId: ROOM, ...m }));
      await runInTransaction(getDb(), (tx) => store.deletePushActionsBefore(tx, reads, 0));
      counts.applyBatch({ actions: [], reads, redactedRooms: new Set() });
    }

    it("takes off what the user's own messages read without a read, in their thread or in all", async () => {
      await notify([{ at: 0 }, { at: 1, threadId: ROOT, highlight: true }, { at: 2 }, { at: 3, threadId: ROOT }]);
      await total();
      // Their message in the main timeline reads it, not the thread.
      await mark([{ threadId: MAIN_THREAD, before: o[4]! }]);
      expect(await get()).to.deep.equal({
        total: { highlight_count: 1, notification_count: 2 },
        main: { highlight_count: 0, notification_count: 0 },
        threads: new Map([[ROOT, { highlight_count: 1, notification_count: 2 }]]),
      });
      // Notifications after the kept read: a mark among them takes off those before it.
      await notify([{ at: 5, threadId: ROOT, highlight: true }, { at: 6, threadId: ROOT }]);
      await mark([{ threadId: ROOT, before: o[6]! }]);
      expect((await get())?.threads.get(ROOT)).to.deep.equal({ highlight_count: 0, notification_count: 1 });
      // An unthreaded one (leaving) reads every thread.
      await mark([{ threadId: null, before: o[7]! + 1 }]);
      expect(await get()).to.equal(undefined);
      expect(reads).to.equal(1);
    });

    it("stay equal to a fresh read across messages, own messages and receipts", async function () {
      this.timeout(60_000);
      const more = await runInTransaction(getDb(), (tx) =>
        new EventsStore(getDb()).insertEvents(
          tx,
          Array.from({ length: 400 }, (_, i) => ({ eventId: `$p${i}`, roomId: ROOM, type: "m.room.message", stateKey: null, sender: "@bob:hs.test", depth: 8 + i, originServerTs: i, json: "{}" })),
        ),
      );
      const threads = [MAIN_THREAD, ROOT, "$other"];
      const receipts = new ReceiptsStore(getDb());
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const random = seededRandom(seed);
        const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
        // Few positions per thread, so that folded notifications occur.
        const kept = new NotificationCounts({ store, worker: { waitFor: async () => true }, notifier, positionsPerThread: 2 });
        kept.start();
        const fresh = () => new NotificationCounts({ store, worker: { waitFor: async () => true }, notifier: new Notifier() }).getUnreadCounts(ME, [ROOM], 0);
        for (let i = (seed - 1) * 60, step = 0; i < seed * 60 && i < more.length; step++) {
          if (random() < 0.8) {
            // A batch of the worker: notifications, own messages (threaded marks), a leave (unthreaded).
            const actions: PushActionRow[] = [];
            const marks = new Map<string, PushReadMark>();
            for (let n = 1 + Math.floor(random() * 8); n > 0 && i < more.length; n--, i++) {
              const at = more[i]!;
              const kind = random();
              if (kind < 0.6) actions.push({ userId: ME, roomId: ROOM, streamOrdering: at, threadId: pick(threads), highlight: random() < 0.3, actions: null });
              else if (kind < 0.9) {
                const threadId = pick(threads);
                marks.set(threadId, { userId: ME, roomId: ROOM, threadId, before: at });
              } else marks.set("", { userId: ME, roomId: ROOM, threadId: null, before: at + 1 });
            }
            await runInTransaction(getDb(), async (tx) => {
              await store.insertPushActions(tx, actions);
              await store.deletePushActionsBefore(tx, [...marks.values()], 0);
            });
            kept.applyBatch({ actions, reads: [...marks.values()], redactedRooms: new Set() });
          } else {
            const receiptType = pick(["m.read", "m.read.private"]);
            const eventId = `$p${Math.floor(random() * i)}`;
            const threadId = pick([null, ...threads]);
            const streamId = await runInTransaction(getDb(), async (tx) => {
              const id = await receipts.nextStreamId(tx);
              await receipts.upsertReceipt(tx, { roomId: ROOM, receiptType, userId: ME, threadId, eventId, ts: 1, streamId: id });
              return id;
            });
            notifier.notify("receipt", streamId, receiptType === "m.read.private" ? { userIds: [ME] } : { roomIds: [ROOM] });
          }
          expect(await kept.getUnreadCounts(ME, [ROOM], 0), `seed ${seed}, step ${step}`).to.deep.equal(await fresh());
        }
        kept.stop();
        // Start the next sequence afresh.
        await runInTransaction(getDb(), (tx) => store.deletePushActionsBefore(tx, [{ userId: ME, roomId: ROOM, threadId: null, before: Number.MAX_SAFE_INTEGER }], 0));
      }
    });

    it("reads again after a redaction in the room removed notifications", async () => {
      await notify([{ at: 0 }, { at: 1 }]);
      await total();
      await runInTransaction(getDb(), (tx) => store.deletePushActionsOfEvent(tx, ROOM, "$2", [ME]));
      counts.applyBatch({ actions: [], reads: [], redactedRooms: new Set([ROOM]) });
      expect((await total())?.notification_count).to.equal(1);
      expect(reads).to.equal(2);
    });

    it("does not keep a read that a change overlapped", async () => {
      await notify([{ at: 0 }]);
      const late: PushActionRow = { userId: ME, roomId: ROOM, streamOrdering: o[1]!, threadId: MAIN_THREAD, highlight: false, actions: null };
      const slowCounts: NotificationCounts = new NotificationCounts({
        store: {
          selectReadPositions: (...args) => store.selectReadPositions(...args),
          selectUnreadCounts: async (...args) => {
            const rows = await store.selectUnreadCounts(...args);
            // The worker commits a notification after this read and before it is kept.
            await runInTransaction(getDb(), (tx) => store.insertPushActions(tx, [late]));
            slowCounts.applyBatch({ actions: [late], reads: [], redactedRooms: new Set() });
            return rows;
          },
        },
        worker: { waitFor: async () => true },
        notifier,
      });
      expect((await slowCounts.getUnreadCounts(ME, [ROOM], o[7]!)).get(ROOM)?.total.notification_count).to.equal(1);
      expect((await slowCounts.getUnreadCounts(ME, [ROOM], o[7]!)).get(ROOM)?.total.notification_count).to.equal(2);
    });
  });

  it("answers at once for no rooms", async () => {
    expect((await counts.getUnreadCounts(ME, [], 10)).size).to.equal(0);
    expect(waited).to.deep.equal([]);
  });
});
