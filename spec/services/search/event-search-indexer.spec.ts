import { expect } from "chai";
import { EventSearchIndexer } from "../../../src/services/search/event-search-indexer.js";
import { EventSearchStore } from "../../../src/storage/stores/event-search-store.js";
import { describeRooms, type RoomClient } from "../../api/client/rooms-fixture.js";

describeRooms("services/search/event-search-indexer", (s) => {
  async function searchBodies(client: RoomClient, term: string, roomId: string): Promise<string[]> {
    const res = await client.request("POST", "/search", { search_categories: { room_events: { search_term: term, order_by: "recent", filter: { rooms: [roomId] } } } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return (res.body.search_categories as { room_events: { results: Array<{ result: { content: { body: string } } }> } }).room_events.results.map((r) => r.result.content.body);
  }

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
