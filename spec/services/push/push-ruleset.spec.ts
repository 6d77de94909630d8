import { expect } from "chai";
import type { StoredPushRule } from "../../../src/storage/stores/push-rules-store.js";
import { buildPushRuleset, isServerDefaultRuleId, ownRulesInOrder } from "../../../src/services/push/push-ruleset.js";

const ME = "@alice:hs.test";

function own(kind: StoredPushRule["kind"], ruleId: string, priority: number, extra: Partial<StoredPushRule> = {}): StoredPushRule {
  return { kind, ruleId, priority, conditions: kind === "override" || kind === "underride" ? [] : null, pattern: kind === "content" ? "x" : null, actions: ["notify"], enabled: true, ...extra };
}

describe("buildPushRuleset", () => {
  it("is the server-default rules for a user who changed nothing", () => {
    const ruleset = buildPushRuleset(ME, []);
    expect(ruleset.override[0]?.rule_id).to.equal(".m.rule.master");
    expect(ruleset.override).to.have.length(10);
    expect(ruleset.underride.map((r) => r.rule_id)).to.include(".m.rule.message");
    expect({ content: ruleset.content, room: ruleset.room, sender: ruleset.sender }).to.deep.equal({ content: [], room: [], sender: [] });
  });

  it("puts the user's overrides after .m.rule.master and before the other defaults; underrides before the defaults", () => {
    const ruleset = buildPushRuleset(ME, [own("override", "mine", 1), own("underride", "later", 1)]);
    expect(ruleset.override.slice(0, 3).map((r) => r.rule_id)).to.deep.equal([".m.rule.master", "mine", ".m.rule.suppress_notices"]);
    expect(ruleset.underride[0]?.rule_id).to.equal("later");
  });

  it("orders a kind's own rules by priority, highest first", () => {
    const ruleset = buildPushRuleset(ME, [own("room", "!a:hs.test", 1), own("room", "!b:hs.test", 3), own("room", "!c:hs.test", 2)]);
    expect(ruleset.room.map((r) => r.rule_id)).to.deep.equal(["!b:hs.test", "!c:hs.test", "!a:hs.test"]);
  });

  it("renders own rules with the keys of their kind", () => {
    const ruleset = buildPushRuleset(ME, [
      own("content", "cake", 1, { pattern: "cake" }),
      own("sender", "@bob:hs.test", 1, { enabled: false, actions: [] }),
      own("override", "o", 1, { conditions: [{ kind: "event_match", key: "type", pattern: "x" }] }),
    ]);
    expect(ruleset.content).to.deep.equal([{ rule_id: "cake", default: false, enabled: true, actions: ["notify"], pattern: "cake" }]);
    expect(ruleset.sender).to.deep.equal([{ rule_id: "@bob:hs.test", default: false, enabled: false, actions: [] }]);
    expect(ruleset.override[1]).to.deep.equal({
      rule_id: "o",
      default: false,
      enabled: true,
      actions: ["notify"],
      conditions: [{ kind: "event_match", key: "type", pattern: "x" }],
    });
  });

  it("applies the user's changes to server-default rules, keeping what they did not change", () => {
    const ruleset = buildPushRuleset(ME, [
      { kind: "override", ruleId: ".m.rule.master", priority: 0, conditions: null, pattern: null, actions: null, enabled: true },
      { kind: "underride", ruleId: ".m.rule.message", priority: 0, conditions: null, pattern: null, actions: ["notify", { set_tweak: "sound", value: "bing" }], enabled: null },
    ]);
    expect(ruleset.override[0]).to.include({ rule_id: ".m.rule.master", enabled: true, default: true });
    const message = ruleset.underride.find((r) => r.rule_id === ".m.rule.message")!;
    expect(message).to.deep.include({ enabled: true, actions: ["notify", { set_tweak: "sound", value: "bing" }] });
    expect(message.conditions).to.deep.equal([{ kind: "event_match", key: "type", pattern: "m.room.message" }]);
  });
});

describe("ownRulesInOrder", () => {
  it("lists a kind's user-defined rules, most important first, without server-default changes", () => {
    const rules = [own("override", "a", 1), own("override", "b", 2), own("content", "c", 5), own("override", ".m.rule.master", 9)];
    expect(ownRulesInOrder(rules, "override").map((r) => r.ruleId)).to.deep.equal(["b", "a"]);
  });
});

describe("isServerDefaultRuleId", () => {
  it("is true for IDs starting with a dot", () => {
    expect([".m.rule.master", ".x", "x", "!room:hs"].map(isServerDefaultRuleId)).to.deep.equal([true, true, false, false]);
  });
});
