import { expect } from "chai";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import type { Pdu } from "../../../src/room/pdu.js";
import { EventPushEvaluator } from "../../../src/services/push/event-push-evaluator.js";
import { PushRules, type PushContext, type PushOutcome } from "../../../src/services/push/push-rules.js";
import { buildPushRuleset } from "../../../src/services/push/push-ruleset.js";
import type { RoomPushState } from "../../../src/services/push/room-push-states.js";
import { RulesetShapes } from "../../../src/services/push/ruleset-shapes.js";
import { MAIN_THREAD } from "../../../src/storage/stores/event-push-actions-store.js";
import type { StoredPushRule } from "../../../src/storage/stores/push-rules-store.js";
import { mkMembership } from "../../helpers/event-builders.js";
import { ALICE, BOB, DAVE, RoomBuilder } from "../../helpers/room-builder.js";

const ERIN = "@erin:alpha.test";

describe("EventPushEvaluator", () => {
  let room: RoomBuilder;
  let events: Map<string, Pdu>;
  let ignored: Map<string, Set<string>>;
  let customRules: Map<string, PushRules>;
  let evaluator: EventPushEvaluator;
  let shapes: RulesetShapes;
  let evaluations: number;
  let loads: string[][];

  /** Users without stored rules, as PushRulesService compiles them (with their shape); counts evaluations. */
  class CountingRules extends PushRules {
    override evaluate(event: JsonObject, ctx: PushContext): PushOutcome | null {
      evaluations++;
      return super.evaluate(event, ctx);
    }
  }
  function defaultRules(userId: string, stored: StoredPushRule[] = []): PushRules {
    return new CountingRules(buildPushRuleset(userId, stored), shapes.shapeOf(userId, stored));
  }

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
    shapes = new RulesetShapes();
    evaluations = 0;
    loads = [];
    evaluator = new EventPushEvaluator({
      isLocal: (userId) => userId.endsWith(":alpha.test"),
      events: { getEvents: async (ids) => new Map([...ids].flatMap((id) => (events.has(id) ? [[id, events.get(id)!] as const] : []))) },
      rules: {
        getCompiledRules: async (userIds) => {
          loads.push([...userIds]);
          return userIds.map((u) => customRules.get(u) ?? defaultRules(u));
        },
      },
      ignoredUsers: async (userId) => ignored.get(userId) ?? new Set(),
    });
  });

  it("evaluates the rules of the local members but the sender, recording who is notified and highlighted", async () => {
    const pdu = send(BOB, { msgtype: "m.text", body: "hi", "m.mentions": { user_ids: [DAVE] } });
    const { actions } = await evaluator.evaluate(pdu, 42, state());
    expect(actions.sort((a, b) => a.userId.localeCompare(b.userId))).to.deep.equal([
      { userId: ALICE, roomId: room.roomId, streamOrdering: 42, threadId: MAIN_THREAD, highlight: false, actions: null },
      // The matched rule's actions go with the row, but for ["notify"] (and its highlighted form).
      {
        userId: DAVE, roomId: room.roomId, streamOrdering: 42, threadId: MAIN_THREAD, highlight: true,
        actions: JSON.stringify(["notify", { set_tweak: "sound", value: "default" }, { set_tweak: "highlight" }]),
      },
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
    expect(actions).to.deep.equal([{ userId: DAVE, roomId: room.roomId, streamOrdering: 1, threadId: MAIN_THREAD, highlight: true, actions: null }]);
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

  it("loads at once the rules of the local users a batch's joins and invites bring in", async () => {
    const batch = [
      room.send(ERIN, mkMembership(ERIN, "join")),
      room.send(ALICE, mkMembership("@frank:alpha.test", "invite")),
      room.send(ALICE, mkMembership("@remote:beta.test", "invite")),
      room.send(DAVE, mkMembership(DAVE, "leave")),
      send(BOB, { msgtype: "m.text", body: "hi" }),
    ];
    await evaluator.prepare(batch);
    expect(loads).to.deep.equal([[ERIN, "@frank:alpha.test"]]);
    await evaluator.prepare([batch[4]!]);
    expect(loads).to.have.length(1);
  });

  describe("users sharing a ruleset shape", () => {
    const others = Array.from({ length: 40 }, (_, i) => `@user${i}:alpha.test`);
    /** ALICE, DAVE and 40 more local users joined, BOB (remote) too. */
    function bigState(): RoomPushState {
      const localMembers = new Map(state().localMembers);
      for (const userId of others) localMembers.set(userId, `$member-${userId}`);
      return state({ localMembers, joinedCount: localMembers.size + 1 });
    }

    it("evaluates the rules of users with the server-default rules once per event, not once per member", async () => {
      const join = room.send(BOB, mkMembership(BOB, "join", { displayname: "Bob again" }));
      expect((await evaluator.evaluate(join, 1, bigState())).actions).to.deep.equal([]);
      expect(evaluations).to.equal(1);
      evaluations = 0;
      const message = await evaluator.evaluate(send(BOB, { msgtype: "m.text", body: "hi all" }), 2, bigState());
      expect(message.actions).to.have.length(42);
      expect(evaluations).to.equal(1);
    });

    it("still evaluates a user whose own override rule matches member events: they are notified of a join", async () => {
      const memberRule: StoredPushRule = {
        kind: "override",
        ruleId: "joins",
        priority: 1,
        conditions: [{ kind: "event_match", key: "type", pattern: "m.room.member" }],
        pattern: null,
        actions: ["notify"],
        enabled: true,
      };
      customRules.set(DAVE, defaultRules(DAVE, [memberRule]));
      const join = room.send(BOB, mkMembership(BOB, "join", { displayname: "Bob again" }));
      const { actions } = await evaluator.evaluate(join, 3, bigState());
      expect(actions).to.deep.equal([{ userId: DAVE, roomId: room.roomId, streamOrdering: 3, threadId: MAIN_THREAD, highlight: false, actions: null }]);
      expect(evaluations).to.equal(2);
    });

    it("highlights only the users a message mentions, and notifies only the user an invite is for", async () => {
      const mention = send(BOB, { msgtype: "m.text", body: "hey", "m.mentions": { user_ids: [others[3]!, DAVE] } });
      const { actions } = await evaluator.evaluate(mention, 4, bigState());
      expect(actions.filter((a) => a.highlight).map((a) => a.userId).sort()).to.deep.equal([DAVE, others[3]].sort());
      expect(actions).to.have.length(42);
      const invite = room.send(ALICE, mkMembership(ERIN, "invite"));
      expect((await evaluator.evaluate(invite, 5, bigState())).actions.map((a) => a.userId)).to.deep.equal([ERIN]);
    });

    it("leaves out a user of a shared outcome who ignores the sender", async () => {
      ignored.set(others[7]!, new Set([BOB]));
      const { actions } = await evaluator.evaluate(send(BOB, { msgtype: "m.text", body: "hi" }), 6, bigState());
      expect(actions.map((a) => a.userId)).to.not.include(others[7]);
      expect(actions).to.have.length(41);
    });
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
