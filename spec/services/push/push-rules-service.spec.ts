import { expect } from "chai";
import type { PushRuleKind, PushRulesJson } from "../../../src/matrix/endpoints/client/push-rules.js";
import { MatrixError } from "../../../src/matrix/errors.js";
import { AccountDataService } from "../../../src/services/account-data.js";
import { PushRulesService, type SetPushRuleRequest } from "../../../src/services/push/push-rules-service.js";
import { AccountDataStore } from "../../../src/storage/stores/account-data-store.js";
import { PushRulesStore } from "../../../src/storage/stores/push-rules-store.js";
import { Notifier } from "../../../src/sync/notifier.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejectionOf } from "../rejection-of.js";

const ME = "@alice:hs.test";
const MESSAGE = { type: "m.room.message", room_id: "!r:hs.test", sender: "@bob:hs.test", content: { msgtype: "m.text", body: "hi" } };
const CTX = { roomMemberCount: 5, displayName: null, senderHasNotificationPermission: () => true };

withAllDatabases("PushRulesService", (getDb) => {
  let accountData: AccountDataService;
  let service: PushRulesService;
  let notified: string[][];

  beforeEach(async () => {
    const notifier = new Notifier();
    notified = [];
    notifier.on("notify", (stream, _position, targets) => {
      if (stream === "accountData") notified.push([...(targets.userIds ?? [])]);
    });
    accountData = new AccountDataService({ db: getDb(), store: new AccountDataStore(getDb()), notifier });
    await accountData.start();
    service = new PushRulesService({ db: getDb(), store: new PushRulesStore(getDb()), accountData });
  });

  const put = (kind: PushRuleKind, ruleId: string, request: Partial<SetPushRuleRequest> = {}) => service.setRule(ME, kind, ruleId, { actions: ["notify"], ...request });
  const ids = async (kind: PushRuleKind) => (await service.getRuleset(ME))[kind].filter((r) => !r.default).map((r) => r.rule_id);
  async function error(promise: Promise<unknown>): Promise<[number, string]> {
    const err = await rejectionOf(promise);
    expect(err).to.be.instanceOf(MatrixError);
    return [(err as MatrixError).status, (err as MatrixError).errcode];
  }

  it("serves the server-default rules to a user who changed nothing", async () => {
    const ruleset = await service.getRuleset(ME);
    expect(ruleset.override.every((r) => r.default)).to.equal(true);
    expect((await service.getRule(ME, "override", ".m.rule.invite_for_me")).conditions?.[2]).to.deep.equal({ key: "state_key", kind: "event_match", pattern: ME });
    expect(await error(service.getRule(ME, "underride", ".m.rule.master"))).to.deep.equal([404, "M_NOT_FOUND"]);
  });

  it("adds a new rule as the most important of its kind", async () => {
    await put("override", "first");
    await put("override", "second");
    expect(await ids("override")).to.deep.equal(["second", "first"]);
    expect(await service.getRule(ME, "override", "first")).to.deep.equal({ rule_id: "first", default: false, enabled: true, actions: ["notify"], conditions: [] });
  });

  it("places a rule before or after another (before wins when both are given)", async () => {
    await put("room", "!a:hs.test");
    await put("room", "!b:hs.test");
    await put("room", "!c:hs.test", { after: "!b:hs.test" });
    expect(await ids("room")).to.deep.equal(["!b:hs.test", "!c:hs.test", "!a:hs.test"]);
    await put("room", "!d:hs.test", { before: "!a:hs.test" });
    expect(await ids("room")).to.deep.equal(["!b:hs.test", "!c:hs.test", "!d:hs.test", "!a:hs.test"]);
    await put("room", "!e:hs.test", { before: "!b:hs.test", after: "!a:hs.test" });
    expect(await ids("room")).to.deep.equal(["!e:hs.test", "!b:hs.test", "!c:hs.test", "!d:hs.test", "!a:hs.test"]);
  });

  it("updates a rule in place, keeping its enabled flag, unless before/after move it", async () => {
    await put("content", "a", { pattern: "a" });
    await put("content", "b", { pattern: "b" });
    await service.setEnabled(ME, "content", "a", false);
    await put("content", "a", { pattern: "aa", actions: [] });
    expect(await ids("content")).to.deep.equal(["b", "a"]);
    expect(await service.getRule(ME, "content", "a")).to.deep.equal({ rule_id: "a", default: false, enabled: false, actions: [], pattern: "aa" });
    await put("content", "a", { pattern: "aa", before: "b" });
    expect(await ids("content")).to.deep.equal(["a", "b"]);
  });

  it("refuses before/after naming no user-defined rule of the kind (400 M_UNKNOWN), and bad rule IDs (400 M_INVALID_PARAM)", async () => {
    await put("override", "mine");
    expect(await error(put("override", "x", { before: "missing" }))).to.deep.equal([400, "M_UNKNOWN"]);
    expect(await error(put("override", "x", { after: ".m.rule.master" }))).to.deep.equal([400, "M_UNKNOWN"]);
    expect(await error(put("underride", "x", { after: "mine" }))).to.deep.equal([400, "M_UNKNOWN"]);
    expect(await error(put("override", ".m.rule.mine"))).to.deep.equal([400, "M_INVALID_PARAM"]);
    expect(await error(put("override", "a/b"))).to.deep.equal([400, "M_INVALID_PARAM"]);
    expect(await error(put("content", "nopattern"))).to.deep.equal([400, "M_MISSING_PARAM"]);
    expect(await error(put("override", "bad", { actions: ["sing"] }))).to.deep.equal([400, "M_INVALID_PARAM"]);
    expect(await error(put("override", "bad", { conditions: [{ kind: "event_match" }] }))).to.deep.equal([400, "M_INVALID_PARAM"]);
    expect(await ids("override")).to.deep.equal(["mine"]);
  });

  it("keeps only what a kind takes: conditions for override/underride, a pattern for content", async () => {
    await put("sender", "@bob:hs.test", { conditions: [{ kind: "event_match", key: "type", pattern: "x" }], pattern: "x" });
    expect(await service.getRule(ME, "sender", "@bob:hs.test")).to.deep.equal({ rule_id: "@bob:hs.test", default: false, enabled: true, actions: ["notify"] });
  });

  it("deletes user-defined rules; server-default ones cannot be (400 M_INVALID_PARAM); unknown ones are 404 M_NOT_FOUND", async () => {
    await put("underride", "u");
    await service.deleteRule(ME, "underride", "u");
    expect(await ids("underride")).to.deep.equal([]);
    expect(await error(service.deleteRule(ME, "underride", "u"))).to.deep.equal([404, "M_NOT_FOUND"]);
    expect(await error(service.deleteRule(ME, "override", ".m.rule.master"))).to.deep.equal([400, "M_INVALID_PARAM"]);
    expect(await error(service.deleteRule(ME, "override", ".m.rule.nothing"))).to.deep.equal([404, "M_NOT_FOUND"]);
  });

  it("enables, disables and sets the actions of any rule, server-default ones included", async () => {
    await service.setEnabled(ME, "override", ".m.rule.master", true);
    expect(await service.isEnabled(ME, "override", ".m.rule.master")).to.equal(true);
    await service.setActions(ME, "underride", ".m.rule.message", ["notify", { set_tweak: "sound", value: "bing" }, "dont_notify"]);
    expect(await service.getActions(ME, "underride", ".m.rule.message")).to.deep.equal(["notify", { set_tweak: "sound", value: "bing" }]);
    expect(await service.isEnabled(ME, "underride", ".m.rule.message")).to.equal(true);
    await put("room", "!r:hs.test");
    await service.setEnabled(ME, "room", "!r:hs.test", false);
    await service.setActions(ME, "room", "!r:hs.test", []);
    expect(await service.getRule(ME, "room", "!r:hs.test")).to.include({ enabled: false });
    expect(await error(service.setEnabled(ME, "room", "!missing:hs.test", true))).to.deep.equal([404, "M_NOT_FOUND"]);
    expect(await error(service.setActions(ME, "override", ".m.rule.message", []))).to.deep.equal([404, "M_NOT_FOUND"]);
    expect(await error(service.setActions(ME, "room", "!r:hs.test", ["sing"]))).to.deep.equal([400, "M_INVALID_PARAM"]);
  });

  it("writes the whole ruleset as m.push_rules account data after each change, waking the user's syncs", async () => {
    await put("override", "mine");
    const content = (await accountData.getAccountData(ME, null, "m.push_rules")) as unknown as PushRulesJson;
    expect(content.global).to.deep.equal(await service.getRuleset(ME));
    expect(content.global.override[1]?.rule_id).to.equal("mine");
    expect(notified).to.deep.equal([[ME]]);
    await service.setEnabled(ME, "override", ".m.rule.master", true);
    expect(((await accountData.getAccountData(ME, null, "m.push_rules")) as unknown as PushRulesJson).global.override[0]?.enabled).to.equal(true);
    expect(notified).to.have.length(2);
  });

  it("compiles each user's rules once, and again after a change", async () => {
    const [before] = await service.getCompiledRules([ME]);
    expect((await service.getCompiledRules([ME]))[0]).to.equal(before);
    expect(before!.evaluate(MESSAGE, CTX)?.ruleId).to.equal(".m.rule.message");
    await put("sender", "@bob:hs.test", { actions: [] });
    const [after] = await service.getCompiledRules([ME, "@carol:hs.test"]);
    expect(after).to.not.equal(before);
    expect(after!.evaluate(MESSAGE, CTX)).to.include({ ruleId: "@bob:hs.test", notify: false });
  });

  it("gives users who changed nothing one ruleset shape, and a user who changed a rule another", async () => {
    const [mine, carols] = await service.getCompiledRules([ME, "@carol:hs.test"]);
    expect(mine!.shape).to.not.equal(null);
    expect(mine!.shape).to.equal(carols!.shape);
    await service.setEnabled(ME, "override", ".m.rule.member_event", false);
    const [changed, carolsAgain] = await service.getCompiledRules([ME, "@carol:hs.test"]);
    expect(changed!.shape).to.not.equal(null);
    expect(changed!.shape).to.not.equal(carolsAgain!.shape);
  });

  it("serializes one user's concurrent changes", async () => {
    await Promise.all(["a", "b", "c", "d"].map((id) => put("override", id)));
    expect((await ids("override")).sort()).to.deep.equal(["a", "b", "c", "d"]);
    const priorities = (await new PushRulesStore(getDb()).selectPushRules(ME)).map((r) => r.priority).sort();
    expect(new Set(priorities).size).to.equal(4);
  });
});
