/**
 * The sync module as app.ts wires it: the room engine's committed events reach sync's caches.
 */
import { expect } from "chai";
import { buildSyncServices } from "../src/app-sync.js";
import type { UserDataServices } from "../src/app-user-data.js";
import { Notifier } from "../src/sync/notifier.js";
import type { CommittedSyncEvent } from "../src/sync/sync-components.js";
import { startTestHomeserver } from "./helpers/test-homeserver.js";
import { withAllDatabases } from "./helpers/with-all-databases.js";

withAllDatabases("app-sync: the sync module in the homeserver", (getDb) => {
  it("takes the room engine's committed events into its caches", async () => {
    let listener: ((events: readonly CommittedSyncEvent[]) => void) | null = null;
    // Only their references are kept while the module is built.
    const userData = { filters: {}, typing: {}, receipts: {}, accountData: {}, presence: {} } as unknown as UserDataServices;
    const services = buildSyncServices({
      db: getDb(),
      notifier: new Notifier(),
      userData,
      authenticate: async () => {
        throw new Error("not used");
      },
      rooms: { committedEvents: { onCommitted: (l) => (listener = l) } },
    });
    const taken: Array<readonly CommittedSyncEvent[]> = [];
    services.components.rememberCommitted = (events) => void taken.push(events);
    const events = [{ streamOrdering: 7 }] as unknown as CommittedSyncEvent[];
    listener!(events);
    expect(taken).to.deep.equal([events]);
  });

  it("is fed by the homeserver's event persister", async function () {
    const hs = await startTestHomeserver({ engine: getDb().databaseOptions.engine, serverName: "appsync.test" });
    try {
      const { rooms, sync } = hs.homeserver;
      const taken: string[] = [];
      sync.components.rememberCommitted = (events) => void taken.push(...events.map((e) => e.pdu.eventId));
      const { room_id: roomId } = await rooms.creation.createRoom("@alice:appsync.test", {});
      const sent = await rooms.persister.sendLocalEvent({ roomId, sender: "@alice:appsync.test", type: "m.room.message", content: { body: "hi" } });
      expect(taken).to.include(sent.pdu.eventId);
    } finally {
      await hs.stop();
    }
  });
});
