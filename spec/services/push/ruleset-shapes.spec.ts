import { expect } from "chai";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { PushRules, type PushContext } from "../../../src/services/push/push-rules.js";
import { buildPushRuleset } from "../../../src/services/push/push-ruleset.js";
import { RulesetShapes } from "../../../src/services/push/ruleset-shapes.js";
import type { StoredPushRule } from "../../../src/storage/stores/push-rules-store.js";

const ROOM = "!room:hs.test";
const CTX: PushContext = { roomMemberCount: 10, displayName: null, senderHasNotificationPermission: () => true };
/** Historical user IDs may hold capitals and glob characters: a glob on one's ID may match others. */
const USERS = ["@alice:hs.test", "@bob:hs.test", "@BOB:hs.test", "@b*:hs.test", "@carol:other.test"];

function event(type: string, content: JsonObject, extra: JsonObject = {}): JsonObject {
  return { type, content, sender: "@zed:hs.test", room_id: ROOM, event_id: "$e", ...extra };
}

function overrideRule(ruleId: string, conditions: StoredPushRule["conditions"], actions: StoredPushRule["actions"] = ["notify"]): StoredPushRule {
  return { kind: "override", ruleId, priority: 1, conditions, pattern: null, actions, enabled: true };
}

const EVENTS: JsonObject[] = [
  event("m.room.member", { membership: "join" }, { state_key: "@zed:hs.test" }),
  event("m.room.member", { membership: "invite" }, { state_key: "@bob:hs.test" }),
  event("m.room.member", { membership: "invite" }, { state_key: "@bxx:hs.test" }),
  event("m.room.member", { membership: "leave" }, { state_key: "@alice:hs.test" }),
  event("m.room.message", { msgtype: "m.text", body: "hi" }),
  event("m.room.message", { msgtype: "m.notice", body: "bot" }),
  event("m.room.message", { msgtype: "m.text", body: "hey", "m.mentions": { user_ids: ["@alice:hs.test", "@BOB:hs.test"] } }),
  event("m.room.message", { msgtype: "m.text", body: "all", "m.mentions": { room: true } }),
  event("m.room.tombstone", { body: "moved" }, { state_key: "" }),
  event("m.room.topic", { topic: "x" }, { state_key: "@bob:hs.test" }),
  event("m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: "$x", key: "👍" } }),
];

/** Stored rules to give every user, `{me}` standing for their own ID. */
const CONFIGURATIONS: Record<string, (me: string) => StoredPushRule[]> = {
  "no rules": () => [],
  "a changed default rule": () => [{ kind: "override", ruleId: ".m.rule.member_event", priority: 0, conditions: null, pattern: null, actions: ["notify"], enabled: null }],
  "an override on member events about themselves": (me) => [
    overrideRule("me", [
      { kind: "event_match", key: "type", pattern: "m.room.member" },
      { kind: "event_match", key: "state_key", pattern: me },
    ]),
  ],
  "an override on events with themselves as state key (exact)": (me) => [overrideRule("me", [{ kind: "event_property_is", key: "state_key", value: me }], ["notify", { set_tweak: "highlight" }])],
  "an override on their ID in a list, with a member count": (me) => [
    overrideRule("me", [
      { kind: "room_member_count", is: ">5" },
      { kind: "event_property_contains", key: "content.m\\.mentions.user_ids", value: me },
    ]),
  ],
  "a content rule and a sender rule": () => [
    { kind: "content", ruleId: "lunch", priority: 1, conditions: null, pattern: "hi", actions: ["notify"], enabled: true },
    { kind: "sender", ruleId: "@zed:hs.test", priority: 1, conditions: null, pattern: null, actions: [], enabled: true },
  ],
};

describe("RulesetShapes", () => {
  it("gives users without stored rules one shape, and users with the same rules but for their IDs one shape", () => {
    const shapes = new RulesetShapes();
    const none = shapes.shapeOf("@alice:hs.test", []);
    expect(none).to.not.equal(null);
    expect(shapes.shapeOf("@bob:hs.test", [])).to.equal(none);
    const mine = CONFIGURATIONS["an override on member events about themselves"]!;
    const aliceShape = shapes.shapeOf("@alice:hs.test", mine("@alice:hs.test"));
    expect(aliceShape).to.not.equal(none);
    expect(shapes.shapeOf("@bob:hs.test", mine("@bob:hs.test"))).to.equal(aliceShape);
    // Bob's rule naming Alice is not the same rule as Alice's naming herself.
    expect(shapes.shapeOf("@bob:hs.test", mine("@alice:hs.test"))).to.not.equal(aliceShape);
  });

  it("gives no shape to rules that read display names, nor to rules holding its stand-in for the user's ID", () => {
    const shapes = new RulesetShapes();
    expect(shapes.shapeOf("@alice:hs.test", [overrideRule("name", [{ kind: "contains_display_name" }])])).to.equal(null);
    expect(shapes.shapeOf("@alice:hs.test", [overrideRule("odd", [{ kind: "event_match", key: "content.body", pattern: "\u0000user\u0000" }])])).to.equal(null);
  });

  it("singles out the users an event mentions, everyone for an invite, nobody for a join", () => {
    const shape = new RulesetShapes().shapeOf("@alice:hs.test", [])!;
    expect(shape.singledOut(EVENTS[0]!, CTX)).to.deep.equal(new Set());
    expect(shape.singledOut(EVENTS[1]!, CTX)).to.equal("everyone");
    expect(shape.singledOut(EVENTS[6]!, CTX)).to.deep.equal(new Set(["@alice:hs.test", "@BOB:hs.test"]));
  });

  it("singles out, for a custom rule on the user's ID, only when the rest of the rule holds in the room's context", () => {
    const shapes = new RulesetShapes();
    const listed = CONFIGURATIONS["an override on their ID in a list, with a member count"]!;
    const shape = shapes.shapeOf("@alice:hs.test", listed("@alice:hs.test"))!;
    const mention = EVENTS[6]!;
    expect(shape.singledOut(mention, CTX)).to.deep.equal(new Set(["@alice:hs.test", "@BOB:hs.test"]));
    // Not in a room of 5 or fewer: the defaults' is_user_mention still singles them out.
    expect(shape.singledOut(mention, { ...CTX, roomMemberCount: 3 })).to.deep.equal(new Set(["@alice:hs.test", "@BOB:hs.test"]));
    const glob = shapes.shapeOf("@alice:hs.test", CONFIGURATIONS["an override on member events about themselves"]!("@alice:hs.test"))!;
    expect(glob.singledOut(EVENTS[0]!, CTX)).to.equal("everyone");
    expect(glob.singledOut(EVENTS[4]!, CTX)).to.deep.equal(new Set());
  });

  // The property the push actions worker relies on: users of a shape not singled out by an event
  // get exactly the same outcome from their own rules.
  for (const [name, storedOf] of Object.entries(CONFIGURATIONS)) {
    it(`gives every user of a shape not singled out the same outcome: ${name}`, () => {
      const shapes = new RulesetShapes();
      const users = USERS.map((userId) => ({ userId, rules: new PushRules(buildPushRuleset(userId, storedOf(userId))), shape: shapes.shapeOf(userId, storedOf(userId)) }));
      expect(new Set(users.map((u) => u.shape)).size).to.equal(1);
      const shape = users[0]!.shape!;
      for (const ev of EVENTS) {
        for (const ctx of [CTX, { ...CTX, roomMemberCount: 2 }, { ...CTX, senderHasNotificationPermission: () => false }]) {
          const singledOut = shape.singledOut(ev, ctx);
          if (singledOut === "everyone") continue;
          const outcomes = users.filter((u) => !singledOut.has(u.userId)).map((u) => JSON.stringify(u.rules.evaluate(ev, ctx)));
          expect(new Set(outcomes).size, `${JSON.stringify(ev)}: ${outcomes.join(" | ")}`).to.be.at.most(1);
        }
      }
    });
  }

  it("is not fooled into sharing when an outcome really differs: the check above sees differences", () => {
    // A glob on one's own ID matches other users' IDs in an invite: everyone must be singled out.
    const stored = CONFIGURATIONS["an override on member events about themselves"]!;
    const invite = EVENTS[2]!;
    const outcome = (userId: string) => new PushRules(buildPushRuleset(userId, stored(userId))).evaluate(invite, CTX)?.ruleId;
    expect(outcome("@b*:hs.test")).to.equal("me");
    expect(outcome("@alice:hs.test")).to.equal(".m.rule.member_event");
    expect(new RulesetShapes().shapeOf("@alice:hs.test", stored("@alice:hs.test"))!.singledOut(invite, CTX)).to.equal("everyone");
  });
});
