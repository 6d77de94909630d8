/**
 * config.yaml's `push.notifications_*` keys reach the pruning of read notifications: with a
 * one-second interval (the default is an hour), GET /notifications stops listing what the keys
 * say to drop, by count per user on one homeserver and by age on another.
 */
import { expect } from "chai";
import type { Config } from "../../src/config/config.js";
import { accountsConfig, registerUser } from "../helpers/accounts.js";
import { startTestHomeserver, type TestHomeserver } from "../helpers/test-homeserver.js";
import { testEngines } from "../helpers/with-all-databases.js";
import { roomClient, SERVER, type RoomClient } from "../api/client/rooms-fixture.js";

for (const engine of testEngines()) {
  describe(`push: pruning read notifications as config.yaml says [${engine}]`, function () {
    this.timeout(20_000);

    async function homeserver(push: Partial<Config["push"]>): Promise<{ hs: TestHomeserver; alice: RoomClient; bob: RoomClient }> {
      const hs = await startTestHomeserver({
        engine,
        serverName: SERVER,
        configure: (config) => {
          accountsConfig(config);
          config.push = { ...config.push, notifications_prune_interval_ms: 1_000, ...push };
        },
      });
      const alice = roomClient(hs, await registerUser(hs, "alice"));
      const bob = roomClient(hs, await registerUser(hs, "bob"));
      return { hs, alice, bob };
    }

    /** Bob sends alice three messages, then alice reads them all by sending one. */
    async function readThree(alice: RoomClient, bob: RoomClient): Promise<string[]> {
      const roomId = await alice.createRoom({ preset: "public_chat" });
      expect((await bob.join(roomId)).status).to.equal(200);
      const sent = [await bob.send(roomId, "one"), await bob.send(roomId, "two"), await bob.send(roomId, "three")];
      await alice.send(roomId, "read them");
      return sent;
    }

    async function listed(user: RoomClient): Promise<Array<{ id: string; read: boolean }>> {
      const res = await user.request("GET", "/notifications");
      expect(res.status).to.equal(200);
      return (res.body.notifications as Array<{ event: { event_id: string }; read: boolean }>).map((n) => ({ id: n.event.event_id, read: n.read }));
    }

    /** Lists alice's notifications until there are `count` (the mocha timeout fails the test otherwise). */
    async function untilListed(user: RoomClient, count: number): Promise<Array<{ id: string; read: boolean }>> {
      for (;;) {
        const now = await listed(user);
        if (now.length === count) return now;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    it("keeps push.notifications_keep_read_per_user read notifications of a user who read", async () => {
      const { hs, alice, bob } = await homeserver({ notifications_keep_read_per_user: 1 });
      try {
        const sent = await readThree(alice, bob);
        expect(await listed(alice)).to.deep.equal([...sent].reverse().map((id) => ({ id, read: true })));
        expect(await untilListed(alice, 1)).to.deep.equal([{ id: sent[2], read: true }]);
      } finally {
        await hs.stop();
      }
    });

    it("drops read notifications older than push.notifications_keep_read_ms, and keeps unread ones", async () => {
      const { hs, alice, bob } = await homeserver({ notifications_keep_read_ms: 0 });
      try {
        await readThree(alice, bob);
        const roomId = await bob.createRoom({ preset: "public_chat" });
        expect((await alice.join(roomId)).status).to.equal(200);
        const unread = await bob.send(roomId, "unread");
        expect(await untilListed(alice, 1)).to.deep.equal([{ id: unread, read: false }]);
      } finally {
        await hs.stop();
      }
    });
  });
}
