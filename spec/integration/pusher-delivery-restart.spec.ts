/**
 * "Nothing lost" for pushes: a notification the push gateway did not take before the homeserver
 * stopped is pushed after it starts again on the same database, exactly once, from the pusher's
 * stored position; notifications older than the age bound are not pushed. A real homeserver,
 * restarted, and a push gateway on a loopback port, on both databases.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { startHomeserver, type StartedHomeserver } from "../../src/app.js";
import type { Config } from "../../src/config/config.js";
import { generateConfig } from "../../src/config/generate-config.js";
import { loadConfig } from "../../src/config/load-config.js";
import { PusherDelivery } from "../../src/services/push/pusher-delivery.js";
import { openDatabase, type HearthDataSource } from "../../src/storage/data-source.js";
import { EventsStore } from "../../src/storage/stores/events-store.js";
import { EventPushActionsStore } from "../../src/storage/stores/event-push-actions-store.js";
import { PushersStore } from "../../src/storage/stores/pushers-store.js";
import { createLogger } from "../../src/util/logger.js";
import { accountsConfig, call, registerUser } from "../helpers/accounts.js";
import { Gateway } from "../helpers/push-gateway.js";
import { closeTestDatabase, openTestDatabase, testEngines } from "../helpers/with-all-databases.js";

const V3 = "/_matrix/client/v3";

for (const engine of testEngines()) {
  describe(`services/push/pusher-delivery across restarts [${engine}]`, function () {
    this.timeout(30_000);
    const gateway = new Gateway();
    let dir: string;
    let config: Config;
    let db: HearthDataSource;
    let hs: StartedHomeserver | null = null;
    const logger = createLogger({ level: "silent", format: "pretty" });
    const base = () => ({ baseUrl: `http://127.0.0.1:${hs!.listeners.client.port}` });

    async function start(): Promise<void> {
      hs = await startHomeserver(config, { logger, database: db });
    }
    /** Stops the homeserver, which closes the database: it is opened again (the same one). */
    async function stop(): Promise<void> {
      if (hs === null) return;
      await hs.stop();
      hs = null;
      db = await openDatabase(db.databaseOptions);
    }
    /** Waits until the pusher's stored position reaches `position`. */
    async function positionReaches(userId: string, position: number): Promise<number> {
      const store = new PushersStore(db);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const stored = (await store.selectPushersOfUsers([userId]))[0]!.lastStreamOrdering;
        if (stored >= position || Date.now() > deadline) return stored;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const accepted = (eventId: string) => gateway.requests.filter((r) => r.body.notification.event_id === eventId && r.path.endsWith("/notify"));

    before(async () => {
      await gateway.start();
      dir = mkdtempSync(join(tmpdir(), "hearth-push-restart-"));
      const configPath = join(dir, "config.yaml");
      generateConfig({ serverName: "push.test", outPath: configPath, dataDir: join(dir, "data") });
      config = loadConfig(configPath);
      accountsConfig(config);
      config.listeners.client = { bind: "127.0.0.1", port: 0 };
      delete config.listeners.federation;
      db = await openTestDatabase(engine);
    });
    after(async () => {
      await stop();
      await gateway.stop();
      await closeTestDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    });

    it("pushes after a restart what the gateway did not take before, once, and moves the pusher's position", async () => {
      await start();
      const alice = await registerUser(base(), "alice");
      const bob = await registerUser(base(), "bob");
      const created = await call(base(), "POST", `${V3}/createRoom`, { token: alice.accessToken, body: { preset: "public_chat" } });
      const roomId = created.body.room_id as string;
      expect((await call(base(), "POST", `${V3}/join/${encodeURIComponent(roomId)}`, { token: bob.accessToken, body: {} })).status).to.equal(200);
      const pusher = { kind: "http", app_id: "org.example.app", pushkey: "phone", app_display_name: "Example", device_display_name: "Phone", lang: "en", data: { url: gateway.url } };
      expect((await call(base(), "POST", `${V3}/pushers/set`, { token: alice.accessToken, body: pusher })).status).to.equal(200);
      const send = async (body: string): Promise<{ eventId: string; streamOrdering: number }> => {
        const response = await call(base(), "PUT", `${V3}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${body.replace(/ /g, "-")}`, {
          token: bob.accessToken,
          body: { msgtype: "m.text", body },
        });
        expect(response.status).to.equal(200);
        const eventId = response.body.event_id as string;
        return { eventId, streamOrdering: (await new EventsStore(db).selectEventsByIds([eventId])).get(eventId)!.streamOrdering };
      };

      // The gateway is down (503): the notification is tried, not taken, and the server stops.
      gateway.respond = (request, res) => {
        request.path = "failed";
        res.statusCode = 503;
        res.end("down");
      };
      const before = await positionReaches(alice.userId, 0);
      const first = await send("while down");
      await gateway.waitFor(1);
      await stop();
      expect(await positionReaches(alice.userId, 0)).to.equal(before);
      expect(before).to.be.below(first.streamOrdering);

      // Up again, after a restart: it is pushed, and the position moves past it.
      gateway.respond = (_request, res) => res.end(JSON.stringify({ rejected: [] }));
      await start();
      await gateway.waitFor(2);
      expect(await positionReaches(alice.userId, first.streamOrdering)).to.equal(first.streamOrdering);
      const second = await send("after restart");
      expect(await positionReaches(alice.userId, second.streamOrdering)).to.equal(second.streamOrdering);

      // Another restart pushes nothing again: each was taken once.
      await stop();
      await start();
      const third = await send("after second restart");
      expect(await positionReaches(alice.userId, third.streamOrdering)).to.equal(third.streamOrdering);
      expect(accepted(first.eventId)).to.have.length(1);
      expect(accepted(second.eventId)).to.have.length(1);
      expect(accepted(third.eventId)).to.have.length(1);
      expect(gateway.requests.filter((r) => r.path.endsWith("/notify")).map((r) => r.body.notification.event_id)).to.deep.equal([first.eventId, second.eventId, third.eventId]);

      // A notification older than the age bound is not pushed after a restart; newer ones are.
      gateway.respond = (request, res) => {
        request.path = "failed";
        res.statusCode = 503;
        res.end("down");
      };
      const old = await send("old news");
      await gateway.waitFor(gateway.requests.length + 1);
      await stop();
      gateway.respond = (_request, res) => res.end(JSON.stringify({ rejected: [] }));
      const catchUp = (now: number) =>
        new PusherDelivery({
          db,
          pushers: new PushersStore(db),
          store: new EventPushActionsStore(db),
          events: { getEvents: async () => new Map() },
          currentState: { selectCurrentStateEventId: async () => null },
          counts: { getUnreadCounts: async () => new Map() },
          options: { maxAgeMs: 3_600_000 },
          now: () => now,
          lock: async () => ({ release: async () => {} }),
        });
      // Two hours later, the hour-old bound leaves it out: nothing is queued.
      const late = catchUp(Date.now() + 7_200_000);
      await late.start();
      expect(late.pendingCount()).to.equal(0);
      await late.close();
      expect(await positionReaches(alice.userId, 0)).to.equal(third.streamOrdering);
      // Now, it is queued (its event is not found by this delivery's reader: the position moves).
      const fresh = catchUp(Date.now());
      await fresh.start();
      expect(fresh.pendingCount()).to.equal(1);
      expect(await positionReaches(alice.userId, old.streamOrdering)).to.equal(old.streamOrdering);
      await fresh.close();
    });
  });
}
