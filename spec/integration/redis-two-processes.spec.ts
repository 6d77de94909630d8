/**
 * DESIGN.md "Scaling": two Hearth processes on one PostgreSQL database and one Redis. A long-poll
 * on process A wakes within milliseconds when a message is sent through process B: the notifier's
 * positions cross processes over Redis pub/sub. Runs when both HEARTH_TEST_POSTGRES_URL and
 * HEARTH_TEST_REDIS_URL are set (CI's second run); without them the suite is not registered.
 */
import { expect } from "chai";
import { call, registerUser } from "../helpers/accounts.js";
import { startSharedHomeservers, type SharedHomeservers } from "../helpers/shared-homeservers.js";

const pgUrl = process.env.HEARTH_TEST_POSTGRES_URL;
const redisUrl = process.env.HEARTH_TEST_REDIS_URL;

if (pgUrl && redisUrl) {
  describe("integration: two processes share PostgreSQL and Redis", function () {
    this.timeout(30_000);
    let servers: SharedHomeservers;
    before(async () => {
      servers = await startSharedHomeservers("scale.test", redisUrl);
    });
    after(async () => servers?.stop());

    it("a message sent through B wakes a long-poll on A", async () => {
      const { a, b, base } = servers;
      const alice = await registerUser(base(a), "alice");
      const created = await call(base(a), "POST", "/_matrix/client/v3/createRoom", { token: alice.accessToken, body: {} });
      const roomId = created.body.room_id as string;
      const first = await call(base(a), "GET", "/_matrix/client/v3/sync?timeout=0", { token: alice.accessToken });
      const since = first.body.next_batch as string;

      const started = Date.now();
      const poll = call(base(a), "GET", `/_matrix/client/v3/sync?timeout=20000&since=${encodeURIComponent(since)}`, { token: alice.accessToken });
      await new Promise((r) => setTimeout(r, 300)); // the poll is waiting on A's notifier
      const sent = await call(base(b), "PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t1`, {
        token: alice.accessToken,
        body: { msgtype: "m.text", body: "through B" },
      });
      expect(sent.status).to.equal(200);
      const woke = await poll;
      const elapsed = Date.now() - started;
      const rooms = woke.body.rooms as { join: Record<string, { timeline: { events: Array<{ event_id: string }> } }> };
      expect(rooms.join[roomId]!.timeline.events.map((e) => e.event_id)).to.include(sent.body.event_id);
      // Far below the 20 s timeout: the wake-up came over Redis, not from the poll expiring.
      expect(elapsed).to.be.lessThan(10_000);
    });
  });
}
