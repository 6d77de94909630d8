import { expect } from "chai";
import type { JoinedRoomJson, SyncResponseJson } from "../../../src/matrix/endpoints/client/sync.js";
import type { ClientEventJson } from "../../../src/matrix/pdu-json.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { ALICE, BOB, CAROL, DEVICE, makeSyncFixture, types, type SyncFixture } from "../sync-fixture.js";

function joined(response: SyncResponseJson, roomId: string): JoinedRoomJson {
  const room = response.rooms.join[roomId];
  if (room === undefined) throw new Error(`${roomId} is not in rooms.join: ${JSON.stringify(Object.keys(response.rooms.join))}`);
  return room;
}

function timeline(response: SyncResponseJson, roomId: string): ClientEventJson[] {
  return joined(response, roomId).timeline!.events as ClientEventJson[];
}

function state(response: SyncResponseJson, roomId: string): ClientEventJson[] {
  return joined(response, roomId).state!.events as ClientEventJson[];
}

function bodies(events: readonly ClientEventJson[]): unknown[] {
  return events.filter((e) => e.type === "m.room.message").map((e) => e.content.body);
}

withAllDatabases("PduStreamProvider", function (getDb) {
  let f: SyncFixture;
  beforeEach(function () {
    f = makeSyncFixture(getDb());
  });

  /** A room of ALICE's that BOB has joined, with `messages` messages from ALICE after the join. */
  async function roomWithBob(messages = 0, req = {}): Promise<string> {
    const roomId = await f.createRoom(ALICE, { preset: "public_chat", ...req });
    await f.membership.join(BOB, roomId);
    for (let i = 0; i < messages; i++) await f.send(roomId, ALICE, `m${i}`);
    return roomId;
  }

  describe("initial sync", function () {
    it("sends the latest events of each joined room and the state at the start of the timeline", async function () {
      const roomId = await roomWithBob(5);
      const response = await f.syncOnce(BOB, { filter: { room: { timeline: { limit: 3 } } } });
      expect(bodies(timeline(response, roomId))).to.deep.equal(["m2", "m3", "m4"]);
      const room = joined(response, roomId);
      expect(room.timeline!.limited).to.equal(true);
      expect(types(state(response, roomId))).to.include.members(["m.room.create", "m.room.power_levels", "m.room.join_rules", `m.room.member/${ALICE}`, `m.room.member/${BOB}`]);
      // The state does not repeat what the timeline holds.
      expect(state(response, roomId).map((e) => e.event_id)).to.not.include.members(timeline(response, roomId).map((e) => e.event_id));
    });

    it("sends a recent room's whole history as the timeline, with no state, unlimited", async function () {
      const roomId = await f.createRoom(ALICE);
      const response = await f.syncOnce(ALICE);
      expect(timeline(response, roomId)[0]!.type).to.equal("m.room.create");
      expect(joined(response, roomId).timeline!.limited).to.equal(false);
      expect(state(response, roomId)).to.deep.equal([]);
    });

    it("gives prev_batch as the position before the first timeline event", async function () {
      const roomId = await roomWithBob(3);
      const response = await f.syncOnce(BOB, { filter: { room: { timeline: { limit: 2 } } } });
      expect(joined(response, roomId).timeline!.prev_batch).to.match(/^t\d+-\d+$/);
      const first = timeline(response, roomId)[0]!;
      const [, topological, stream] = /^t(\d+)-(\d+)$/.exec(joined(response, roomId).timeline!.prev_batch!)!;
      const pdu = await f.persister.getEvent(first.event_id);
      expect(Number(topological)).to.equal(pdu!.depth);
      expect(Number(stream)).to.be.greaterThan(0);
    });

    it("sends no room_id in timeline events, and age and membership in unsigned", async function () {
      const roomId = await roomWithBob(1);
      f.clock.now += 5_000;
      const [message] = timeline(await f.syncOnce(BOB, { filter: { room: { timeline: { limit: 1 } } } }), roomId);
      expect(message).to.not.have.property("room_id");
      expect(message!.unsigned!.age).to.be.at.least(5_000);
      expect(message!.unsigned!.membership).to.equal("join");
    });

    it("summarises the room: member counts, and heroes when it has no name", async function () {
      const roomId = await f.createRoom(ALICE, { invite: [CAROL] });
      await f.membership.invite(ALICE, roomId, BOB);
      const response = await f.syncOnce(ALICE);
      expect(joined(response, roomId).summary).to.deep.equal({
        "m.joined_member_count": 1,
        "m.invited_member_count": 2,
        "m.heroes": [CAROL, BOB],
      });
      const named = await f.createRoom(ALICE, { name: "Named" });
      expect(joined(await f.syncOnce(ALICE), named).summary).to.deep.equal({ "m.joined_member_count": 1, "m.invited_member_count": 0 });
    });

    it("lists invites with the stripped state carried by the invite, and the invite itself", async function () {
      const roomId = await f.createRoom(ALICE, { name: "Secret", invite: [BOB] });
      const response = await f.syncOnce(BOB);
      expect(response.rooms.join).to.deep.equal({});
      const invite = response.rooms.invite[roomId]!.invite_state.events;
      expect(invite.map((e) => e.type)).to.include.members(["m.room.create", "m.room.name", "m.room.member"]);
      expect(invite.find((e) => e.type === "m.room.member")).to.deep.equal({
        type: "m.room.member",
        state_key: BOB,
        sender: ALICE,
        content: { membership: "invite" },
      });
      for (const event of invite) expect(Object.keys(event).sort()).to.deep.equal(["content", "sender", "state_key", "type"]);
    });

    it("lists knocks with the knock's stripped state", async function () {
      const roomId = await f.createRoom(ALICE, { initial_state: [{ type: "m.room.join_rules", content: { join_rule: "knock" } }] });
      await f.membership.knock(BOB, roomId);
      const response = await f.syncOnce(BOB);
      const knock = response.rooms.knock[roomId]!.knock_state.events;
      expect(knock.find((e) => e.type === "m.room.member")?.content).to.deep.equal({ membership: "knock" });
      expect(knock.map((e) => e.type)).to.include("m.room.join_rules");
    });

    it("leaves left rooms out unless include_leave, which gives the timeline up to the leave", async function () {
      const roomId = await roomWithBob(1);
      await f.membership.leave(BOB, roomId);
      await f.send(roomId, ALICE, "after");
      expect(await f.syncOnce(BOB)).to.have.nested.property("rooms.leave").that.deep.equals({});
      const response = await f.syncOnce(BOB, { filter: { room: { include_leave: true } } });
      const left = response.rooms.leave[roomId]!;
      const events = left.timeline!.events as ClientEventJson[];
      expect(events[events.length - 1]).to.include({ type: "m.room.member", state_key: BOB });
      expect(bodies(events)).to.not.include("after");
    });
  });

  describe("incremental sync", function () {
    it("sends only what happened since the token, and leaves quiet rooms out", async function () {
      const busy = await roomWithBob(1);
      const quiet = await roomWithBob(1);
      const first = await f.syncOnce(BOB);
      await f.send(busy, ALICE, "new");
      const second = await f.syncOnce(BOB, { since: first.next_batch });
      expect(bodies(timeline(second, busy))).to.deep.equal(["new"]);
      expect(joined(second, busy).timeline!.limited).to.equal(false);
      expect(state(second, busy)).to.deep.equal([]);
      expect(second.rooms.join).to.not.have.property(quiet);
    });

    it("sends a limited timeline with the state changes of the gap", async function () {
      const roomId = await roomWithBob(0);
      const first = await f.syncOnce(BOB);
      await f.events.sendStateEvent(ALICE, roomId, "m.room.topic", "", { topic: "gap topic" });
      for (let i = 0; i < 5; i++) await f.send(roomId, ALICE, `m${i}`);
      const second = await f.syncOnce(BOB, { since: first.next_batch, filter: { room: { timeline: { limit: 2 } } } });
      expect(joined(second, roomId).timeline!.limited).to.equal(true);
      expect(bodies(timeline(second, roomId))).to.deep.equal(["m3", "m4"]);
      expect(types(state(second, roomId))).to.deep.equal(["m.room.topic"]);
      expect(state(second, roomId)[0]!.content).to.deep.equal({ topic: "gap topic" });
    });

    it("sends state changes the timeline filter left out", async function () {
      const roomId = await roomWithBob(0);
      const filter = { room: { timeline: { types: ["m.room.message"] } } };
      const first = await f.syncOnce(BOB, { filter });
      await f.events.sendStateEvent(ALICE, roomId, "m.room.topic", "", { topic: "hidden" });
      await f.send(roomId, ALICE, "visible");
      const second = await f.syncOnce(BOB, { since: first.next_batch, filter });
      expect(bodies(timeline(second, roomId))).to.deep.equal(["visible"]);
      expect(types(state(second, roomId))).to.deep.equal(["m.room.topic"]);
    });

    it("with full_state, sends the room's whole state although nothing happened", async function () {
      const roomId = await roomWithBob(1);
      const first = await f.syncOnce(BOB);
      const second = await f.syncOnce(BOB, { since: first.next_batch, fullState: true });
      expect(types(state(second, roomId))).to.include.members(["m.room.create", `m.room.member/${BOB}`]);
      expect(timeline(second, roomId)).to.deep.equal([]);
    });

    it("moves an invited room to join with its full state and recent timeline once joined", async function () {
      const roomId = await f.createRoom(ALICE, { invite: [BOB] });
      await f.send(roomId, ALICE, "before the join");
      const first = await f.syncOnce(BOB);
      expect(first.rooms.invite).to.have.property(roomId);
      await f.membership.join(BOB, roomId);
      const second = await f.syncOnce(BOB, { since: first.next_batch, filter: { room: { timeline: { limit: 2 } } } });
      expect(second.rooms.invite).to.deep.equal({});
      expect(types(timeline(second, roomId))).to.deep.equal(["m.room.message", `m.room.member/${BOB}`]);
      expect(types(state(second, roomId))).to.include.members(["m.room.create", `m.room.member/${ALICE}`, "m.room.power_levels"]);
      expect(joined(second, roomId).summary).to.include({ "m.joined_member_count": 2 });
    });

    it("moves a room the user left to leave, with the leave event", async function () {
      const roomId = await roomWithBob(0);
      const first = await f.syncOnce(BOB);
      await f.membership.leave(BOB, roomId);
      const second = await f.syncOnce(BOB, { since: first.next_batch });
      expect(second.rooms.join).to.deep.equal({});
      const events = second.rooms.leave[roomId]!.timeline!.events as ClientEventJson[];
      expect(types(events)).to.deep.equal([`m.room.member/${BOB}`]);
      expect(events[0]!.content).to.deep.equal({ membership: "leave" });
    });

    it("shows a kicked user the kick, and nothing after it", async function () {
      const roomId = await roomWithBob(0);
      const first = await f.syncOnce(BOB);
      await f.membership.kick(ALICE, roomId, BOB, "bye");
      await f.send(roomId, ALICE, "behind your back");
      const second = await f.syncOnce(BOB, { since: first.next_batch });
      const events = second.rooms.leave[roomId]!.timeline!.events as ClientEventJson[];
      expect(events.map((e) => [e.sender, e.content.membership])).to.deep.equal([[ALICE, "leave"]]);
      expect(events[0]!.content.reason).to.equal("bye");
      const third = await f.syncOnce(BOB, { since: second.next_batch });
      expect(third.rooms.leave).to.deep.equal({});
      expect(third.rooms.join).to.deep.equal({});
    });

    it("sends an invite once, and a rejected invite as a left room without the room's state", async function () {
      const roomId = await f.createRoom(ALICE, { name: "Room" });
      const first = await f.syncOnce(BOB);
      await f.membership.invite(ALICE, roomId, BOB);
      const second = await f.syncOnce(BOB, { since: first.next_batch });
      expect(second.rooms.invite).to.have.property(roomId);
      await f.send(roomId, ALICE, "not for bob");
      const third = await f.syncOnce(BOB, { since: second.next_batch });
      expect(third.rooms.invite).to.deep.equal({});
      await f.membership.leave(BOB, roomId);
      const fourth = await f.syncOnce(BOB, { since: third.next_batch });
      const left = fourth.rooms.leave[roomId]!;
      expect(types(left.timeline!.events as ClientEventJson[])).to.deep.equal([`m.room.member/${BOB}`]);
      expect(left.state!.events).to.deep.equal([]);
    });

    it("treats a leave and re-join since the token as a newly joined room", async function () {
      const roomId = await roomWithBob(2);
      const first = await f.syncOnce(BOB);
      await f.membership.leave(BOB, roomId);
      await f.membership.join(BOB, roomId);
      const second = await f.syncOnce(BOB, { since: first.next_batch });
      expect(types(state(second, roomId))).to.include("m.room.create");
      expect(second.rooms.leave).to.deep.equal({});
    });

    it("keeps working from a token older than the event window (cold caches)", async function () {
      const roomId = await roomWithBob(1);
      const first = await f.syncOnce(BOB);
      await f.send(roomId, ALICE, "while restarting");
      f.restartSync();
      const second = await f.syncOnce(BOB, { since: first.next_batch });
      expect(bodies(timeline(second, roomId))).to.deep.equal(["while restarting"]);
    });
  });

  describe("events", function () {
    it("gives transaction_id to the sending device only", async function () {
      const roomId = await roomWithBob(0);
      await f.send(roomId, ALICE, "with txn", "txn-1");
      const own = timeline(await f.syncOnce(ALICE, { filter: { room: { timeline: { limit: 1 } } } }), roomId)[0]!;
      expect(own.unsigned!.transaction_id).to.equal("txn-1");
      const otherDevice = timeline(await f.syncOnce(ALICE, { deviceId: "OTHER", filter: { room: { timeline: { limit: 1 } } } }), roomId)[0]!;
      expect(otherDevice.unsigned).to.not.have.property("transaction_id");
      const bob = timeline(await f.syncOnce(BOB, { deviceId: DEVICE, filter: { room: { timeline: { limit: 1 } } } }), roomId)[0]!;
      expect(bob.unsigned).to.not.have.property("transaction_id");
    });

    it("gives transaction_id to events read through the event window too", async function () {
      const roomId = await roomWithBob(0);
      const first = await f.syncOnce(ALICE);
      await f.send(roomId, ALICE, "live", "txn-2");
      const [event] = timeline(await f.syncOnce(ALICE, { since: first.next_batch }), roomId);
      expect(event!.unsigned!.transaction_id).to.equal("txn-2");
    });

    it("serves redacted events redacted, with redacted_because", async function () {
      const roomId = await roomWithBob(0);
      const first = await f.syncOnce(BOB);
      const eventId = await f.send(roomId, ALICE, "oops");
      await f.syncOnce(BOB, { since: first.next_batch }); // the event enters the caches unredacted
      const redactionId = await f.events.redact(ALICE, roomId, eventId, "typo");
      for (const response of [await f.syncOnce(BOB), await f.syncOnce(BOB, { since: first.next_batch })]) {
        const redacted = timeline(response, roomId).find((e) => e.event_id === eventId)!;
        expect(redacted.content).to.deep.equal({});
        expect((redacted.unsigned!.redacted_because as unknown as ClientEventJson).event_id).to.equal(redactionId);
      }
    });

    it("gives state events in the timeline prev_content and replaces_state", async function () {
      const roomId = await roomWithBob(0);
      const first = await f.syncOnce(BOB);
      await f.events.sendStateEvent(ALICE, roomId, "m.room.topic", "", { topic: "one" });
      await f.events.sendStateEvent(ALICE, roomId, "m.room.topic", "", { topic: "two" });
      const events = timeline(await f.syncOnce(BOB, { since: first.next_batch }), roomId);
      expect(events[0]!.unsigned).to.not.have.property("prev_content");
      expect(events[1]!.unsigned!.prev_content).to.deep.equal({ topic: "one" });
      expect(events[1]!.unsigned!.replaces_state).to.equal(events[0]!.event_id);
    });

    it("keeps only the filter's event_fields, and sends PDUs for event_format federation", async function () {
      const roomId = await roomWithBob(1);
      const fields = timeline(await f.syncOnce(BOB, { filter: { event_fields: ["type", "content.body"], room: { timeline: { limit: 1 } } } }), roomId);
      expect(fields).to.deep.equal([{ type: "m.room.message", content: { body: "m0" } }]);
      const pdus = timeline(await f.syncOnce(BOB, { filter: { event_format: "federation", room: { timeline: { limit: 1 } } } }), roomId);
      expect(pdus[0]).to.include.keys("room_id", "hashes", "signatures", "prev_events", "auth_events", "depth");
    });
  });

  describe("filters", function () {
    it("applies types, not_types and senders to the timeline, counting the limit after filtering", async function () {
      const roomId = await roomWithBob(0);
      for (let i = 0; i < 4; i++) {
        await f.send(roomId, ALICE, `a${i}`);
        await f.send(roomId, BOB, `b${i}`);
      }
      const fromAlice = await f.syncOnce(BOB, { filter: { room: { timeline: { limit: 3, senders: [ALICE], types: ["m.room.message"] } } } });
      expect(bodies(timeline(fromAlice, roomId))).to.deep.equal(["a1", "a2", "a3"]);
      const notMessages = await f.syncOnce(BOB, { filter: { room: { timeline: { not_types: ["m.room.message"] } } } });
      expect(bodies(timeline(notMessages, roomId))).to.deep.equal([]);
    });

    it("applies rooms and not_rooms", async function () {
      const one = await roomWithBob(0);
      const two = await roomWithBob(0);
      const response = await f.syncOnce(BOB, { filter: { room: { not_rooms: [one] } } });
      expect(Object.keys(response.rooms.join)).to.deep.equal([two]);
      const only = await f.syncOnce(BOB, { filter: { room: { rooms: [one] } } });
      expect(Object.keys(only.rooms.join)).to.deep.equal([one]);
    });

    it("applies the state filter's types", async function () {
      const roomId = await roomWithBob(3);
      const response = await f.syncOnce(BOB, { filter: { room: { timeline: { limit: 1 }, state: { types: ["m.room.create"] } } } });
      expect(types(state(response, roomId))).to.deep.equal(["m.room.create"]);
    });
  });

  describe("lazy-loading members", function () {
    const lazy = (extra = {}) => ({ room: { timeline: { limit: 2 }, state: { lazy_load_members: true, ...extra } } });

    it("sends only the members of the timeline's senders and the user's own", async function () {
      const roomId = await roomWithBob(0, { name: "Named: no heroes" });
      await f.membership.join(CAROL, roomId);
      await f.send(roomId, CAROL, "c");
      await f.send(roomId, CAROL, "c2");
      const members = types(state(await f.syncOnce(BOB, { filter: lazy() }), roomId)).filter((t) => t.startsWith("m.room.member"));
      expect(members.sort()).to.deep.equal([`m.room.member/${BOB}`, `m.room.member/${CAROL}`].sort());
    });

    it("skips members the device already has, unless include_redundant_members", async function () {
      const roomId = await roomWithBob(0);
      await f.send(roomId, ALICE, "one");
      const first = await f.syncOnce(BOB, { filter: lazy() });
      expect(types(state(first, roomId))).to.include(`m.room.member/${ALICE}`);
      await f.send(roomId, ALICE, "two");
      const second = await f.syncOnce(BOB, { since: first.next_batch, filter: lazy() });
      expect(state(second, roomId)).to.deep.equal([]);
      await f.send(roomId, ALICE, "three");
      const third = await f.syncOnce(BOB, { since: second.next_batch, filter: lazy({ include_redundant_members: true }) });
      expect(types(state(third, roomId))).to.deep.equal([`m.room.member/${ALICE}`]);
    });

    it("sends the members of the heroes of an unnamed room", async function () {
      const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
      await f.membership.join(CAROL, roomId);
      await f.membership.join(BOB, roomId);
      for (let i = 0; i < 3; i++) await f.send(roomId, BOB, `b${i}`);
      const response = await f.syncOnce(BOB, { filter: lazy() });
      expect(joined(response, roomId).summary!["m.heroes"]).to.deep.equal([ALICE, CAROL]);
      expect(types(state(response, roomId))).to.include.members([`m.room.member/${ALICE}`, `m.room.member/${CAROL}`]);
    });
  });

  describe("visibility", function () {
    it("hides events from before the join when history_visibility is joined", async function () {
      const roomId = await f.createRoom(ALICE, { preset: "public_chat", initial_state: [{ type: "m.room.history_visibility", content: { history_visibility: "joined" } }] });
      await f.send(roomId, ALICE, "secret");
      await f.membership.join(BOB, roomId);
      await f.send(roomId, ALICE, "public");
      const events = timeline(await f.syncOnce(BOB), roomId);
      expect(bodies(events)).to.deep.equal(["public"]);
      expect(types(events)).to.include(`m.room.member/${BOB}`);
      // What came before the m.room.history_visibility event was "shared" (the default).
      expect(types(events)).to.include("m.room.create");
    });

    it("shows earlier events when history_visibility is shared", async function () {
      const roomId = await f.createRoom(ALICE, { preset: "public_chat" });
      await f.send(roomId, ALICE, "earlier");
      await f.membership.join(BOB, roomId);
      expect(bodies(timeline(await f.syncOnce(BOB), roomId))).to.deep.equal(["earlier"]);
    });

    it("hides ignored users' messages but not their state events, and their invites", async function () {
      const ignoring = makeSyncFixture(getDb(), { accountData: ignoreService(new Set([ALICE])) });
      f = ignoring;
      const roomId = await roomWithBob(0);
      await f.send(roomId, ALICE, "ignored");
      await f.events.sendStateEvent(ALICE, roomId, "m.room.topic", "", { topic: "still shown" });
      const events = timeline(await f.syncOnce(BOB), roomId);
      expect(bodies(events)).to.deep.equal([]);
      expect(types(events)).to.include("m.room.topic");
      const invited = await f.createRoom(ALICE, { invite: [BOB] });
      expect((await f.syncOnce(BOB)).rooms.invite).to.not.have.property(invited);
    });
  });

  describe("use_state_after", function () {
    it("sends state_after (the state at the end of the timeline) instead of state", async function () {
      const roomId = await roomWithBob(0);
      const first = await f.syncOnce(BOB, { useStateAfter: true });
      expect(joined(first, roomId)).to.have.property("state_after");
      expect(joined(first, roomId)).to.not.have.property("state");
      expect(types(joined(first, roomId).state_after!.events as ClientEventJson[])).to.include(`m.room.member/${BOB}`);
      await f.events.sendStateEvent(ALICE, roomId, "m.room.topic", "", { topic: "t" });
      const second = await f.syncOnce(BOB, { since: first.next_batch, useStateAfter: true });
      expect(types(joined(second, roomId).state_after!.events as ClientEventJson[])).to.deep.equal(["m.room.topic"]);
    });
  });
});

/** An account data source that knows nothing but an ignore list. */
function ignoreService(ignored: ReadonlySet<string>) {
  return {
    currentPosition: () => 0,
    getAccountDataChangedSince: async () => [],
    getIgnoredUsers: async () => ignored,
  };
}
