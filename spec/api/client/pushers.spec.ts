/**
 * POST /pushers/set, GET /pushers, delivery to a push gateway, and GET /notifications, through
 * the homeserver on both databases. The push gateway is a real HTTP server on a loopback port.
 */
import { expect } from "chai";
import { PushersStore } from "../../../src/storage/stores/pushers-store.js";
import { Gateway } from "../../helpers/push-gateway.js";
import { describeRooms, expectError, type RoomClient } from "./rooms-fixture.js";

describeRooms("client: pushers and notifications", (suite) => {
  let counter = 0;
  const gateway = new Gateway();
  before(() => gateway.start());
  after(() => gateway.stop());
  beforeEach(() => {
    gateway.requests.length = 0;
    gateway.respond = (_req, res) => res.end(JSON.stringify({ rejected: [] }));
  });

  const fresh = (): Promise<RoomClient> => suite.newUser(`pushed${++counter}`);
  const pusher = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    kind: "http",
    app_id: "org.example.app",
    pushkey: "key-1",
    app_display_name: "Example",
    device_display_name: "Phone",
    lang: "en",
    data: { url: gateway.url },
    ...overrides,
  });
  const setPusher = (user: RoomClient, body: Record<string, unknown>) => user.request("POST", "/pushers/set", body);
  const pushersOf = async (user: RoomClient): Promise<Array<Record<string, unknown>>> => {
    const response = await user.request("GET", "/pushers");
    expect(response.status).to.equal(200);
    return response.body.pushers as Array<Record<string, unknown>>;
  };
  async function roomOf(owner: RoomClient, ...others: RoomClient[]): Promise<string> {
    const roomId = await owner.createRoom({ preset: "public_chat", name: "Mission Control" });
    for (const other of others) expect((await other.join(roomId)).status).to.equal(200);
    return roomId;
  }

  describe("POST /pushers/set", () => {
    it("answers M_MISSING_PARAM naming the missing fields", async () => {
      const user = await fresh();
      const { kind: _k, app_id: _a, ...rest } = pusher();
      const missingKey = await setPusher(user, rest);
      expectError(missingKey, 400, "M_MISSING_PARAM");
      expect(missingKey.body.error).to.contain("kind").and.to.contain("app_id");
      const { lang: _l, data: _d, ...noLang } = pusher();
      const missing = await setPusher(user, noLang);
      expectError(missing, 400, "M_MISSING_PARAM");
      expect(missing.body.error).to.equal("Missing parameters: lang, data");
      expectError(await setPusher(user, pusher({ data: {} })), 400, "M_MISSING_PARAM");
    });

    it("checks the URL, format, lengths, kind and types", async () => {
      const user = await fresh();
      const bad = async (overrides: Record<string, unknown>, errcode: string) => expectError(await setPusher(user, pusher(overrides)), 400, errcode);
      await bad({ data: { url: "not a url" } }, "M_INVALID_PARAM");
      await bad({ data: { url: "https://push.example.org/_matrix/push/v1/other" } }, "M_INVALID_PARAM");
      await bad({ data: { url: "http://push.example.org/_matrix/push/v1/notify" } }, "M_INVALID_PARAM");
      await bad({ data: { url: gateway.url, format: "full" } }, "M_INVALID_PARAM");
      await bad({ app_id: "a".repeat(65) }, "M_INVALID_PARAM");
      await bad({ pushkey: "é".repeat(257) }, "M_INVALID_PARAM");
      await bad({ kind: "email" }, "M_INVALID_PARAM");
      await bad({ append: "yes" }, "M_BAD_JSON");
      await bad({ data: { url: 42 } }, "M_BAD_JSON");
      expect(await pushersOf(user)).to.deep.equal([]);
      // The limits themselves are allowed, and https anywhere.
      const ok = await setPusher(user, pusher({ app_id: "a".repeat(64), pushkey: "k".repeat(512), data: { url: "https://push.example.org/_matrix/push/v1/notify" } }));
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
      expect(ok.body).to.deep.equal({});
    });

    it("creates, replaces (same app_id and pushkey), lists and deletes (kind null), also on r0", async () => {
      const user = await fresh();
      expect((await setPusher(user, pusher({ profile_tag: "tag", data: { url: gateway.url, format: "event_id_only", custom: 1 } }))).status).to.equal(200);
      expect((await setPusher(user, pusher({ pushkey: "key-2" }))).status).to.equal(200);
      expect((await setPusher(user, pusher({ device_display_name: "New phone" }))).status).to.equal(200);
      const listed = await pushersOf(user);
      expect(listed.map((p) => [p.pushkey, p.device_display_name])).to.have.deep.members([["key-1", "New phone"], ["key-2", "Phone"]]);
      expect(listed.find((p) => p.pushkey === "key-1")).to.deep.equal({
        pushkey: "key-1", kind: "http", app_id: "org.example.app", app_display_name: "Example", device_display_name: "New phone", lang: "en", data: { url: gateway.url },
      });
      const r0 = await user.request("GET", "/_matrix/client/r0/pushers");
      expect(r0.body.pushers).to.have.length(2);
      expect((await setPusher(user, { kind: null, app_id: "org.example.app", pushkey: "key-1" })).status).to.equal(200);
      expect((await pushersOf(user)).map((p) => p.pushkey)).to.deep.equal(["key-2"]);
      // Deleting what is not there is fine.
      expect((await user.request("POST", "/_matrix/client/r0/pushers/set", { kind: null, app_id: "org.example.app", pushkey: "key-1" })).status).to.equal(200);
    });

    it("removes other users' pusher with the same app_id and pushkey unless append is true", async () => {
      const [a, b, c] = [await fresh(), await fresh(), await fresh()];
      await setPusher(a, pusher({ pushkey: "shared" }));
      await setPusher(b, pusher({ pushkey: "shared", append: true }));
      expect(await pushersOf(a)).to.have.length(1);
      expect(await pushersOf(b)).to.have.length(1);
      await setPusher(c, pusher({ pushkey: "shared" }));
      expect(await pushersOf(a)).to.deep.equal([]);
      expect(await pushersOf(b)).to.deep.equal([]);
      expect(await pushersOf(c)).to.have.length(1);
    });

    it("removes the pushers a device set when it logs out", async () => {
      const user = await fresh();
      await setPusher(user, pusher());
      const store = new PushersStore(suite.hs.homeserver.db);
      expect(await store.selectPushersOfUsers([user.userId])).to.have.length(1);
      expect((await user.request("POST", "/logout", {})).status).to.equal(200);
      expect(await store.selectPushersOfUsers([user.userId])).to.deep.equal([]);
    });
  });

  describe("delivery", () => {
    it("POSTs the notification to the gateway with the event, counts, priority and tweaks", async () => {
      const [alice, bob, carol] = [await fresh(), await fresh(), await fresh()];
      const roomId = await roomOf(alice, bob, carol);
      await setPusher(alice, pusher({ pushkey: `alice-${counter}`, data: { url: gateway.url, custom: "kept" } }));
      const plain = await bob.send(roomId, "hello all");
      const [first] = await gateway.waitFor(1);
      expect(first!.path).to.equal("/_matrix/push/v1/notify");
      const { devices, ...rest } = first!.body.notification;
      expect(rest).to.deep.equal({
        event_id: plain,
        room_id: roomId,
        type: "m.room.message",
        sender: bob.userId,
        sender_display_name: bob.userId.slice(1, bob.userId.indexOf(":")),
        room_name: "Mission Control",
        content: { msgtype: "m.text", body: "hello all" },
        prio: "low",
        counts: { unread: 1 },
      });
      expect(devices).to.have.length(1);
      const { pushkey_ts: ts, ...device } = devices[0]!;
      expect(device).to.deep.equal({ app_id: "org.example.app", pushkey: `alice-${counter}`, data: { custom: "kept" }, tweaks: {} });
      expect(ts).to.be.a("number").and.to.be.within(Date.now() / 1000 - 60, Date.now() / 1000 + 1);

      const mention = await bob.send(roomId, { msgtype: "m.text", body: "alice!", "m.mentions": { user_ids: [alice.userId] } });
      const second = (await gateway.waitFor(2))[1]!.body.notification;
      expect(second.event_id).to.equal(mention);
      expect(second.prio).to.equal("high");
      expect(second.counts).to.deep.equal({ unread: 2 });
      // .m.rule.is_user_mention: ["notify", sound "default", highlight].
      expect(second.devices[0]!.tweaks).to.deep.equal({ sound: "default", highlight: true });
      // Carol has no pusher; Bob sent them: nothing else was pushed.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(gateway.requests).to.have.length(2);
    });

    it("sends the matched rule's tweaks, with prio high for a sound", async () => {
      const [alice, bob] = [await fresh(), await fresh()];
      const roomId = await roomOf(alice, bob);
      await setPusher(alice, pusher({ pushkey: `tweaks-${counter}` }));
      // A room of two: .m.rule.room_one_to_one, ["notify", sound "default"].
      await bob.send(roomId, "just us");
      const first = (await gateway.waitFor(1))[0]!.body.notification;
      expect(first.devices[0]!.tweaks).to.deep.equal({ sound: "default" });
      expect(first.prio).to.equal("high");
      // A rule of Alice's own: its sound and a tweak the spec does not define pass through.
      const actions = ["notify", { set_tweak: "sound", value: "cakealarm.wav" }, { set_tweak: "org.example.flash", value: "red" }];
      const put = await alice.request("PUT", `/pushrules/global/content/cake`, { pattern: "cake", actions });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      await bob.send(roomId, "cake time");
      const second = (await gateway.waitFor(2))[1]!.body.notification;
      expect(second.devices[0]!.tweaks).to.deep.equal({ sound: "cakealarm.wav", "org.example.flash": "red" });
      expect(second.prio).to.equal("high");
      const listed = (await alice.request("GET", "/notifications")).body.notifications as Array<{ actions: unknown }>;
      expect(listed.map((n) => n.actions)).to.deep.equal([actions, ["notify", { set_tweak: "sound", value: "default" }]]);
    });

    it("sends only the IDs and counts with format event_id_only", async () => {
      const [alice, bob] = [await fresh(), await fresh()];
      const roomId = await roomOf(alice, bob);
      await setPusher(alice, pusher({ pushkey: `ids-${counter}`, data: { url: gateway.url, format: "event_id_only" } }));
      const eventId = await bob.send(roomId, "secret");
      const notification = (await gateway.waitFor(1))[0]!.body.notification;
      expect(Object.keys(notification).sort()).to.deep.equal(["counts", "devices", "event_id", "prio", "room_id"]);
      expect(notification.event_id).to.equal(eventId);
      expect(notification.devices[0]!.data).to.deep.equal({ format: "event_id_only" });
    });

    it("deletes a pusher whose pushkey the gateway rejects", async () => {
      const [alice, bob] = [await fresh(), await fresh()];
      const roomId = await roomOf(alice, bob);
      await setPusher(alice, pusher({ pushkey: "doomed" }));
      gateway.respond = (_req, res) => res.end(JSON.stringify({ rejected: ["doomed"] }));
      await bob.send(roomId, "one");
      await gateway.waitFor(1);
      const deadline = Date.now() + 5_000;
      while ((await pushersOf(alice)).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await pushersOf(alice)).to.deep.equal([]);
      await bob.send(roomId, "two");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(gateway.requests).to.have.length(1);
    });

    it("retries a failing gateway, and a gateway that does not answer blocks no send", async () => {
      const [alice, bob] = [await fresh(), await fresh()];
      const roomId = await roomOf(alice, bob);
      await setPusher(alice, pusher({ pushkey: `retried-${counter}` }));
      let failures = 1;
      gateway.respond = (_req, res) => {
        if (failures-- > 0) {
          res.statusCode = 502;
          res.end("bad gateway");
        } else res.end(JSON.stringify({ rejected: [] }));
      };
      const eventId = await bob.send(roomId, "again");
      const [failed, retried] = await gateway.waitFor(2);
      expect(failed!.body.notification.event_id).to.equal(eventId);
      expect(retried!.body.notification.event_id).to.equal(eventId);
      expect((await pushersOf(alice))).to.have.length(1);

      // Now the gateway never answers: sends and syncs go on.
      gateway.respond = () => undefined;
      for (let i = 0; i < 5; i++) await bob.send(roomId, `unanswered ${i}`);
      expect((await alice.request("GET", "/sync")).status).to.equal(200);
      await gateway.waitFor(3);
      expect(gateway.requests).to.have.length(3);
    });
  });

  describe("GET /notifications", () => {
    it("lists notifications newest first, paginates, filters highlights and tells what is read", async () => {
      const [alice, bob, carol] = [await fresh(), await fresh(), await fresh()];
      const roomId = await roomOf(alice, bob, carol);
      const sent: string[] = [];
      for (let i = 0; i < 5; i++) {
        const content = i % 2 === 0 ? { msgtype: "m.text", body: `ping ${i}`, "m.mentions": { user_ids: [alice.userId] } } : { msgtype: "m.text", body: `chat ${i}` };
        sent.push(await bob.send(roomId, content));
      }
      // Alice reads up to the second message.
      expect((await alice.request("POST", `/rooms/${encodeURIComponent(roomId)}/receipt/m.read/${encodeURIComponent(sent[1]!)}`, {})).status).to.equal(200);
      await suite.hs.homeserver.push.worker.waitFor(Number.MAX_SAFE_INTEGER, 0);

      const page1 = await alice.request("GET", "/notifications?limit=3");
      expect(page1.status, JSON.stringify(page1.body)).to.equal(200);
      const notifications = page1.body.notifications as Array<Record<string, unknown> & { event: Record<string, unknown> }>;
      expect(notifications.map((n) => n.event.event_id)).to.deep.equal([sent[4], sent[3], sent[2]]);
      expect(notifications[0]).to.include({ room_id: roomId, read: false });
      expect(notifications[0]!.actions).to.deep.equal(["notify", { set_tweak: "sound", value: "default" }, { set_tweak: "highlight" }]);
      expect(notifications[1]!.actions).to.deep.equal(["notify"]);
      expect(notifications[0]!.event).to.include({ type: "m.room.message", sender: bob.userId });
      expect(notifications[0]!.event).to.not.have.property("room_id");
      expect(notifications[0]!.ts).to.equal(notifications[0]!.event.origin_server_ts);
      expect(page1.body.next_token).to.be.a("string");

      const page2 = await alice.request("GET", `/_matrix/client/r0/notifications?limit=3&from=${String(page1.body.next_token)}`);
      const rest = page2.body.notifications as Array<{ event: { event_id: string }; read: boolean }>;
      expect(rest.map((n) => [n.event.event_id, n.read])).to.deep.equal([[sent[1], true], [sent[0], true]]);
      expect(page2.body).to.not.have.property("next_token");

      const highlights = await alice.request("GET", "/notifications?only=highlight");
      expect((highlights.body.notifications as Array<{ event: { event_id: string } }>).map((n) => n.event.event_id)).to.deep.equal([sent[4], sent[2], sent[0]]);
      expectError(await alice.request("GET", "/notifications?from=abc"), 400, "M_INVALID_PARAM");
      // Carol was notified of the same messages; Bob, who sent them, of none.
      expect((await carol.request("GET", "/notifications")).body.notifications).to.have.length(5);
      expect((await bob.request("GET", "/notifications")).body.notifications).to.deep.equal([]);
    });

    it("keeps listing notifications, as read, after the user sends a message in the room, and after they leave", async () => {
      const [alice, bob, carol] = [await fresh(), await fresh(), await fresh()];
      const roomId = await roomOf(alice, bob, carol);
      const sent = [
        await bob.send(roomId, "one"),
        await bob.send(roomId, { msgtype: "m.text", body: "two", "m.mentions": { user_ids: [alice.userId] } }),
      ];
      // Alice answers: her own message reads what came before it.
      await alice.send(roomId, "answer");
      sent.push(await bob.send(roomId, "three"), await bob.send(roomId, { msgtype: "m.text", body: "four", "m.mentions": { user_ids: [alice.userId] } }));
      await suite.hs.homeserver.push.worker.waitFor(Number.MAX_SAFE_INTEGER, 0);
      type Listed = Array<{ event: { event_id: string }; read: boolean; actions: unknown[] }>;
      const list = async (query: string): Promise<{ notifications: Listed; next_token?: string }> => {
        const response = await alice.request("GET", `/notifications${query}`);
        expect(response.status, JSON.stringify(response.body)).to.equal(200);
        return response.body as unknown as { notifications: Listed; next_token?: string };
      };
      const all = await list("");
      expect(all.notifications.map((n) => [n.event.event_id, n.read])).to.deep.equal([[sent[3], false], [sent[2], false], [sent[1], true], [sent[0], true]]);
      expect(all.notifications[2]!.actions).to.deep.equal(["notify", { set_tweak: "sound", value: "default" }, { set_tweak: "highlight" }]);
      // Pages run across unread and read ones.
      const page1 = await list("?limit=3");
      expect(page1.notifications.map((n) => n.event.event_id)).to.deep.equal([sent[3], sent[2], sent[1]]);
      const page2 = await list(`?limit=3&from=${page1.next_token!}`);
      expect(page2.notifications.map((n) => n.event.event_id)).to.deep.equal([sent[0]]);
      expect(page2).to.not.have.property("next_token");
      expect((await list("?only=highlight")).notifications.map((n) => [n.event.event_id, n.read])).to.deep.equal([[sent[3], false], [sent[1], true]]);
      // The unread counts still count only what came after her message.
      const synced = await alice.request("GET", "/sync");
      expect((synced.body.rooms as { join: Record<string, { unread_notifications: unknown }> }).join[roomId]!.unread_notifications).to.deep.equal({ notification_count: 2, highlight_count: 1 });
      // Leaving reads everything; it all stays listed.
      expect((await alice.request("POST", `/rooms/${encodeURIComponent(roomId)}/leave`, {})).status).to.equal(200);
      await suite.hs.homeserver.push.worker.waitFor(Number.MAX_SAFE_INTEGER, 0);
      expect((await list("")).notifications.map((n) => [n.event.event_id, n.read])).to.deep.equal([[sent[3], true], [sent[2], true], [sent[1], true], [sent[0], true]]);
      // Carol, who never read, still has Bob's four and Alice's answer unread.
      expect(((await carol.request("GET", "/notifications")).body.notifications as Listed).map((n) => n.read)).to.deep.equal([false, false, false, false, false]);
    });
  });
});
