import { expect } from "chai";
import type { PushRuleJson, PushRulesetJson } from "../../../src/matrix/endpoints/client/push-rules.js";
import { describeRooms, enc, expectError, type RoomClient } from "./rooms-fixture.js";

describeRooms("push rules API", (suite) => {
  let user: RoomClient;
  let counter = 0;
  beforeEach(async () => {
    user = await suite.newUser(`pusher${++counter}`);
  });

  const rule = (kind: string, ruleId: string, suffix = "") => `/pushrules/global/${kind}/${enc(ruleId)}${suffix}`;
  const ownIds = async (kind: keyof PushRulesetJson): Promise<string[]> =>
    ((await user.request("GET", "/pushrules/global/")).body as unknown as PushRulesetJson)[kind].filter((r) => !r.default).map((r) => r.rule_id);

  it("GET /pushrules/ gives the global ruleset, server-default rules included, on v3 and r0", async () => {
    for (const prefix of ["/_matrix/client/v3", "/_matrix/client/r0"]) {
      const response = await user.request("GET", `${prefix}/pushrules/`);
      expect(response.status).to.equal(200);
      const global = response.body.global as PushRulesetJson;
      expect(Object.keys(global).sort()).to.deep.equal(["content", "override", "room", "sender", "underride"]);
      expect(global.override[0]).to.deep.equal({ rule_id: ".m.rule.master", default: true, enabled: false, conditions: [], actions: [] });
      const invite = global.override.find((r) => r.rule_id === ".m.rule.invite_for_me")!;
      expect(invite.conditions?.[2]).to.deep.equal({ key: "state_key", kind: "event_match", pattern: user.userId });
      expect(global.underride.map((r) => r.rule_id)).to.include(".m.rule.room_one_to_one");
    }
    const global = await user.request("GET", "/pushrules/global/");
    expect(global.status).to.equal(200);
    expect(global.body).to.deep.equal((await user.request("GET", "/pushrules/")).body.global);
  });

  it("needs an access token", async () => {
    const response = await fetch(`${suite.hs.baseUrl}/_matrix/client/v3/pushrules/`);
    expect(response.status).to.equal(401);
  });

  it("creates, reads, replaces and deletes a rule (the spec's examples)", async () => {
    expect((await user.request("PUT", rule("content", "SSByZWFsbHkgbGlrZSBjYWtl"), { pattern: "cake", actions: ["notify", { set_tweak: "sound", value: "cakealarm.wav" }] })).status).to.equal(200);
    const created = await user.request("GET", rule("content", "SSByZWFsbHkgbGlrZSBjYWtl"));
    expect(created.body).to.deep.equal({
      rule_id: "SSByZWFsbHkgbGlrZSBjYWtl",
      default: false,
      enabled: true,
      pattern: "cake",
      actions: ["notify", { set_tweak: "sound", value: "cakealarm.wav" }],
    });
    expect((await user.request("PUT", rule("room", "!dj234r78wl45Gh4D:matrix.org"), { actions: [] })).status).to.equal(200);
    expect((await user.request("GET", rule("room", "!dj234r78wl45Gh4D:matrix.org"))).body).to.deep.equal({ rule_id: "!dj234r78wl45Gh4D:matrix.org", default: false, enabled: true, actions: [] });
    const beer = { conditions: [{ kind: "event_match", key: "content.body", pattern: "beer" }, { kind: "room_member_count", is: "<=10" }], actions: ["notify", { set_tweak: "sound", value: "beeroclock.wav" }] };
    expect((await user.request("PUT", rule("override", "U2VlIHlvdSBpbiBUaGUgRHVrZQ"), beer)).status).to.equal(200);
    expect(((await user.request("GET", rule("override", "U2VlIHlvdSBpbiBUaGUgRHVrZQ"))).body as unknown as PushRuleJson).conditions).to.deep.equal(beer.conditions);
    // Replaced.
    expect((await user.request("PUT", rule("content", "SSByZWFsbHkgbGlrZSBjYWtl"), { pattern: "pie", actions: [] })).status).to.equal(200);
    expect((await user.request("GET", rule("content", "SSByZWFsbHkgbGlrZSBjYWtl"))).body).to.include({ pattern: "pie" });
    // Deleted.
    expect((await user.request("DELETE", rule("content", "SSByZWFsbHkgbGlrZSBjYWtl"))).body).to.deep.equal({});
    expectError(await user.request("GET", rule("content", "SSByZWFsbHkgbGlrZSBjYWtl")), 404, "M_NOT_FOUND");
    expectError(await user.request("DELETE", rule("content", "SSByZWFsbHkgbGlrZSBjYWtl")), 404, "M_NOT_FOUND");
  });

  it("orders rules of a kind: new ones first, then as before/after place them (the spec's cake*lie example)", async () => {
    await user.request("PUT", rule("content", "a"), { pattern: "cake", actions: ["notify"] });
    await user.request("PUT", rule("content", "b"), { pattern: "x", actions: [] });
    expect(await ownIds("content")).to.deep.equal(["b", "a"]);
    expect((await user.request("PUT", `${rule("content", "c")}?before=a`, { pattern: "cake*lie", actions: ["notify"] })).status).to.equal(200);
    expect(await ownIds("content")).to.deep.equal(["b", "c", "a"]);
    expect((await user.request("PUT", `${rule("content", "d")}?after=a`, { pattern: "d", actions: [] })).status).to.equal(200);
    expect(await ownIds("content")).to.deep.equal(["b", "c", "a", "d"]);
    expect((await user.request("PUT", `${rule("content", "d")}?before=b`, { pattern: "d", actions: [] })).status).to.equal(200);
    expect(await ownIds("content")).to.deep.equal(["d", "b", "c", "a"]);
  });

  it("refuses before/after naming no user-defined rule of the kind (400 M_UNKNOWN)", async () => {
    const response = await user.request("PUT", `${rule("override", "x")}?before=someRuleId`, { actions: [] });
    expectError(response, 400, "M_UNKNOWN");
    expect(response.body.error).to.contain("someRuleId");
    expectError(await user.request("PUT", `${rule("override", "x")}?after=.m.rule.master`, { actions: [] }), 400, "M_UNKNOWN");
  });

  it("reads and sets enabled and actions, of server-default rules too", async () => {
    expect((await user.request("GET", rule("override", ".m.rule.master", "/enabled"))).body).to.deep.equal({ enabled: false });
    expect((await user.request("PUT", rule("override", ".m.rule.master", "/enabled"), { enabled: true })).status).to.equal(200);
    expect((await user.request("GET", rule("override", ".m.rule.master", "/enabled"))).body).to.deep.equal({ enabled: true });
    expect((await user.request("GET", rule("underride", ".m.rule.message", "/actions"))).body).to.deep.equal({ actions: ["notify"] });
    const bing = ["notify", { set_tweak: "sound", value: "bing" }];
    expect((await user.request("PUT", rule("underride", ".m.rule.message", "/actions"), { actions: bing })).status).to.equal(200);
    expect((await user.request("GET", rule("underride", ".m.rule.message", "/actions"))).body).to.deep.equal({ actions: bing });
    expect((await user.request("GET", rule("underride", ".m.rule.message"))).body).to.include({ default: true, enabled: true });
    await user.request("PUT", rule("sender", "@spambot:matrix.org"), { actions: ["notify"] });
    await user.request("PUT", rule("sender", "@spambot:matrix.org", "/enabled"), { enabled: false });
    await user.request("PUT", rule("sender", "@spambot:matrix.org", "/actions"), { actions: [] });
    expect((await user.request("GET", rule("sender", "@spambot:matrix.org"))).body).to.deep.equal({ rule_id: "@spambot:matrix.org", default: false, enabled: false, actions: [] });
    expectError(await user.request("GET", rule("sender", "@nobody:x", "/enabled")), 404, "M_NOT_FOUND");
    expectError(await user.request("PUT", rule("sender", "@nobody:x", "/enabled"), { enabled: true }), 404, "M_NOT_FOUND");
    expectError(await user.request("GET", rule("sender", "@nobody:x", "/actions")), 404, "M_NOT_FOUND");
    expectError(await user.request("PUT", rule("sender", "@nobody:x", "/actions"), { actions: [] }), 404, "M_NOT_FOUND");
  });

  it("refuses what the spec refuses", async () => {
    expectError(await user.request("PUT", rule("override", ".m.rule.mine"), { actions: [] }), 400, "M_INVALID_PARAM");
    expectError(await user.request("PUT", rule("override", "a\\b"), { actions: [] }), 400, "M_INVALID_PARAM");
    expectError(await user.request("PUT", rule("override", "a/b"), { actions: [] }), 400, "M_INVALID_PARAM");
    expectError(await user.request("PUT", rule("override", "x"), {}), 400, "M_BAD_JSON");
    expectError(await user.request("PUT", rule("override", "x"), { actions: "notify" }), 400, "M_BAD_JSON");
    expectError(await user.request("PUT", rule("override", "x"), { actions: ["sing"] }), 400, "M_INVALID_PARAM");
    expectError(await user.request("PUT", rule("override", "x"), { actions: [], conditions: [{ kind: "room_member_count", is: "lots" }] }), 400, "M_INVALID_PARAM");
    expectError(await user.request("PUT", rule("content", "x"), { actions: [] }), 400, "M_MISSING_PARAM");
    expectError(await user.request("PUT", rule("override", ".m.rule.master", "/enabled"), { enabled: "yes" }), 400, "M_BAD_JSON");
    expectError(await user.request("DELETE", rule("override", ".m.rule.master")), 400, "M_INVALID_PARAM");
    expectError(await user.request("GET", rule("everything", "x")), 400, "M_INVALID_PARAM");
    expectError(await user.request("GET", "/pushrules/device/override/x"), 404, "M_UNRECOGNIZED");
    expectError(await user.request("GET", "/pushrules/device/"), 404, "M_UNRECOGNIZED");
  });

  it("shows the rules as m.push_rules account data: the defaults at first, the ruleset after each change, in /sync too", async () => {
    const initial = await user.request("GET", "/sync");
    const pushRules = (body: Record<string, unknown>) => (body.account_data as { events: Array<{ type: string; content: { global: PushRulesetJson } }> }).events.find((e) => e.type === "m.push_rules");
    expect(pushRules(initial.body)?.content).to.deep.equal((await user.request("GET", "/pushrules/")).body);
    const accountData = `/user/${enc(user.userId)}/account_data/m.push_rules`;
    expect((await user.request("GET", accountData)).body).to.deep.equal((await user.request("GET", "/pushrules/")).body);
    // Clients may not write it.
    expectError(await user.request("PUT", accountData, { global: {} }), 405, "M_BAD_JSON");

    const since = initial.body.next_batch as string;
    await user.request("PUT", rule("room", "!quiet:hearth.test"), { actions: [] });
    const next = await user.request("GET", `/sync?since=${enc(since)}&timeout=5000`);
    expect(pushRules(next.body)?.content.global.room).to.deep.equal([{ rule_id: "!quiet:hearth.test", default: false, enabled: true, actions: [] }]);
    expect(((await user.request("GET", accountData)).body.global as PushRulesetJson).room).to.have.length(1);
  });
});
