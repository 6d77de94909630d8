/**
 * /sync driven by a real client library, matrix-js-sdk: two users registered through the real
 * /register run the SDK's sync loop (`startClient`, which reads the push rules first), exchange
 * messages seen through its `Room.timeline` events with their notification counts, see each
 * other type and read, paginate /messages back to the room's creation, see a display name
 * change, and the kicked one sees the kick.
 */
import { expect } from "chai";
import {
  ClientEvent,
  createClient,
  EventTimeline,
  NotificationCountType,
  RoomEvent,
  RoomMemberEvent,
  SyncState,
  type MatrixClient,
  type MatrixEvent,
  type Room,
} from "matrix-js-sdk";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import { registerUser, startAccountsHomeserver } from "../helpers/accounts.js";
import type { TestHomeserver } from "../helpers/test-homeserver.js";
import { testEngines } from "../helpers/with-all-databases.js";

/** Resolves when `check()` holds, checking after each of the client's events; fails after 10 s. */
function waitFor(client: MatrixClient, what: string, check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      client.removeListener(RoomEvent.Timeline, listener);
      client.removeListener(ClientEvent.Sync, listener);
      client.removeListener(RoomMemberEvent.Typing, listener);
      client.removeListener(RoomEvent.Receipt, listener);
      client.removeListener(RoomMemberEvent.Name, listener);
      client.removeListener(RoomMemberEvent.Membership, listener);
      reject(new Error(`timed out waiting for ${what}`));
    }, 10_000);
    const listener = (): void => {
      if (!check()) return;
      clearTimeout(timer);
      client.removeListener(RoomEvent.Timeline, listener);
      client.removeListener(ClientEvent.Sync, listener);
      client.removeListener(RoomMemberEvent.Typing, listener);
      client.removeListener(RoomEvent.Receipt, listener);
      client.removeListener(RoomMemberEvent.Name, listener);
      client.removeListener(RoomMemberEvent.Membership, listener);
      resolve();
    };
    client.on(RoomEvent.Timeline, listener);
    client.on(ClientEvent.Sync, listener);
    client.on(RoomMemberEvent.Typing, listener);
    client.on(RoomEvent.Receipt, listener);
    client.on(RoomMemberEvent.Name, listener);
    client.on(RoomMemberEvent.Membership, listener);
  });
}

function bodies(room: Room | null): string[] {
  if (room === null) return [];
  return room
    .getLiveTimeline()
    .getEvents()
    .filter((e) => e.getType() === "m.room.message")
    .map((e) => e.getContent().body as string);
}

