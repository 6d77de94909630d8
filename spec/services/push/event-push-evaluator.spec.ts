import { expect } from "chai";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import type { Pdu } from "../../../src/room/pdu.js";
import { EventPushEvaluator } from "../../../src/services/push/event-push-evaluator.js";
import { PushRules } from "../../../src/services/push/push-rules.js";
import { buildPushRuleset } from "../../../src/services/push/push-ruleset.js";
import type { RoomPushState } from "../../../src/services/push/room-push-states.js";
import { MAIN_THREAD } from "../../../src/storage/stores/event-push-actions-store.js";
import { mkMembership } from "../../helpers/event-builders.js";
import { ALICE, BOB, DAVE, RoomBuilder } from "../../helpers/room-builder.js";

const ERIN = "@erin:alpha.test";

describe("EventPushEvaluator", () => {
  let room: RoomBuilder;
  let events: Map<string, Pdu>;
  let ignored: Map<string, Set<string>>;
  let customRules: Map<string, PushRules>;
  let evaluator: EventPushEvaluator;

  /** ALICE, DAVE (local) and BOB (remote) joined. */
  function state(extra: Partial<RoomPushState> = {}): RoomPushState {
    return {
      rules: room.rules,
      joinedCount: 3,
      localMembers: new Map([[ALICE, room.get("m.room.member", ALICE)!.eventId], [DAVE, room.get("m.room.member", DAVE)!.eventId]]),
      create: room.create,
      powerLevels: room.get("m.room.power_levels", ""),
      ...extra,
    };
  }

  function send(sender: string, content: JsonObject, type = "m.room.message"): Pdu {
    const pdu = room.send(sender, { type, content });
    events.set(pdu.eventId, pdu);
    return pdu;
  }

  beforeEach(() => {
    room = RoomBuilder.create({ creator: ALICE, joinRule: "public" });
    room.send(BOB, mkMembership(BOB, "join"));
    room.send(DAVE, mkMembership(DAVE, "join", { displayname: "Dave" }));
    events = new Map(room.events.map((e) => [e.eventId, e]));
    ignored = new Map();
    customRules = new Map();
    evaluator = new EventPushEvaluator({
      isLocal: (userId) => userId.endsWith(":alpha.test"),
      events: { getEvents: async (ids) => new Map([...ids].flatMap((id) => (events.has(id) ? [[id, events.get(id)!] as const] : []))) },
      rules: { getCompiledRules: async (userIds) => new Map(userIds.map((u) => [u, customRules.get(u) ?? new PushRules(buildPushRuleset(u, []))])) },
      ignoredUsers: async (userId) => ignored.get(userId) ?? new Set(),
    });
  });

  it("evaluates the rules of the local members but the sender, recording who is notified and highlighted", async () => {
    const pdu = send(BOB, { msgtype: "m.text", body: "hi", "m.mentions": { user_ids: [DAVE] } });
    const { actions } = await evaluator.evaluate(pdu, 42, state());
    expect(actions.sort((a, b) => a.userId.localeCompare(b.userId))).to.deep.equal([
      { userId: ALICE, roomId: room.roomId, streamOrdering: 42, threadId: MAIN_THREAD, highlight: false },
      { userId: DAVE, roomId: room.roomId, streamOrdering: 42, threadId: MAIN_THREAD, highlight: true },
    ]);
    const own = await evaluator.evaluate(send(ALICE, { msgtype: "m.text", body: "x" }), 43, state());
    expect(own.actions.map((a) => a.userId)).to.deep.equal([DAVE]);
  });

  it("records nothing for events the rules do not notify, nor for users ignoring the sender", async () => {
    expect((await evaluator.evaluate(send(BOB, { msgtype: "m.notice", body: "bot" }), 1, state())).actions).to.deep.equal([]);
    ignored.set(ALICE, new Set([BOB]));
    expect((await evaluator.evaluate(send(BOB, { msgtype: "m.text", body: "hi" }), 2, state())).actions.map((a) => a.userId)).to.deep.equal([DAVE]);
  });

  it("uses the room's member count: a room of two notifies with a sound, by .m.rule.room_one_to_one", async () => {
    const twoRules = new PushRules({ override: [], content: [], room: [], sender: [], underride: [{ rule_id: "two", default: false, enabled: true, conditions: [{ kind: "room_member_count", is: "2" }], actions: ["notify"] }] });
    customRules.set(ALICE, twoRules);
    const pdu = send(BOB, { msgtype: "m.text", body: "hi" });
    expect((await evaluator.evaluate(pdu, 1, state())).actions.map((a) => a.userId)).to.deep.equal([DAVE]);
    expect((await evaluator.evaluate(pdu, 1, state({ joinedCount: 2 }))).actions.map((a) => a.userId)).to.deep.equal([ALICE, DAVE]);
  });

  it("looks display names up for rules that use them", async () => {
    customRules.set(DAVE, new PushRules({ override: [{ rule_id: "name", default: false, enabled: true, conditions: [{ kind: "contains_display_name" }], actions: ["notify", { set_tweak: "highlight" }] }], content: [], room: [], sender: [], underride: [] }));
    const { actions } = await evaluator.evaluate(send(BOB, { msgtype: "m.notice", body: "ping dave" }), 1, state());
    expect(actions).to.deep.equal([{ userId: DAVE, roomId: room.roomId, streamOrdering: 1, threadId: MAIN_THREAD, highlight: true }]);
  });

  it("highlights @room only from senders with the power to", async () => {
    const atRoom = { msgtype: "m.text", body: "all", "m.mentions": { room: true } };
    const fromCreator = await evaluator.evaluate(send(ALICE, atRoom), 1, state());
    expect(fromCreator.actions.map((a) => [a.userId, a.highlight])).to.deep.equal([[DAVE, true]]);
    const fromBob = await evaluator.evaluate(send(BOB, atRoom), 2, state());
    expect(fromBob.actions.map((a) => a.highlight)).to.deep.equal([false, false]);
  });

  it("notifies a local user invited, who is not yet a member", async () => {
    const invite = room.send(ALICE, mkMembership(ERIN, "invite"));
    const { actions } = await evaluator.evaluate(invite, 5, state());
    expect(actions.map((a) => a.userId)).to.deep.equal([ERIN]);
  });

  it("files thread replies, and events relating to them, under the thread root", async () => {
    const root = send(BOB, { msgtype: "m.text", body: "root" });
    const reply = send(BOB, { msgtype: "m.text", body: "in thread", "m.relates_to": { rel_type: "m.thread", event_id: root.eventId } });
    const edit = send(BOB, { msgtype: "m.text", body: "*", "m.relates_to": { rel_type: "m.replace", event_id: reply.eventId } });
    const editOfEdit = send(BOB, { msgtype: "m.text", body: "**", "m.relates_to": { rel_type: "m.reference", event_id: edit.eventId } });
    expect(await evaluator.threadOf(root)).to.equal(MAIN_THREAD);
    expect(await evaluator.threadOf(reply)).to.equal(root.eventId);
    expect(await evaluator.threadOf(edit)).to.equal(root.eventId);
    expect(await evaluator.threadOf(editOfEdit)).to.equal(root.eventId);
    // Related to the root by another relation: the main timeline.
    expect(await evaluator.threadOf(send(BOB, { "m.relates_to": { rel_type: "m.annotation", event_id: root.eventId, key: "x" } }, "m.reaction"))).to.equal(MAIN_THREAD);
    // A reply (m.in_reply_to only) or an unknown parent: the main timeline.
    expect(await evaluator.threadOf(send(BOB, { body: "r", "m.relates_to": { "m.in_reply_to": { event_id: reply.eventId } } }))).to.equal(MAIN_THREAD);
    expect(await evaluator.threadOf(send(BOB, { body: "r", "m.relates_to": { rel_type: "m.reference", event_id: "$unknown" } }))).to.equal(MAIN_THREAD);
    const { actions } = await evaluator.evaluate(reply, 9, state());
    expect(actions.map((a) => a.threadId)).to.deep.equal([root.eventId, root.eventId]);
  });

  it("stops following relations after 3 hops", async () => {
    const root = send(BOB, { body: "root" });
    let previous = send(BOB, { body: "t", "m.relates_to": { rel_type: "m.thread", event_id: root.eventId } });
    const chain: Pdu[] = [];
    for (let i = 0; i < 4; i++) {
      previous = send(BOB, { body: `e${i}`, "m.relates_to": { rel_type: "m.reference", event_id: previous.eventId } });
      chain.push(previous);
    }
    expect(await evaluator.threadOf(chain[2]!)).to.equal(root.eventId);
    expect(await evaluator.threadOf(chain[3]!)).to.equal(MAIN_THREAD);
  });

  it("marks the local sender's notifications before the event as read, in its thread", async () => {
    const root = send(BOB, { body: "root" });
    const reply = send(DAVE, { body: "mine", "m.relates_to": { rel_type: "m.thread", event_id: root.eventId } });
    expect((await evaluator.evaluate(reply, 10, state())).reads).to.deep.equal([{ userId: DAVE, roomId: room.roomId, threadId: root.eventId, before: 10 }]);
    expect((await evaluator.evaluate(send(BOB, { body: "remote" }), 11, state())).reads).to.deep.equal([]);
  });

  it("clears all of a local user's notifications in the room when they leave", async () => {
    const leave = room.send(DAVE, mkMembership(DAVE, "leave"));
    expect((await evaluator.evaluate(leave, 20, state())).reads).to.deep.equal([
      { userId: DAVE, roomId: room.roomId, threadId: MAIN_THREAD, before: 20 },
      { userId: DAVE, roomId: room.roomId, threadId: null, before: 21 },
    ]);
  });

  it("marks a local user's notifications before their join as read (the invite's)", async () => {
    room.send(ALICE, mkMembership(ERIN, "invite"));
    const join = room.send(ERIN, mkMembership(ERIN, "join"));
    expect((await evaluator.evaluate(join, 30, state())).reads).to.deep.equal([{ userId: ERIN, roomId: room.roomId, threadId: MAIN_THREAD, before: 30 }]);
  });
});
