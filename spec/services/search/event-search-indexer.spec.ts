import { expect } from "chai";
import type { Pdu } from "../../../src/room/pdu.js";
import type { BatchStage, StageEvent, StagedWork } from "../../../src/services/rooms/event-persister-types.js";
import { EventSearchIndexer } from "../../../src/services/search/event-search-indexer.js";
import { EventSearchStore, type SearchQuery } from "../../../src/storage/stores/event-search-store.js";
import { EventsStore } from "../../../src/storage/stores/events-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { Notifier } from "../../../src/sync/notifier.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { describeRooms, enc, type RoomClient } from "../../api/client/rooms-fixture.js";

/** Every unredacted event of `roomIds` whose body has `word`, newest first (event IDs). */
async function hitIds(store: EventSearchStore, roomIds: string[], word: string, em?: Parameters<EventSearchStore["selectSearchHits"]>[2]): Promise<string[]> {
  const query: SearchQuery = { words: [word], roomIds, keys: ["content.body", "content.name", "content.topic"], senders: null, notSenders: null, order: "recent" };
  return (await store.selectSearchHits(query, { before: null, offset: 0, limit: 100 }, em)).map((hit) => hit.eventId);
}

describeRooms("services/search/event-search-indexer", (s) => {
  async function searchBodies(client: RoomClient, term: string, roomId: string): Promise<string[]> {
    const res = await client.request("POST", "/search", { search_categories: { room_events: { search_term: term, order_by: "recent", filter: { rooms: [roomId] } } } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return (res.body.search_categories as { room_events: { results: Array<{ result: { content: { body: string } } }> } }).room_events.results.map((r) => r.result.content.body);
  }

  it("writes a send's index row in the transaction of its event: a later stage that fails rolls both back", async () => {
    const { homeserver } = s.hs;
    const store = new EventSearchStore(homeserver.db);
    const roomId = await s.alice.createRoom();
    const before = await store.selectIndexedPosition();
    const seenInTransaction: string[][] = [];
    const failing: BatchStage = {
      stage: async (tx, events) => {
        // Added after the indexer: the batch's row is already there, uncommitted.
        if (events.some((e) => e.pdu.roomId === roomId)) seenInTransaction.push(await hitIds(store, [roomId], "wombat", tx));
        throw new Error("a later stage fails");
      },
    };
    homeserver.rooms.persister.addBatchStage(failing);
    let res;
    try {
      res = await s.alice.request("PUT", `/rooms/${enc(roomId)}/send/m.room.message/wombat-lost`, { msgtype: "m.text", body: "wombat lost" });
    } finally {
      homeserver.rooms.persister.removeBatchStage(failing);
    }
    expect(res.status).to.equal(500);
    expect(seenInTransaction).to.have.length(1);
    expect(seenInTransaction[0]).to.have.length(1);
    expect(await hitIds(store, [roomId], "wombat")).to.deep.equal([]);
    expect(await store.selectIndexedPosition()).to.equal(before);

    const kept = await s.alice.send(roomId, "wombat kept");
    // Committed with the event: stored before any search waits for the indexer.
    expect(await hitIds(store, [roomId], "wombat")).to.deep.equal([kept]);
    expect(await store.selectIndexedPosition()).to.equal(homeserver.notifier.currentToken().pdu);
    expect(await searchBodies(s.alice, "wombat", roomId)).to.deep.equal(["wombat kept"]);
  });

  it("resumes after a restart from its stored position, indexing what was sent while it was stopped", async () => {
    const { homeserver } = s.hs;
    const store = new EventSearchStore(homeserver.db);
    const roomId = await s.alice.createRoom();
    await s.alice.send(roomId, "marsupial one");
    expect(await searchBodies(s.alice, "marsupial", roomId)).to.deep.equal(["marsupial one"]);

    await homeserver.search.indexer.stop();
    const stoppedAt = await store.selectIndexedPosition();
    await s.alice.send(roomId, "marsupial two");
    const redacted = await s.alice.send(roomId, "marsupial three");
    await s.alice.request("PUT", `/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(redacted)}/x1`, {});
    const head = homeserver.notifier.currentToken().pdu;
    expect(await store.selectIndexedPosition()).to.equal(stoppedAt);
    expect(stoppedAt).to.be.below(head);

    // A new indexer (as after a restart) picks up from the stored position.
    const restarted = new EventSearchIndexer({ db: homeserver.db, store, notifier: homeserver.notifier });
    await restarted.start();
    try {
      expect(await restarted.waitFor(head, 10_000)).to.equal(true);
      expect(await store.selectIndexedPosition()).to.equal(head);
      expect(await searchBodies(s.alice, "marsupial", roomId)).to.deep.equal(["marsupial two", "marsupial one"]);
      // It follows new events too.
      await s.alice.send(roomId, "marsupial four");
      expect(await restarted.waitFor(homeserver.notifier.currentToken().pdu, 10_000)).to.equal(true);
      expect(await searchBodies(s.alice, "marsupial", roomId)).to.deep.equal(["marsupial four", "marsupial two", "marsupial one"]);
    } finally {
      await restarted.stop();
    }
  });

  it("indexes the events stored before it first ran (from position 0), in batches", async () => {
    const { homeserver } = s.hs;
    const store = new EventSearchStore(homeserver.db);
    const roomId = await s.alice.createRoom();
    for (let i = 0; i < 3; i++) await s.alice.send(roomId, `bandicoot ${i}`);
    const head = homeserver.notifier.currentToken().pdu;
    // An empty index with no position: a fresh indexer reads the events table from the start.
    const fresh = new EventSearchIndexer({
      db: homeserver.db,
      store: { ...bind(store), selectIndexedPosition: async () => 0, updateIndexedPosition: async () => {}, insertSearchRows: async (_tx, rows) => void inserted.push(...rows) },
      notifier: homeserver.notifier,
      batchSize: 2,
    });
    const inserted: Array<{ value: string }> = [];
    await fresh.start();
    try {
      expect(await fresh.waitFor(head, 10_000)).to.equal(true);
    } finally {
      await fresh.stop();
    }
    expect(inserted.map((r) => r.value).filter((v) => v.startsWith("bandicoot"))).to.deep.equal(["bandicoot 0", "bandicoot 1", "bandicoot 2"]);
  });
});

/** The store's methods, bound (to spread into a partial fake). */
function bind(store: EventSearchStore) {
  return {
    selectEventsToIndex: store.selectEventsToIndex.bind(store),
    insertSearchRows: store.insertSearchRows.bind(store),
    deleteSearchRowsOfEvents: store.deleteSearchRowsOfEvents.bind(store),
    selectIndexedPosition: store.selectIndexedPosition.bind(store),
    updateIndexedPosition: store.updateIndexedPosition.bind(store),
  };
}

withAllDatabases("EventSearchIndexer staged in the event persister's transaction", (getDb) => {
  const ROOM = "!search:hs.test";
  /** Event IDs are unique across the suite's tests, which share the database. */
  let counter = 0;
  let store: EventSearchStore;
  let notifier: Notifier;
  let indexer: EventSearchIndexer;
  /** The value of every row inserted, staged or followed, in order. */
  let inserted: string[];
  /** How many times the indexer read the events table. */
  let reads: number;
  /** Awaited before each read of the events table. */
  let beforeRead: () => Promise<void>;
  const persister = {
    stages: [] as BatchStage[],
    addBatchStage(stage: BatchStage) { this.stages.push(stage); },
    removeBatchStage(stage: BatchStage) { this.stages = this.stages.filter((s) => s !== stage); },
  };

  interface TestEvent {
    readonly eventId: string;
    readonly type: string;
    readonly content: Record<string, unknown>;
    readonly visible: boolean;
  }
  const message = (body: string, visible = true): TestEvent => ({ eventId: `$${++counter}-${body.replaceAll(" ", "-")}`, type: "m.room.message", content: { msgtype: "m.text", body }, visible });
  const redaction = (target: TestEvent): TestEvent => ({ eventId: `$${++counter}-redaction`, type: "m.room.redaction", content: { redacts: target.eventId }, visible: true });

  function newIndexer(): EventSearchIndexer {
    const real = new EventSearchStore(getDb());
    return new EventSearchIndexer({
      db: getDb(),
      store: {
        selectEventsToIndex: async (after, upTo, limit) => {
          reads++;
          await beforeRead();
          return real.selectEventsToIndex(after, upTo, limit);
        },
        insertSearchRows: async (tx, rows) => {
          inserted.push(...rows.map((r) => r.value));
          await real.insertSearchRows(tx, rows);
        },
        deleteSearchRowsOfEvents: (tx, ids) => real.deleteSearchRowsOfEvents(tx, ids),
        selectIndexedPosition: () => real.selectIndexedPosition(),
        updateIndexedPosition: (tx, position) => real.updateIndexedPosition(tx, position),
      },
      notifier,
      retryDelayMs: 1,
    });
  }

  /**
   * Writes `events` as one batch of the persister would: the events (and the marks of the
   * redactions among them), then each stage, in one transaction; then announces the last one,
   * unless `announce` is false. `fail` fails the batch after its stages.
   */
  async function writeBatch(events: TestEvent[], opts: { fail?: boolean; announce?: boolean } = {}): Promise<{ last: number; staged: StagedWork[] }> {
    const staged: StagedWork[] = [];
    let orderings: number[] = [];
    try {
      await runInTransaction(getDb(), async (tx) => {
        const eventsStore = new EventsStore(getDb());
        const json = (e: TestEvent) => ({ event_id: e.eventId, room_id: ROOM, type: e.type, sender: "@bob:hs.test", origin_server_ts: counter, content: e.content });
        orderings = await eventsStore.insertEvents(
          tx,
          events.map((e, i) => ({ eventId: e.eventId, roomId: ROOM, type: e.type, stateKey: null, sender: "@bob:hs.test", depth: i, originServerTs: counter, json: JSON.stringify(json(e)), softFailed: !e.visible })),
        );
        for (const e of events) if (e.type === "m.room.redaction") await eventsStore.updateEventRedactedBy(tx, e.content.redacts as string, e.eventId);
        const stageEvents: StageEvent[] = events.map((e, i) => ({
          pdu: { eventId: e.eventId, roomId: ROOM, type: e.type, sender: "@bob:hs.test", originServerTs: counter, content: e.content, json: json(e) } as unknown as Pdu,
          streamOrdering: orderings[i]!,
          groups: { before: 1, after: 2 },
          visible: e.visible,
        }));
        for (const stage of persister.stages) {
          const work = await stage.stage(tx, stageEvents, { getEvents: async () => new Map() });
          if (work !== null) staged.push(work);
        }
        if (opts.fail) throw new Error("the batch fails after its stages");
      });
    } catch (err) {
      for (const work of staged) work.rolledBack();
      if (!opts.fail) throw err;
      return { last: Math.max(...orderings), staged };
    }
    for (const work of staged) work.committed();
    const last = Math.max(...orderings);
    if (opts.announce !== false) notifier.notify("pdu", last, { roomIds: [ROOM] });
    return { last, staged };
  }

  /** Lets the indexer finish what follows a waitFor (its batch loop ends in microtasks). */
  const settled = () => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    store = new EventSearchStore(getDb());
    notifier = new Notifier();
    inserted = [];
    reads = 0;
    beforeRead = async () => {};
    persister.stages = [];
  });
  afterEach(async () => {
    await indexer?.stop();
  });

  it("commits a batch's rows and position in the batch's transaction, reading nothing back", async () => {
    indexer = newIndexer();
    indexer.attachTo(persister);
    expect(persister.stages).to.deep.equal([indexer]);
    await indexer.start();
    const hidden = message("koala hidden", false);
    const shown = message("koala shown");
    const { last, staged } = await writeBatch([hidden, shown, message("not this one")], { announce: false });
    expect(staged).to.have.length(1);
    // Committed, not yet announced: the row and the position are stored already.
    expect(await hitIds(store, [ROOM], "koala")).to.deep.equal([shown.eventId]);
    expect(await store.selectIndexedPosition()).to.equal(last);
    expect(inserted).to.deep.equal(["koala shown", "not this one"]);
    notifier.notify("pdu", last, { roomIds: [ROOM] });
    expect(await indexer.waitFor(last, 5_000)).to.equal(true);
    expect(reads).to.equal(0);
    await indexer.stop();
    expect(persister.stages).to.deep.equal([]);
  });

  it("leaves nothing of a batch that rolls back, and stages the next one as usual", async () => {
    indexer = newIndexer();
    indexer.attachTo(persister);
    await indexer.start();
    const before = await store.selectIndexedPosition();
    await writeBatch([message("quokka lost")], { fail: true });
    expect(await hitIds(store, [ROOM], "quokka")).to.deep.equal([]);
    expect(await store.selectIndexedPosition()).to.equal(before);
    const kept = message("quokka kept");
    const { last } = await writeBatch([kept]);
    expect(await indexer.waitFor(last, 5_000)).to.equal(true);
    expect(await hitIds(store, [ROOM], "quokka")).to.deep.equal([kept.eventId]);
    expect(reads).to.equal(0);
  });

  it("drops the rows of what a staged redaction redacts, an event of the same batch too", async () => {
    indexer = newIndexer();
    indexer.attachTo(persister);
    await indexer.start();
    const earlier = message("numbat earlier");
    const kept = message("numbat kept");
    await writeBatch([earlier, kept]);
    const same = message("numbat same batch");
    const { last } = await writeBatch([same, redaction(same), redaction(earlier)]);
    expect(await indexer.waitFor(last, 5_000)).to.equal(true);
    expect(await hitIds(store, [ROOM], "numbat")).to.deep.equal([kept.eventId]);
    expect(reads).to.equal(0);
  });

  it("indexes events from before it started, then a batch it declined meanwhile, in order and once; then stages again", async () => {
    await writeBatch([message("possum old 1"), message("possum old 2")]);
    indexer = newIndexer();
    indexer.attachTo(persister);
    // Held in its first read of the events table, as a restart catching up would be.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    beforeRead = () => held;
    await indexer.start();
    const { last: declinedAt } = await writeBatch([message("possum declined")]);
    expect(inserted).to.deep.equal([]);
    release();
    expect(await indexer.waitFor(declinedAt, 5_000)).to.equal(true);
    await settled();
    expect(inserted.filter((v) => v.startsWith("possum"))).to.deep.equal(["possum old 1", "possum old 2", "possum declined"]);
    const readsCatchingUp = reads;
    const staged = message("possum staged");
    const { last } = await writeBatch([staged], { announce: false });
    expect(await hitIds(store, [ROOM], "possum")).to.include(staged.eventId);
    notifier.notify("pdu", last, { roomIds: [ROOM] });
    expect(await indexer.waitFor(last, 5_000)).to.equal(true);
    expect(reads).to.equal(readsCatchingUp);
    expect(inserted.filter((v) => v.startsWith("possum"))).to.deep.equal(["possum old 1", "possum old 2", "possum declined", "possum staged"]);
  });

  it("declines while another process's events are being read, which are indexed first", async () => {
    indexer = newIndexer();
    indexer.attachTo(persister);
    await indexer.start();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reading!: () => void;
    const isReading = new Promise<void>((resolve) => (reading = resolve));
    beforeRead = async () => {
      reading();
      await held;
    };
    // Another process's event, announced over Redis: this indexer reads it, and is held there.
    const { last: remote } = await writeBatch([message("wallaby other process")], { announce: false });
    notifier.notify("pdu", remote, { roomIds: [ROOM] }, "remote");
    await isReading;
    const { last } = await writeBatch([message("wallaby new")]);
    release();
    expect(await indexer.waitFor(last, 5_000)).to.equal(true);
    expect(inserted).to.deep.equal(["wallaby other process", "wallaby new"]);
  });

  it("skips staged events when it reads the events table, indexing each event once", async () => {
    indexer = newIndexer();
    indexer.attachTo(persister);
    await indexer.start();
    const { last: local } = await writeBatch([message("dingo staged")], { announce: false });
    // Before this process announces its batch, another's later event is announced.
    const { last: remote } = await writeBatch([message("dingo remote")], { announce: false });
    notifier.notify("pdu", remote, { roomIds: [ROOM] }, "remote");
    notifier.notify("pdu", local, { roomIds: [ROOM] });
    expect(await indexer.waitFor(remote, 5_000)).to.equal(true);
    expect(reads).to.be.above(0);
    expect(inserted).to.deep.equal(["dingo staged", "dingo remote"]);
  });
});
