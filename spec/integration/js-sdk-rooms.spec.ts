/**
 * Rooms driven by a real client library, matrix-js-sdk, without its sync loop: create a room,
 * invite and join, send, page back through /messages (createMessagesRequest, then scrollback on
 * a Room until the SDK finds the room's creation), state events, redaction, kicks and bans
 * enforced, aliases and the published directory, and the errors the SDK surfaces.
 */
import { expect } from "chai";
import { createClient, Direction, EventTimeline, EventType, Preset, Room, Visibility, type MatrixClient } from "matrix-js-sdk";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import { registerUser, startAccountsHomeserver } from "../helpers/accounts.js";
import type { TestHomeserver } from "../helpers/test-homeserver.js";
import { sdkMatrixError } from "../helpers/js-sdk-error.js";
import { testEngines } from "../helpers/with-all-databases.js";

for (const engine of testEngines()) {
  describe(`integration: matrix-js-sdk rooms [${engine}]`, function () {
    this.timeout(60_000);
    let hs: TestHomeserver;
    let alice: MatrixClient;
    let bob: MatrixClient;

    before(async () => {
      sdkLogger.setLevel("silent");
      hs = await startAccountsHomeserver({ engine, serverName: "sdk.test" });
      const client = (user: { userId: string; accessToken: string; deviceId: string }) =>
        createClient({ baseUrl: hs.baseUrl, userId: user.userId, accessToken: user.accessToken, deviceId: user.deviceId });
      alice = client(await registerUser(hs, "alice"));
      bob = client(await registerUser(hs, "bob"));
    });
    after(async () => {
      alice?.stopClient();
      bob?.stopClient();
      await hs.stop();
    });

    it("creates, invites, joins, sends, and paginates back to the room's creation", async () => {
      const { room_id: roomId } = await alice.createRoom({ preset: Preset.PrivateChat, name: "SDK rooms", topic: "paging" });
      await alice.invite(roomId, "@bob:sdk.test");
      await bob.joinRoom(roomId);
      expect((await bob.getJoinedRooms()).joined_rooms).to.deep.equal([roomId]);
      const sent: string[] = [];
      for (let i = 0; i < 12; i++) sent.push((await (i % 2 === 0 ? alice : bob).sendTextMessage(roomId, `message ${i}`)).event_id);

      const first = await bob.createMessagesRequest(roomId, null, 5, Direction.Backward);
      expect(first.chunk.map((e) => e.content.body)).to.deep.equal(["message 11", "message 10", "message 9", "message 8", "message 7"]);
      expect(first.end).to.be.a("string");

      // The SDK's own pagination: scrollback until it has no token left.
      const room = new Room(roomId, bob, "@bob:sdk.test");
      room.getLiveTimeline().setPaginationToken(first.end ?? null, EventTimeline.BACKWARDS);
      for (let round = 0; round < 20 && room.oldState.paginationToken !== null; round++) await bob.scrollback(room, 4);
      expect(room.oldState.paginationToken).to.equal(null);
      const types = room.getLiveTimeline().getEvents().map((e) => e.getType());
      expect(types[0]).to.equal("m.room.create");
      const bodies = room.getLiveTimeline().getEvents().filter((e) => e.getType() === "m.room.message").map((e) => e.getContent().body);
      expect(bodies).to.deep.equal(["message 0", "message 1", "message 2", "message 3", "message 4", "message 5", "message 6"]);
      expect(room.getLiveTimeline().getEvents().map((e) => e.getId())).to.include.members(sent.slice(0, 7));
    });

    it("sends and reads state events; a missing one is M_NOT_FOUND", async () => {
      const { room_id: roomId } = await alice.createRoom({});
      await alice.sendStateEvent(roomId, EventType.RoomTopic, { topic: "from the SDK" }, "");
      expect(await alice.getStateEvent(roomId, "m.room.topic", "")).to.deep.equal({ topic: "from the SDK" });
      // A custom state type: the SDK types only the spec's events, hence the casts.
      await alice.sendStateEvent(roomId, "org.example.keyed" as never, { n: 1 } as never, "@alice:sdk.test");
      expect(await alice.getStateEvent(roomId, "org.example.keyed", "@alice:sdk.test")).to.deep.equal({ n: 1 });
      expect((await sdkMatrixError(alice.getStateEvent(roomId, "m.room.avatar", ""))).errcode).to.equal("M_NOT_FOUND");
      expect((await sdkMatrixError(bob.getStateEvent(roomId, "m.room.topic", ""))).errcode).to.equal("M_FORBIDDEN");
    });

    it("redacts: the event comes back redacted, with the redaction under unsigned", async () => {
      const { room_id: roomId } = await alice.createRoom({});
      const { event_id: eventId } = await alice.sendTextMessage(roomId, "regrettable");
      const { event_id: redactionId } = await alice.redactEvent(roomId, eventId, undefined, { reason: "oops" });
      const event = await alice.fetchRoomEvent(roomId, eventId);
      expect(event.content).to.deep.equal({});
      expect((event.unsigned?.redacted_because as { event_id?: string } | undefined)?.event_id).to.equal(redactionId);
    });

    it("enforces kicks and bans: a kicked user cannot send (M_FORBIDDEN), a banned one cannot rejoin", async () => {
      const { room_id: roomId } = await alice.createRoom({ preset: Preset.PublicChat });
      await bob.joinRoom(roomId);
      await bob.sendTextMessage(roomId, "I'm in");
      await alice.kick(roomId, "@bob:sdk.test", "behave");
      expect((await sdkMatrixError(bob.sendTextMessage(roomId, "still here?"))).errcode).to.equal("M_FORBIDDEN");
      await bob.joinRoom(roomId);
      expect((await sdkMatrixError(bob.kick(roomId, "@alice:sdk.test"))).errcode).to.equal("M_FORBIDDEN");
      await alice.ban(roomId, "@bob:sdk.test", "enough");
      expect((await sdkMatrixError(bob.joinRoom(roomId))).errcode).to.equal("M_FORBIDDEN");
      expect((await alice.getStateEvent(roomId, "m.room.member", "@bob:sdk.test")).membership).to.equal("ban");
      await alice.unban(roomId, "@bob:sdk.test");
      await bob.joinRoom(roomId);
      expect((await bob.getJoinedRooms()).joined_rooms).to.include(roomId);
    });

    it("aliases, the published directory, and the errors the SDK surfaces", async () => {
      const { room_id: roomId } = await alice.createRoom({ room_alias_name: "sdk-lounge", visibility: Visibility.Public, name: "Lounge" });
      expect((await bob.getRoomIdForAlias("#sdk-lounge:sdk.test")).room_id).to.equal(roomId);
      expect((await bob.publicRooms({ filter: { generic_search_term: "lounge" } })).chunk.map((r) => r.room_id)).to.deep.equal([roomId]);
      expect((await alice.getRoomDirectoryVisibility(roomId)).visibility).to.equal("public");
      expect((await sdkMatrixError(bob.createRoom({ room_alias_name: "sdk-lounge" }))).errcode).to.equal("M_ROOM_IN_USE");
      expect((await sdkMatrixError(bob.createRoom({ room_version: "999" }))).errcode).to.equal("M_UNSUPPORTED_ROOM_VERSION");
      expect((await sdkMatrixError(bob.getRoomIdForAlias("#missing:sdk.test"))).errcode).to.equal("M_NOT_FOUND");
      expect((await sdkMatrixError(bob.setRoomDirectoryVisibility(roomId, Visibility.Private))).errcode).to.equal("M_FORBIDDEN");
    });
  });
}
