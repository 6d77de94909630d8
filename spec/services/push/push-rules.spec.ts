import { expect } from "chai";
import type { PushConditionJson, PushRuleJson, PushRulesetJson } from "../../../src/matrix/endpoints/client/push-rules.js";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { isPushScalar, outcomeOf, PushRules, stripHistoricalActions, type PushContext } from "../../../src/services/push/push-rules.js";

const CTX: PushContext = { roomMemberCount: 5, displayName: "Alice", senderHasNotificationPermission: () => true };

function ruleset(parts: Partial<PushRulesetJson>): PushRulesetJson {
  return { override: [], content: [], room: [], sender: [], underride: [], ...parts };
}

function rule(rule_id: string, extra: Partial<PushRuleJson> = {}): PushRuleJson {
  return { rule_id, default: false, enabled: true, actions: ["notify"], ...extra };
}

/** Whether an override rule with these conditions matches `event`. */
function matches(conditions: PushConditionJson[], event: JsonObject, ctx: PushContext = CTX): boolean {
  return new PushRules(ruleset({ override: [rule("r", { conditions })] })).evaluate(event, ctx) !== null;
}

const message = (content: JsonObject, extra: JsonObject = {}): JsonObject => ({
  type: "m.room.message",
  room_id: "!room:hs.test",
  sender: "@bob:hs.test",
  event_id: "$e",
  content,
  ...extra,
});

