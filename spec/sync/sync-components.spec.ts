import { expect } from "chai";
import type { StateStore } from "../../src/storage/stores/state-store.js";
import { withAllDatabases } from "../helpers/with-all-databases.js";
import { makeStores } from "../services/rooms/event-persister-fixture.js";
import { ALICE, BOB, DEVICE, makeSyncFixture } from "./sync-fixture.js";

withAllDatabases("createSyncComponents: events the writer hands over", function (getDb) {
  /** A sync fixture whose state store counts the event-group reads, fed by the persister or not. */
  function fixture(fed: boolean): { f: ReturnType<typeof makeSyncFixture>; groupReads: string[] } {
    const groupReads: string[] = [];
    const states = makeStores(getDb()).state;
    const stateStore: Pick<StateStore, "selectEventStateGroups" | "selectStateGroup"> = {
      selectEventStateGroups: (eventIds, em) => {
        groupReads.push(...eventIds);
        return states.selectEventStateGroups(eventIds, em);
      },
      selectStateGroup: (group, em) => states.selectStateGroup(group, em),
    };
    const f = makeSyncFixture(getDb(), { stateStore });
    if (fed) f.persister.onCommitted((events) => f.sync.rememberCommitted(events));
    return { f, groupReads };
  }

  for (const fed of [false, true]) {
    it(`serves new events with their transaction IDs, ${fed ? "without reading back what it was handed" : "reading their groups back when not fed"}`, async function () {
      const { f, groupReads } = fixture(fed);
      const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
      await f.membership.join(BOB, roomId);
      const first = await f.syncOnce(ALICE);
      const eventId = await f.send(roomId, ALICE, "hello", "txn-1");
      groupReads.length = 0;
      const next = await f.syncOnce(ALICE, { since: first.next_batch });
      const [event] = next.rooms.join[roomId]!.timeline!.events;
      expect(event).to.deep.include({ event_id: eventId });
      expect(event!.unsigned).to.deep.include({ transaction_id: "txn-1" });
      expect(groupReads.includes(eventId)).to.equal(!fed);
      const other = await f.syncOnce(BOB, { since: first.next_batch, deviceId: `${DEVICE}2` });
      expect(other.rooms.join[roomId]!.timeline!.events[0]!.unsigned).to.not.have.property("transaction_id");
    });
  }

  it("marks an event it was handed as redacted when its redaction arrives", async function () {
    const { f } = fixture(true);
    const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
    const first = await f.syncOnce(ALICE);
    const target = await f.send(roomId, ALICE, "oops");
    await f.syncOnce(ALICE, { since: first.next_batch });
    const redaction = await f.events.redact(ALICE, roomId, target);
    const later = await f.syncOnce(ALICE, { since: first.next_batch });
    const events = later.rooms.join[roomId]!.timeline!.events;
    expect(events.map((e) => e.event_id)).to.deep.equal([target, redaction]);
    expect(events[0]!.content).to.deep.equal({});
    expect(events[0]!.unsigned).to.have.property("redacted_because");
  });
});
