import { expect } from "chai";
import type { Pdu } from "../../../src/room/pdu.js";
import type { EventPushResult } from "../../../src/services/push/event-push-evaluator.js";
import { PushActionsWorker } from "../../../src/services/push/push-actions-worker.js";
import type { BatchStage, StagedWork } from "../../../src/services/rooms/event-persister-types.js";
import type { RoomPushState } from "../../../src/services/push/room-push-states.js";
import { EventPushActionsStore, MAIN_THREAD } from "../../../src/storage/stores/event-push-actions-store.js";
import { EventsStore, type NewEvent } from "../../../src/storage/stores/events-store.js";
import { StateStore } from "../../../src/storage/stores/state-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { Notifier } from "../../../src/sync/notifier.js";
import { StreamToken } from "../../../src/sync/stream-token.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

const ROOM = "!room:hs.test";
const ME = "@me:hs.test";
const STATE = { joinedCount: 2, localMembers: new Map([[ME, "$member"]]) } as unknown as RoomPushState;

withAllDatabases("PushActionsWorker", (getDb) => {
  let store: EventPushActionsStore;
  let notifier: Notifier;
  let evaluated: string[];
  let prepared: string[];
  let recorded: string[];
  let forgotten: string[];
  let reads: string[];
  let evaluate: (pdu: Pdu, streamOrdering: number) => Promise<EventPushResult>;
  let errors: unknown[];
  let batches: Array<[string[], string[], string[]]>;
  let worker: PushActionsWorker;

  /** Every event notifies ME, in the main timeline. */
  const notifyMe = async (pdu: Pdu, streamOrdering: number): Promise<EventPushResult> => ({
    actions: [{ userId: ME, roomId: ROOM, streamOrdering, threadId: MAIN_THREAD, highlight: pdu.eventId.endsWith("!"), actions: null }],
    reads: [],
  });

  function newWorker(batchSize = 500): PushActionsWorker {
    return new PushActionsWorker({
      db: getDb(),
      store,
      // "$redacts:$x" redacts $x.
      events: {
        getEvents: async (ids) => {
          reads.push(...ids);
          return new Map([...ids].map((eventId) => [eventId, (eventId.startsWith("$redacts:") ? { eventId, type: "m.room.redaction", redacts: eventId.slice(9) } : { eventId, type: "m.room.message" }) as Pdu]));
        },
      },
      roomStates: {
        at: async () => STATE,
        recordAfter: async (pdu) => void recorded.push(pdu.eventId),
        forget: (roomId) => void forgotten.push(roomId),
      },
      evaluator: {
        prepare: async (pdus) => void prepared.push([...pdus].map((p) => p.eventId).join(" ")),
        evaluate: async (pdu, streamOrdering) => {
          evaluated.push(pdu.eventId);
          return evaluate(pdu, streamOrdering);
        },
      },
      notifier,
      onBatch: ({ actions, reads, redactedRooms }) => void batches.push([actions.map((a) => `${a.streamOrdering}`), [...reads].map((r) => `${r.before}`), [...redactedRooms]]),
      logger: { error: (obj: unknown) => void errors.push(obj) } as never,
      batchSize,
      retryDelayMs: 1,
      now: () => 5_000,
    });
  }

  /** Stores events (each with state groups 1 before and 2 after), without announcing them. */
  function storeEvents(ids: string[], redacted: string[] = []): Promise<number[]> {
    return runInTransaction(getDb(), async (tx) => {
      const events = new EventsStore(getDb());
      const orderings = await events.insertEvents(
        tx,
        ids.map((eventId, i): NewEvent => ({ eventId, roomId: ROOM, type: "m.room.message", stateKey: null, sender: "@bob:hs.test", depth: i, originServerTs: i, json: "{}" })),
      );
      await new StateStore(getDb()).insertEventStateGroups(tx, orderings.map((streamOrdering) => ({ streamOrdering, stateGroupBefore: 1, stateGroupAfter: 2 })));
      for (const eventId of redacted) await events.updateEventRedactedBy(tx, eventId, "$redaction");
      return orderings;
    });
  }

  async function persist(ids: string[], redacted: string[] = []): Promise<number[]> {
    const orderings = await storeEvents(ids, redacted);
    notifier.notify("pdu", orderings[orderings.length - 1]!, { roomIds: [ROOM] });
    return orderings;
  }

  const unread = async (upTo = 1_000_000) => (await store.selectUnreadCounts(ME, [{ roomId: ROOM, after: 0, upTo }]))[0] ?? null;

  beforeEach(() => {
    store = new EventPushActionsStore(getDb());
    notifier = new Notifier();
    evaluated = [];
    prepared = [];
    recorded = [];
    forgotten = [];
    reads = [];
    errors = [];
    batches = [];
    evaluate = notifyMe;
  });
  afterEach(async () => {
    await worker?.stop();
  });

  it("evaluates events committed after it started, as the notifier announces them, in batches", async () => {
    worker = newWorker(2);
    await worker.start();
    const orderings = await persist(["$1", "$2!", "$3", "$4", "$5"]);
    const last = orderings[4]!;
    expect(await worker.waitFor(last, 5_000)).to.equal(true);
    expect(worker.position()).to.equal(last);
    expect(evaluated).to.deep.equal(["$1", "$2!", "$3", "$4", "$5"]);
    // Each batch is prepared (its newcomers' rules loaded at once).
    expect(prepared).to.deep.equal(["$1 $2!", "$3 $4", "$5"]);
    expect(recorded).to.deep.equal(evaluated);
    expect(await unread()).to.deep.equal({ roomId: ROOM, threadId: MAIN_THREAD, notifications: 5, highlights: 1, last });
    expect(await store.selectProcessedPosition()).to.equal(last);
  });

  it("evaluates positions announced in pieces within one turn in one pass", async () => {
    worker = newWorker();
    await worker.start();
    const orderings = await storeEvents(["$1", "$2"]);
    notifier.notify("pdu", orderings[0]!, { roomIds: [ROOM] });
    notifier.notify("pdu", orderings[1]!, { roomIds: [ROOM] });
    expect(await worker.waitFor(orderings[1]!, 5_000)).to.equal(true);
    expect(prepared).to.deep.equal(["$1 $2"]);
    expect(batches).to.have.length(1);
  });

  it("skips events stored before it first ran, and resumes where it stopped", async () => {
    const [old] = await persist(["$old"]);
    worker = newWorker();
    await worker.start();
    expect(worker.position()).to.equal(old);
    const [next] = await persist(["$new"]);
    expect(await worker.waitFor(next!, 5_000)).to.equal(true);
    await worker.stop();
    const [later] = await persist(["$later"]);
    worker = newWorker();
    await worker.start();
    expect(await worker.waitFor(later!, 5_000)).to.equal(true);
    expect(evaluated).to.deep.equal(["$new", "$later"]);
  });

  it("does not evaluate redacted events, but follows their state", async () => {
    worker = newWorker();
    await worker.start();
    const orderings = await persist(["$gone"], ["$gone"]);
    expect(await worker.waitFor(orderings[0]!, 5_000)).to.equal(true);
    expect(evaluated).to.deep.equal([]);
    expect(recorded).to.deep.equal(["$gone"]);
  });

  it("applies read marks after the batch's rows, clearing earlier ones", async () => {
    worker = newWorker();
    await worker.start();
    evaluate = async (pdu, streamOrdering) =>
      pdu.eventId === "$mine" ? { actions: [], reads: [{ userId: ME, roomId: ROOM, threadId: MAIN_THREAD, before: streamOrdering }] } : notifyMe(pdu, streamOrdering);
    const orderings = await persist(["$1", "$2", "$mine", "$3"]);
    await worker.waitFor(orderings[3]!, 5_000);
    expect(await unread()).to.deep.include({ notifications: 1 });
    // Told once committed, with what it wrote.
    expect(batches).to.deep.equal([[[orderings[0], orderings[1], orderings[3]].map(String), [String(orderings[2])], []]]);
    // What the mark cleared stays listed, as read at the worker's time.
    expect((await store.selectNotifications(ME, null, 10, false)).map((r) => [r.streamOrdering, r.readMarked])).to.deep.equal([
      [orderings[3], false], [orderings[1], true], [orderings[0], true],
    ]);
    expect(await runInTransaction(getDb(), (tx) => store.deleteReadNotificationsBefore(tx, 5_000))).to.equal(0);
    expect(await runInTransaction(getDb(), (tx) => store.deleteReadNotificationsBefore(tx, 5_001))).to.equal(2);
  });

  it("removes what a redacted event recorded, in the same batch or a later one", async () => {
    worker = newWorker();
    await worker.start();
    evaluate = async (pdu, streamOrdering) => (pdu.type === "m.room.redaction" ? { actions: [], reads: [] } : notifyMe(pdu, streamOrdering));
    const first = await persist(["$1", "$2", "$redacts:$1"]);
    await worker.waitFor(first[2]!, 5_000);
    expect(await unread()).to.deep.include({ notifications: 1 });
    const second = await persist(["$redacts:$2"]);
    await worker.waitFor(second[0]!, 5_000);
    expect(await unread()).to.equal(null);
    expect(batches.map((b) => b[2])).to.deep.equal([[ROOM], [ROOM]]);
  });

  it("retries a failing batch, then skips it so that syncs are not held up", async () => {
    worker = newWorker();
    await worker.start();
    let calls = 0;
    evaluate = async () => {
      calls++;
      throw new Error("boom");
    };
    const [bad] = await persist(["$bad"]);
    expect(await worker.waitFor(bad!, 5_000)).to.equal(true);
    expect(calls).to.equal(3);
    expect(errors).to.have.length(3);
    evaluate = notifyMe;
    const [good] = await persist(["$good"]);
    expect(await worker.waitFor(good!, 5_000)).to.equal(true);
    expect(await unread()).to.deep.include({ notifications: 1 });
  });

  it("tells a waiter false when the position is not reached in time, or the worker stops", async () => {
    worker = newWorker();
    await worker.start();
    const now = notifier.currentToken().pdu;
    expect(await worker.waitFor(now, 0)).to.equal(true);
    expect(await worker.waitFor(now + 10, 20)).to.equal(false);
    const pending = worker.waitFor(now + 10, 5_000);
    await worker.stop();
    expect(await pending).to.equal(false);
    expect(await worker.waitFor(now + 10, 5_000)).to.equal(false);
  });

  it("starts from the notifier's position when events were announced before it started", async () => {
    notifier = new Notifier(StreamToken.from({ pdu: 0 }));
    const orderings = await storeEvents(["$x"]);
    // The worker's position is recorded first (as after an earlier run), then the event is announced.
    await runInTransaction(getDb(), (tx) => store.updateProcessedPosition(tx, orderings[0]! - 1));
    notifier.notify("pdu", orderings[0]!, { roomIds: [ROOM] });
    worker = newWorker();
    await worker.start();
    expect(await worker.waitFor(orderings[0]!, 5_000)).to.equal(true);
    expect(evaluated).to.deep.equal(["$x"]);
  });

  describe("staged in the event persister's transaction", () => {
    const persister = {
      stage: null as BatchStage | null,
      addBatchStage(stage: BatchStage) { this.stage = stage; },
      removeBatchStage(stage: BatchStage) { if (this.stage === stage) this.stage = null; },
    };
    const pdu = (eventId: string) => ({ eventId, roomId: ROOM, type: "m.room.message", content: {} }) as unknown as Pdu;
    const noReads = { getEvents: async () => new Map<string, Pdu>() };

    /** Writes `ids` as one batch would: the events, then the stage, in one transaction. */
    async function writeStaged(ids: string[], fail = false): Promise<{ orderings: number[]; staged: StagedWork | null }> {
      let staged: StagedWork | null = null;
      let orderings: number[] = [];
      try {
        await runInTransaction(getDb(), async (tx) => {
          const events = new EventsStore(getDb());
          orderings = await events.insertEvents(
            tx,
            ids.map((eventId, i): NewEvent => ({ eventId, roomId: ROOM, type: "m.room.message", stateKey: null, sender: "@bob:hs.test", depth: i, originServerTs: i, json: "{}" })),
          );
          await new StateStore(getDb()).insertEventStateGroups(tx, orderings.map((streamOrdering) => ({ streamOrdering, stateGroupBefore: 1, stateGroupAfter: 2 })));
          const stageEvents = ids.map((eventId, i) => ({ pdu: pdu(eventId), streamOrdering: orderings[i]!, groups: { before: 1, after: 2 }, visible: true }));
          staged = await persister.stage!.stage(tx, stageEvents, noReads);
          if (fail) throw new Error("the batch fails after its stage");
        });
      } catch (err) {
        (staged as StagedWork | null)?.rolledBack();
        if (!fail) throw err;
        return { orderings, staged };
      }
      (staged as StagedWork | null)?.committed();
      notifier.notify("pdu", orderings[orderings.length - 1]!, { roomIds: [ROOM] });
      return { orderings, staged };
    }

    it("commits the rows, read marks and position with the events, and reads nothing back", async () => {
      worker = newWorker();
      worker.attachTo(persister);
      expect(persister.stage).to.equal(worker);
      await worker.start();
      const { orderings, staged } = await writeStaged(["$1", "$2!"]);
      expect(staged).to.not.equal(null);
      const last = orderings[1]!;
      expect(await worker.waitFor(last, 5_000)).to.equal(true);
      expect(evaluated).to.deep.equal(["$1", "$2!"]);
      expect(reads).to.deep.equal([]);
      expect(await unread()).to.deep.equal({ roomId: ROOM, threadId: MAIN_THREAD, notifications: 2, highlights: 1, last });
      expect(await store.selectProcessedPosition()).to.equal(last);
      // The counts kept in memory were told at the commit.
      expect(batches).to.deep.equal([[orderings.map(String), [], []]]);
      await worker.stop();
      expect(persister.stage).to.equal(null);
    });

    it("leaves nothing of a batch that rolls back, and forgets the room state it moved", async () => {
      worker = newWorker();
      worker.attachTo(persister);
      await worker.start();
      const before = await store.selectProcessedPosition();
      await writeStaged(["$lost"], true);
      expect(await unread()).to.equal(null);
      expect(await store.selectProcessedPosition()).to.equal(before);
      expect(forgotten).to.deep.equal([ROOM]);
      expect(batches).to.deep.equal([]);
      // The next batch is staged as usual.
      const { orderings, staged } = await writeStaged(["$kept"]);
      expect(staged).to.not.equal(null);
      expect(await worker.waitFor(orderings[0]!, 5_000)).to.equal(true);
      expect(await unread()).to.deep.include({ notifications: 1 });
    });

    it("declines while events before the batch await evaluation, which then go first, in order", async () => {
      worker = newWorker();
      worker.attachTo(persister);
      await worker.start();
      // Another process's event, announced over Redis: this worker reads it, and is held there.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let reading!: () => void;
      const isReading = new Promise<void>((resolve) => (reading = resolve));
      evaluate = async (pdu, streamOrdering) => {
        if (pdu.eventId === "$other-process") {
          reading();
          await held;
        }
        return notifyMe(pdu, streamOrdering);
      };
      const [old] = await storeEvents(["$other-process"]);
      notifier.notify("pdu", old!, { roomIds: [ROOM] }, "remote");
      await isReading;
      const { orderings, staged } = await writeStaged(["$new"]);
      expect(staged).to.not.equal(null);
      release();
      expect(await worker.waitFor(orderings[0]!, 5_000)).to.equal(true);
      expect(evaluated).to.deep.equal(["$other-process", "$new"]);
      expect(reads).to.deep.equal(["$other-process", "$new"]);
      expect(await unread()).to.deep.include({ notifications: 2 });
    });

    it("skips staged events when it reads the events table", async () => {
      worker = newWorker();
      worker.attachTo(persister);
      await worker.start();
      let staged: StagedWork | null = null;
      const orderings = await runInTransaction(getDb(), async (tx) => {
        const events = new EventsStore(getDb());
        const written = await events.insertEvents(tx, [{ eventId: "$staged", roomId: ROOM, type: "m.room.message", stateKey: null, sender: "@bob:hs.test", depth: 1, originServerTs: 1, json: "{}" }]);
        await new StateStore(getDb()).insertEventStateGroups(tx, [{ streamOrdering: written[0]!, stateGroupBefore: 1, stateGroupAfter: 2 }]);
        staged = await persister.stage!.stage(tx, [{ pdu: pdu("$staged"), streamOrdering: written[0]!, groups: { before: 1, after: 2 }, visible: true }], noReads);
        return written;
      });
      (staged as StagedWork | null)!.committed();
      // Before this process announces it, another's later event is announced.
      const [remote] = await storeEvents(["$remote"]);
      notifier.notify("pdu", remote!, { roomIds: [ROOM] }, "remote");
      notifier.notify("pdu", orderings[0]!, { roomIds: [ROOM] });
      expect(await worker.waitFor(remote!, 5_000)).to.equal(true);
      expect(evaluated).to.deep.equal(["$staged", "$remote"]);
      expect(await unread()).to.deep.include({ notifications: 2 });
    });

    it("stages nothing when not attached to the persister", async () => {
      worker = newWorker();
      await worker.start();
      persister.stage = worker;
      const { orderings, staged } = await writeStaged(["$later"]);
      expect(staged).to.equal(null);
      expect(await worker.waitFor(orderings[0]!, 5_000)).to.equal(true);
      expect(reads).to.deep.equal(["$later"]);
    });
  });
});
