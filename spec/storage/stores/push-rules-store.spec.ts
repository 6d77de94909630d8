import { expect } from "chai";
import { PushRulesStore, type StoredPushRule } from "../../../src/storage/stores/push-rules-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

withAllDatabases("PushRulesStore", (getDb) => {
  const rule = (ruleId: string, extra: Partial<StoredPushRule> = {}): StoredPushRule => ({
    kind: "override",
    ruleId,
    priority: 1,
    conditions: [{ kind: "event_match", key: "type", pattern: "m.room.message" }],
    pattern: null,
    actions: ["notify", { set_tweak: "highlight", value: false }],
    enabled: true,
    ...extra,
  });

  it("stores rules with their JSON, booleans and NULLs, per user", async () => {
    const store = new PushRulesStore(getDb());
    const content = rule("cake", { kind: "content", conditions: null, pattern: "cake*lie", enabled: false });
    const changedDefault = rule(".m.rule.master", { priority: 0, conditions: null, actions: null, enabled: true });
    const untouched = rule(".m.rule.message", { kind: "underride", priority: 0, conditions: null, actions: ["notify"], enabled: null });
    await runInTransaction(getDb(), async (tx) => {
      for (const r of [rule("mine"), content, changedDefault, untouched]) await store.upsertPushRule(tx, "@a:x", r);
      await store.upsertPushRule(tx, "@b:x", rule("theirs"));
    });
    const byId = (rules: StoredPushRule[]) => new Map(rules.map((r) => [r.ruleId, r]));
    const mine = byId(await store.selectPushRules("@a:x"));
    expect(mine.get("mine")).to.deep.equal(rule("mine"));
    expect(mine.get("cake")).to.deep.equal(content);
    expect(mine.get(".m.rule.master")).to.deep.equal(changedDefault);
    expect(mine.get(".m.rule.message")).to.deep.equal(untouched);
    const both = await store.selectPushRulesOfUsers(["@a:x", "@b:x", "@c:x"]);
    expect([...both.keys()].sort()).to.deep.equal(["@a:x", "@b:x"]);
    expect(both.get("@b:x")?.map((r) => r.ruleId)).to.deep.equal(["theirs"]);
    expect(await store.selectPushRulesOfUsers([])).to.deep.equal(new Map());
  });

  it("replaces a rule of the same user, kind and ID; the same ID in another kind is another rule", async () => {
    const store = new PushRulesStore(getDb());
    await runInTransaction(getDb(), async (tx) => {
      await store.upsertPushRule(tx, "@a:x", rule("r"));
      await store.upsertPushRule(tx, "@a:x", rule("r", { priority: 7, actions: [], enabled: false }));
      await store.upsertPushRule(tx, "@a:x", rule("r", { kind: "underride" }));
    });
    const rules = await store.selectPushRules("@a:x");
    expect(rules.map((r) => [r.kind, r.priority, r.enabled]).sort()).to.deep.equal([["override", 7, false], ["underride", 1, true]]);
  });

  it("updates priorities and deletes rules, saying whether there was one", async () => {
    const store = new PushRulesStore(getDb());
    await runInTransaction(getDb(), async (tx) => {
      await store.upsertPushRule(tx, "@a:x", rule("a"));
      await store.upsertPushRule(tx, "@a:x", rule("b"));
      await store.updatePushRulePriorities(tx, "@a:x", "override", new Map([["a", 5], ["b", 4]]));
    });
    expect((await store.selectPushRules("@a:x")).map((r) => [r.ruleId, r.priority]).sort()).to.deep.equal([["a", 5], ["b", 4]]);
    expect(await runInTransaction(getDb(), (tx) => store.deletePushRule(tx, "@a:x", "override", "a"))).to.equal(true);
    expect(await runInTransaction(getDb(), (tx) => store.deletePushRule(tx, "@a:x", "override", "a"))).to.equal(false);
    expect(await runInTransaction(getDb(), (tx) => store.deletePushRule(tx, "@a:x", "underride", "b"))).to.equal(false);
    expect((await store.selectPushRules("@a:x")).map((r) => r.ruleId)).to.deep.equal(["b"]);
  });
});