describe("PushRules", () => {
  describe("event_match", () => {
    it("matches the spec's example: content.topic against lunc?*", () => {
      const topic = (t: unknown): JsonObject => ({ type: "m.room.topic", state_key: "", sender: "@a:hs.test", content: { topic: t } as JsonObject });
      const condition = [{ kind: "event_match", key: "content.topic", pattern: "lunc?*" }];
      expect(matches(condition, topic("Lunch plans"))).to.equal(true);
      expect(matches(condition, topic("LUNCH"))).to.equal(true);
      expect(matches(condition, topic(" lunch"))).to.equal(false);
      expect(matches(condition, topic("lunc"))).to.equal(false);
      expect(matches(condition, topic(null))).to.equal(false);
    });

    it("does not match an absent or non-string property, even with *", () => {
      expect(matches([{ kind: "event_match", key: "content.missing", pattern: "*" }], message({ body: "x" }))).to.equal(false);
      expect(matches([{ kind: "event_match", key: "content.n", pattern: "*" }], message({ n: 1 }))).to.equal(false);
      expect(matches([{ kind: "event_match", key: "content.body", pattern: "*" }], message({ body: "x" }))).to.equal(true);
    });

    it("matches content.body at word boundaries (the spec's ex*ple example)", () => {
      const condition = [{ kind: "event_match", key: "content.body", pattern: "ex*ple" }];
      expect(matches(condition, message({ body: "An example event." }))).to.equal(true);
      expect(matches(condition, message({ body: "An exciting triple-whammy" }))).to.equal(true);
      expect(matches(condition, message({ body: "Anexample" }))).to.equal(false);
    });

    it("matches other keys whole, and state_key only when the event has one", () => {
      expect(matches([{ kind: "event_match", key: "type", pattern: "m.room.*" }], message({}))).to.equal(true);
      expect(matches([{ kind: "event_match", key: "type", pattern: "m.room" }], message({}))).to.equal(false);
      expect(matches([{ kind: "event_match", key: "state_key", pattern: "*" }], message({}))).to.equal(false);
    });

    it("never matches without a key or a pattern", () => {
      expect(matches([{ kind: "event_match", key: "type" }], message({}))).to.equal(false);
      expect(matches([{ kind: "event_match", pattern: "*" }], message({}))).to.equal(false);
    });
  });

  describe("event_property_is", () => {
    // The spec's example: content.m\.federate is true.
    const create = (federate: unknown): JsonObject => ({ type: "m.room.create", state_key: "", sender: "@a:hs.test", content: { "m.federate": federate } as JsonObject });
    const condition = [{ kind: "event_property_is", key: "content.m\\.federate", value: true }];

    it("matches the exact value, without casting", () => {
      expect(matches(condition, create(true))).to.equal(true);
      expect(matches(condition, create("true"))).to.equal(false);
      expect(matches(condition, create(1))).to.equal(false);
    });

    it("matches strings, integers and null exactly; never compound or absent values", () => {
      expect(matches([{ kind: "event_property_is", key: "content.n", value: 3 }], message({ n: 3 }))).to.equal(true);
      expect(matches([{ kind: "event_property_is", key: "content.n", value: 3 }], message({ n: 3.5 }))).to.equal(false);
      expect(matches([{ kind: "event_property_is", key: "content.n", value: null }], message({ n: null }))).to.equal(true);
      expect(matches([{ kind: "event_property_is", key: "content.n", value: null }], message({}))).to.equal(false);
      expect(matches([{ kind: "event_property_is", key: "content.n", value: "a" }], message({ n: ["a"] }))).to.equal(false);
      expect(matches([{ kind: "event_property_is", key: "content.n" }], message({ n: null }))).to.equal(false);
    });
  });

  describe("event_property_contains", () => {
    // The spec's example: content.alt_aliases contains "#myroom:example.com".
    const alias = (alt: unknown): JsonObject => ({ type: "m.room.canonical_alias", state_key: "", sender: "@a:hs.test", content: { alt_aliases: alt } as JsonObject });
    const condition = [{ kind: "event_property_contains", key: "content.alt_aliases", value: "#myroom:example.com" }];

    it("matches an array holding the value exactly", () => {
      expect(matches(condition, alias(["#somewhere:example.org", "#myroom:example.com"]))).to.equal(true);
      expect(matches(condition, alias([":example.com"]))).to.equal(false);
      expect(matches(condition, alias("#myroom:example.com"))).to.equal(false);
      expect(matches(condition, alias([["#myroom:example.com"]]))).to.equal(false);
    });
  });

  describe("contains_display_name", () => {
    const condition = [{ kind: "contains_display_name" }];

    it("matches a body naming the user's display name as a word", () => {
      expect(matches(condition, message({ body: "hi alice!" }))).to.equal(true);
      expect(matches(condition, message({ body: "malice" }))).to.equal(false);
      expect(matches(condition, message({ body: "hi Bob" }), { ...CTX, displayName: "Bob" })).to.equal(true);
    });

    it("never matches without a display name or a body", () => {
      expect(matches(condition, message({ body: "hi alice" }), { ...CTX, displayName: null })).to.equal(false);
      expect(matches(condition, message({ body: "hi" }), { ...CTX, displayName: "" })).to.equal(false);
      expect(matches(condition, message({}))).to.equal(false);
    });

    it("is noticed, so callers look names up only when needed", () => {
      expect(new PushRules(ruleset({ override: [rule("r", { conditions: condition })] })).usesDisplayName).to.equal(true);
      expect(new PushRules(ruleset({ override: [rule("r", { conditions: condition, enabled: false })] })).usesDisplayName).to.equal(false);
      expect(new PushRules(ruleset({ override: [rule("r", { conditions: [] })] })).usesDisplayName).to.equal(false);
    });
  });

  it("builds and compiles a ruleset given as a function on first use only, once", () => {
    let built = 0;
    const rules = new PushRules(() => {
      built++;
      return ruleset({ override: [rule("r", { conditions: [{ kind: "event_match", key: "content.body", pattern: "hi" }] })] });
    });
    expect(built).to.equal(0);
    expect(rules.evaluate(message({ body: "hi" }), CTX)?.ruleId).to.equal("r");
    expect(rules.evaluate(message({ body: "no" }), CTX)).to.equal(null);
    expect(rules.usesDisplayName).to.equal(false);
    expect(built).to.equal(1);
  });

  describe("room_member_count", () => {
    it("compares with ==, <, >, <=, >= (== by default)", () => {
      const at = (is: string, count: number): boolean => matches([{ kind: "room_member_count", is }], message({}), { ...CTX, roomMemberCount: count });
      expect([at("2", 2), at("2", 3), at("==2", 2)]).to.deep.equal([true, false, true]);
      expect([at("<3", 2), at("<3", 3), at(">3", 4), at(">3", 3)]).to.deep.equal([true, false, true, false]);
      expect([at("<=10", 10), at("<=10", 11), at(">=10", 10), at(">=10", 9)]).to.deep.equal([true, false, true, false]);
    });

    it("never matches a malformed `is`", () => {
      for (const is of ["", "two", "=2", "2.5", "< 2"]) expect(matches([{ kind: "room_member_count", is }], message({}))).to.equal(false);
    });
  });

  describe("sender_notification_permission", () => {
    it("asks the context about the key", () => {
      const asked: string[] = [];
      const ctx = { ...CTX, senderHasNotificationPermission: (key: string) => (asked.push(key), key === "room") };
      expect(matches([{ kind: "sender_notification_permission", key: "room" }], message({}), ctx)).to.equal(true);
      expect(matches([{ kind: "sender_notification_permission", key: "other" }], message({}), ctx)).to.equal(false);
      expect(asked).to.deep.equal(["room", "other"]);
      expect(matches([{ kind: "sender_notification_permission" }], message({}), ctx)).to.equal(false);
    });
  });

  it("never matches an unrecognised condition, which disables its rule", () => {
    expect(matches([{ kind: "org.example.unknown" }], message({}))).to.equal(false);
  });

  it("matches a rule without conditions always, and needs every condition of one with several", () => {
    expect(matches([], message({}))).to.equal(true);
    const both = [
      { kind: "event_match", key: "type", pattern: "m.room.message" },
      { kind: "room_member_count", is: "2" },
    ];
    expect(matches(both, message({}), { ...CTX, roomMemberCount: 2 })).to.equal(true);
    expect(matches(both, message({}), { ...CTX, roomMemberCount: 3 })).to.equal(false);
  });

  describe("kinds", () => {
    it("content rules match the body at word boundaries; room and sender rules by ID", () => {
      const rules = new PushRules(
        ruleset({
          content: [rule("cake", { pattern: "cake", actions: ["notify", { set_tweak: "sound", value: "cakealarm.wav" }] })],
          room: [rule("!quiet:hs.test", { actions: [] })],
          sender: [rule("@boss:hs.test", { actions: ["notify", { set_tweak: "highlight" }] })],
        }),
      );
      expect(rules.evaluate(message({ body: "It's time for cake" }), CTX)?.ruleId).to.equal("cake");
      expect(rules.evaluate(message({ body: "cakes" }), CTX)).to.equal(null);
      expect(rules.evaluate(message({ body: "hi" }, { room_id: "!quiet:hs.test" }), CTX)?.notify).to.equal(false);
      expect(rules.evaluate(message({ body: "hi" }, { sender: "@boss:hs.test" }), CTX)?.highlight).to.equal(true);
      expect(rules.evaluate(message({ body: "hi" }), CTX)).to.equal(null);
    });

    it("checks override, content, room, sender, underride in that order, the first match winning", () => {
      const all = ruleset({
        override: [rule("o", { conditions: [{ kind: "event_match", key: "content.body", pattern: "override" }] })],
        content: [rule("c", { pattern: "*" })],
        room: [rule("!room:hs.test")],
        sender: [rule("@bob:hs.test")],
        underride: [rule("u", { conditions: [] })],
      });
      const winner = (parts: Partial<PushRulesetJson>, body: string): string | undefined => new PushRules({ ...all, ...parts }).evaluate(message({ body }), CTX)?.ruleId;
      expect(winner({}, "override")).to.equal("o");
      expect(winner({}, "plain")).to.equal("c");
      expect(winner({ content: [] }, "plain")).to.equal("!room:hs.test");
      expect(winner({ content: [], room: [] }, "plain")).to.equal("@bob:hs.test");
      expect(winner({ content: [], room: [], sender: [] }, "plain")).to.equal("u");
    });

    it("checks rules of a kind in the ruleset's order, and skips disabled ones", () => {
      const first = rule("first", { conditions: [], actions: [] });
      const second = rule("second", { conditions: [] });
      expect(new PushRules(ruleset({ override: [first, second] })).evaluate(message({}), CTX)?.ruleId).to.equal("first");
      expect(new PushRules(ruleset({ override: [{ ...first, enabled: false }, second] })).evaluate(message({}), CTX)?.ruleId).to.equal("second");
    });
  });
});