for (const engine of testEngines()) {
  describe(`integration: matrix-js-sdk sync [${engine}]`, function () {
    this.timeout(60_000);
    let hs: TestHomeserver;
    let alice: MatrixClient;
    let bob: MatrixClient;

    async function started(user: { userId: string; accessToken: string; deviceId: string }): Promise<MatrixClient> {
      const client = createClient({ baseUrl: hs.baseUrl, userId: user.userId, accessToken: user.accessToken, deviceId: user.deviceId });
      const prepared = waitFor(client, "the first sync", () => client.getSyncState() === SyncState.Syncing || client.getSyncState() === SyncState.Prepared);
      await client.startClient({ initialSyncLimit: 10, lazyLoadMembers: true });
      await prepared;
      // The SDK reads the push rules (GET /pushrules/) before its first sync.
      expect(client.pushRules?.global.override?.map((rule) => rule.rule_id)).to.include(".m.rule.master");
      return client;
    }

    before(async () => {
      const level = process.env.SDK_LOG ? "debug" : "silent";
      sdkLogger.setLevel(level);
      // Child loggers made at import time keep their own level (same loglevel instance by name).
      (sdkLogger.getChild("MatrixRTCSessionManager") as typeof sdkLogger).setLevel(level);
      hs = await startAccountsHomeserver({ engine, serverName: "sdk.test" });
      alice = await started(await registerUser(hs, "alice"));
      bob = await started(await registerUser(hs, "bob"));
    });
    after(async () => {
      alice?.stopClient();
      bob?.stopClient();
      await hs.stop();
    });

    it("exchanges messages, typing and receipts, paginates back to the creation, follows profiles and kicks", async () => {
      const { room_id: roomId } = await alice.createRoom({ preset: "public_chat" as never, name: "SDK room" });
      await waitFor(alice, "alice's room", () => alice.getRoom(roomId) !== null);
      // Enough history that the joining user's initial timeline does not reach the creation.
      for (let i = 0; i < 15; i++) await alice.sendTextMessage(roomId, `old ${i}`);
      await bob.joinRoom(roomId);
      await waitFor(bob, "bob's joined room", () => bob.getRoom(roomId)?.getMyMembership() === "join");

      // Messages, both ways, in order; in a room of two, each notifies the other, and the
      // count comes in the same sync as the message. Sending clears one's own notifications.
      const unread = (client: MatrixClient): number => client.getRoom(roomId)?.getUnreadNotificationCount(NotificationCountType.Total) ?? -1;
      await alice.sendTextMessage(roomId, "hi bob");
      await waitFor(bob, "alice's message", () => bodies(bob.getRoom(roomId)).includes("hi bob"));
      expect(unread(bob)).to.equal(1);
      await bob.sendTextMessage(roomId, "hi alice");
      await waitFor(alice, "bob's message", () => bodies(alice.getRoom(roomId)).includes("hi alice"));
      expect(unread(alice)).to.equal(1);
      await waitFor(bob, "bob's own message read", () => unread(bob) === 0);
      expect(bodies(alice.getRoom(roomId)).slice(-2)).to.deep.equal(["hi bob", "hi alice"]);
      // Bob's own echo replaced his local echo (no duplicates).
      expect(bodies(bob.getRoom(roomId)).filter((b) => b === "hi alice")).to.have.length(1);

      // Typing.
      await alice.sendTyping(roomId, true, 10_000);
      await waitFor(bob, "alice typing", () => bob.getRoom(roomId)?.getMember(alice.getUserId()!)?.typing === true);
      await alice.sendTyping(roomId, false, 0);
      await waitFor(bob, "alice stopped typing", () => bob.getRoom(roomId)?.getMember(alice.getUserId()!)?.typing === false);

      // Receipts.
      const bobsMessage = alice.getRoom(roomId)!.getLiveTimeline().getEvents().find((e) => e.getContent().body === "hi alice")!;
      await alice.sendReadReceipt(bobsMessage);
      await waitFor(bob, "alice's receipt", () => bob.getRoom(roomId)?.getEventReadUpTo(alice.getUserId()!) === bobsMessage.getId());
      await waitFor(alice, "alice's notifications read", () => unread(alice) === 0);

      // /messages pagination, through the SDK, back to the room's creation.
      const timeline = bob.getRoom(roomId)!.getLiveTimeline();
      while (await bob.paginateEventTimeline(timeline, { backwards: true, limit: 10 }));
      const types = timeline.getEvents().map((e: MatrixEvent) => e.getType());
      expect(types[0]).to.equal("m.room.create");
      expect(bodies(bob.getRoom(roomId)).filter((b) => b.startsWith("old "))).to.deep.equal(Array.from({ length: 15 }, (_, i) => `old ${i}`));
      expect(timeline.getPaginationToken(EventTimeline.BACKWARDS)).to.equal(null);

      // Profile changes show.
      await alice.setDisplayName("Alice Liddell");
      await waitFor(bob, "alice's new name", () => bob.getRoom(roomId)?.getMember(alice.getUserId()!)?.name === "Alice Liddell");

      // A kicked user sees the kick.
      await alice.kick(roomId, bob.getUserId()!, "enough");
      await waitFor(bob, "the kick", () => bob.getRoom(roomId)?.getMyMembership() === "leave");
      const kick = bob.getRoom(roomId)!.getLiveTimeline().getEvents().find((e) => e.getType() === "m.room.member" && e.getStateKey() === bob.getUserId() && e.getContent().membership === "leave");
      expect(kick?.getSender()).to.equal(alice.getUserId());
      expect(kick?.getContent().reason).to.equal("enough");
    });

    it("a second device logs in, sees the history, and its logout invalidates only its token", async () => {
      const { room_id: roomId } = await alice.createRoom({ name: "Diary" });
      for (let i = 0; i < 5; i++) await alice.sendTextMessage(roomId, `entry ${i}`);

      const login = await createClient({ baseUrl: hs.baseUrl }).loginRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: "alice" },
        password: "alice-password",
        initial_device_display_name: "second device",
      });
      expect(login.device_id).to.not.equal(alice.getDeviceId());
      const second = await started({ userId: login.user_id, accessToken: login.access_token, deviceId: login.device_id });
      try {
        await waitFor(second, "the diary on the second device", () => bodies(second.getRoom(roomId)).length === 5);
        expect(bodies(second.getRoom(roomId))).to.deep.equal(["entry 0", "entry 1", "entry 2", "entry 3", "entry 4"]);
        // Live events reach the second device too.
        await alice.sendTextMessage(roomId, "entry 5");
        await waitFor(second, "a new entry", () => bodies(second.getRoom(roomId)).includes("entry 5"));
      } finally {
        second.stopClient();
      }
      await second.logout(true);
      const error = await second.whoami().then(
        () => null,
        (err: { errcode?: string }) => err.errcode,
      );
      expect(error).to.equal("M_UNKNOWN_TOKEN");
      expect((await alice.whoami()).device_id).to.equal(alice.getDeviceId());
    });
  });
}
