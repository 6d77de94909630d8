/**
 * Pusher delivery with two processes on one PostgreSQL database and one Redis: both evaluate
 * every event, but only the process holding the delivery lock pushes, so each notification
 * reaches the gateway once, whichever process the message was sent through. Runs when both
 * HEARTH_TEST_POSTGRES_URL and HEARTH_TEST_REDIS_URL are set.
 */
import { expect } from "chai";
import { EventsStore } from "../../src/storage/stores/events-store.js";
import { PushersStore } from "../../src/storage/stores/pushers-store.js";
import { call, registerUser } from "../helpers/accounts.js";
import { Gateway } from "../helpers/push-gateway.js";
import { startSharedHomeservers, type SharedHomeservers } from "../helpers/shared-homeservers.js";

const pgUrl = process.env.HEARTH_TEST_POSTGRES_URL;
const redisUrl = process.env.HEARTH_TEST_REDIS_URL;
const V3 = "/_matrix/client/v3";

if (pgUrl && redisUrl) {
  describe("integration: pusher delivery with two processes", function () {
    this.timeout(30_000);
    let servers: SharedHomeservers;
    const gateway = new Gateway();
    before(async () => {
      await gateway.start();
      servers = await startSharedHomeservers("push-scale.test", redisUrl);
    });
    after(async () => {
      await servers?.stop();
      await gateway.stop();
    });

    it("pushes from one process only, messages sent through either", async () => {
      const { a, b, base } = servers;
      const owners = [a, b].filter((hs) => hs.homeserver.push.delivery.owner);
      expect(owners).to.have.length(1);
      const other = owners[0] === a ? b : a;
      const alice = await registerUser(base(a), "alice");
      const bob = await registerUser(base(a), "bob");
      const roomId = (await call(base(a), "POST", `${V3}/createRoom`, { token: alice.accessToken, body: { preset: "public_chat" } })).body.room_id as string;
      expect((await call(base(a), "POST", `${V3}/join/${encodeURIComponent(roomId)}`, { token: bob.accessToken, body: {} })).status).to.equal(200);
      const pusher = { kind: "http", app_id: "org.example.app", pushkey: "phone", app_display_name: "Example", device_display_name: "Phone", lang: "en", data: { url: gateway.url } };
      expect((await call(base(b), "POST", `${V3}/pushers/set`, { token: alice.accessToken, body: pusher })).status).to.equal(200);

      const sent: string[] = [];
      for (const [i, hs] of [other, owners[0]!, other].entries()) {
        const response = await call(base(hs), "PUT", `${V3}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/m${i}`, { token: bob.accessToken, body: { msgtype: "m.text", body: `m${i}` } });
        expect(response.status).to.equal(200);
        sent.push(response.body.event_id as string);
      }
      await gateway.waitFor(3);
      // The last is taken (the position stored): every earlier one was sent before it, by the same process.
      const db = a.homeserver.db;
      const last = (await new EventsStore(db).selectEventsByIds([sent[2]!])).get(sent[2]!)!.streamOrdering;
      const deadline = Date.now() + 10_000;
      while ((await new PushersStore(db).selectPushersOfUsers([alice.userId]))[0]!.lastStreamOrdering < last && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(other.homeserver.push.delivery.pendingCount()).to.equal(0);
      expect(gateway.requests.map((r) => r.body.notification.event_id)).to.deep.equal(sent);
    });
  });
}