describe("outcomeOf", () => {
  it("notifies for `notify`; highlights for a highlight tweak without a value or with true", () => {
    expect(outcomeOf("override", { rule_id: "r", actions: ["notify"] })).to.include({ notify: true, highlight: false });
    expect(outcomeOf("override", { rule_id: "r", actions: ["notify", { set_tweak: "highlight" }] })).to.include({ notify: true, highlight: true });
    expect(outcomeOf("override", { rule_id: "r", actions: ["notify", { set_tweak: "highlight", value: false }] })).to.include({ highlight: false });
    expect(outcomeOf("override", { rule_id: "r", actions: [{ set_tweak: "sound", value: "default" }] })).to.include({ notify: false, highlight: false });
  });

  it("treats ['dont_notify'] as []: the historical actions are stripped", () => {
    const outcome = outcomeOf("underride", { rule_id: "r", actions: ["dont_notify", "coalesce"] });
    expect(outcome.actions).to.deep.equal([]);
    expect(outcome.notify).to.equal(false);
    expect(stripHistoricalActions(["notify", "coalesce", { set_tweak: "sound", value: "a" }])).to.deep.equal(["notify", { set_tweak: "sound", value: "a" }]);
  });
});

describe("isPushScalar", () => {
  it("accepts strings, safe integers, booleans and null only", () => {
    expect(["a", 1, -(2 ** 53) + 1, true, null].every(isPushScalar)).to.equal(true);
    expect([1.5, 2 ** 53, [], {}, undefined].some(isPushScalar)).to.equal(false);
  });
});
