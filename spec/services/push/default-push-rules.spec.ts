import { expect } from "chai";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import { defaultOverrideRules, defaultUnderrideRules } from "../../../src/services/push/default-push-rules.js";
import { PushRules, type PushContext } from "../../../src/services/push/push-rules.js";

const ME = "@alice:example.com";

describe("default push rules", () => {
  it("are the spec's, in its order: overrides, then underrides", () => {
    expect(defaultOverrideRules(ME).map((r) => r.rule_id)).to.deep.equal([
      ".m.rule.master",
      ".m.rule.suppress_notices",
      ".m.rule.invite_for_me",
      ".m.rule.member_event",
      ".m.rule.is_user_mention",
      ".m.rule.is_room_mention",
      ".m.rule.tombstone",
      ".m.rule.reaction",
      ".m.rule.room.server_acl",
      ".m.rule.suppress_edits",
    ]);
    expect(defaultUnderrideRules().map((r) => r.rule_id)).to.deep.equal([
      ".m.rule.call",
      ".m.rule.encrypted_room_one_to_one",
      ".m.rule.room_one_to_one",
      ".m.rule.message",
      ".m.rule.encrypted",
    ]);
    for (const rule of [...defaultOverrideRules(ME), ...defaultUnderrideRules()]) {
      expect(rule.default, rule.rule_id).to.equal(true);
      expect(rule.enabled, rule.rule_id).to.equal(rule.rule_id !== ".m.rule.master");
    }
  });

  it("substitute the user's Matrix ID where the definitions say so (exact definitions)", () => {
    const byId = new Map(defaultOverrideRules(ME).map((r) => [r.rule_id, r]));
    expect(byId.get(".m.rule.master")).to.deep.equal({ rule_id: ".m.rule.master", default: true, enabled: false, conditions: [], actions: [] });
    expect(byId.get(".m.rule.invite_for_me")).to.deep.equal({
      rule_id: ".m.rule.invite_for_me",
      default: true,
      enabled: true,
      conditions: [
        { key: "type", kind: "event_match", pattern: "m.room.member" },
        { key: "content.membership", kind: "event_match", pattern: "invite" },
        { key: "state_key", kind: "event_match", pattern: ME },
      ],
      actions: ["notify", { set_tweak: "sound", value: "default" }],
    });
    expect(byId.get(".m.rule.is_user_mention")).to.deep.equal({
      rule_id: ".m.rule.is_user_mention",
      default: true,
      enabled: true,
      conditions: [{ kind: "event_property_contains", key: "content.m\\.mentions.user_ids", value: ME }],
      actions: ["notify", { set_tweak: "sound", value: "default" }, { set_tweak: "highlight" }],
    });
    expect(byId.get(".m.rule.is_room_mention")).to.deep.equal({
      rule_id: ".m.rule.is_room_mention",
      default: true,
      enabled: true,
      conditions: [
        { kind: "event_property_is", key: "content.m\\.mentions.room", value: true },
        { kind: "sender_notification_permission", key: "room" },
      ],
      actions: ["notify", { set_tweak: "highlight" }],
    });
    expect(byId.get(".m.rule.tombstone")?.conditions).to.deep.equal([
      { kind: "event_match", key: "type", pattern: "m.room.tombstone" },
      { kind: "event_match", key: "state_key", pattern: "" },
    ]);
    expect(byId.get(".m.rule.suppress_edits")?.conditions).to.deep.equal([
      { kind: "event_property_is", key: "content.m\\.relates_to.rel_type", value: "m.replace" },
    ]);
    expect(defaultUnderrideRules()[1]).to.deep.equal({
      rule_id: ".m.rule.encrypted_room_one_to_one",
      default: true,
      enabled: true,
      conditions: [
        { kind: "room_member_count", is: "2" },
        { kind: "event_match", key: "type", pattern: "m.room.encrypted" },
      ],
      actions: ["notify", { set_tweak: "sound", value: "default" }],
    });
  });

  describe("applied to events", () => {
    const rules = new PushRules({ override: defaultOverrideRules(ME), content: [], room: [], sender: [], underride: defaultUnderrideRules() });
    const group: PushContext = { roomMemberCount: 5, displayName: "Alice", senderHasNotificationPermission: () => true };
    const oneToOne: PushContext = { ...group, roomMemberCount: 2 };
    const event = (type: string, content: JsonObject, extra: JsonObject = {}): JsonObject => ({ type, content, sender: "@bob:example.com", room_id: "!r:example.com", event_id: "$e", ...extra });
    const text = (body: string, extra: JsonObject = {}): JsonObject => event("m.room.message", { msgtype: "m.text", body, ...extra });
    const winner = (e: JsonObject, ctx = group): { rule: string | undefined; notify: boolean; highlight: boolean } => {
      const outcome = rules.evaluate(e, ctx);
      return { rule: outcome?.ruleId, notify: outcome?.notify ?? false, highlight: outcome?.highlight ?? false };
    };

    it(".m.rule.message notifies for a message in a group; .m.rule.room_one_to_one with a sound in a room of two", () => {
      expect(winner(text("hi"))).to.deep.equal({ rule: ".m.rule.message", notify: true, highlight: false });
      expect(winner(text("hi"), oneToOne)).to.deep.equal({ rule: ".m.rule.room_one_to_one", notify: true, highlight: false });
      expect(rules.evaluate(text("hi"), oneToOne)?.actions).to.deep.equal(["notify", { set_tweak: "sound", value: "default" }]);
    });

    it(".m.rule.suppress_notices silences m.notice", () => {
      expect(winner(text("bot", { msgtype: "m.notice" }), oneToOne)).to.deep.equal({ rule: ".m.rule.suppress_notices", notify: false, highlight: false });
    });

    it(".m.rule.is_user_mention highlights a message mentioning the user in m.mentions", () => {
      expect(winner(text("hey", { "m.mentions": { user_ids: [ME] } }))).to.deep.equal({ rule: ".m.rule.is_user_mention", notify: true, highlight: true });
      expect(winner(text("hey", { "m.mentions": { user_ids: ["@carol:example.com"] } }))).to.include({ rule: ".m.rule.message", highlight: false });
      // Legacy body mentions are gone (v1.17): the name in the body alone does not highlight.
      expect(winner(text(`hey ${ME} Alice`))).to.include({ rule: ".m.rule.message", highlight: false });
    });

    it(".m.rule.is_room_mention highlights @room from a sender with the power to; others fall through", () => {
      const atRoom = text("all", { "m.mentions": { room: true } });
      expect(winner(atRoom)).to.deep.equal({ rule: ".m.rule.is_room_mention", notify: true, highlight: true });
      expect(winner(atRoom, { ...group, senderHasNotificationPermission: () => false })).to.deep.equal({ rule: ".m.rule.message", notify: true, highlight: false });
    });

    it(".m.rule.invite_for_me notifies an invite of the user; .m.rule.member_event silences other member events", () => {
      const invite = (target: string): JsonObject => event("m.room.member", { membership: "invite" }, { state_key: target });
      expect(winner(invite(ME))).to.deep.equal({ rule: ".m.rule.invite_for_me", notify: true, highlight: false });
      expect(winner(invite("@carol:example.com"))).to.deep.equal({ rule: ".m.rule.member_event", notify: false, highlight: false });
      expect(winner(event("m.room.member", { membership: "join" }, { state_key: "@bob:example.com" }), oneToOne)).to.include({ rule: ".m.rule.member_event", notify: false });
    });

    it(".m.rule.tombstone highlights a room upgrade, only as a state event", () => {
      const tombstone = event("m.room.tombstone", { body: "moved", replacement_room: "!new:example.com" }, { state_key: "" });
      expect(winner(tombstone)).to.deep.equal({ rule: ".m.rule.tombstone", notify: true, highlight: true });
      expect(winner(event("m.room.tombstone", { body: "x" }))).to.deep.equal({ rule: undefined, notify: false, highlight: false });
    });

    it(".m.rule.reaction, .m.rule.room.server_acl and .m.rule.suppress_edits silence their events, in a room of two too", () => {
      expect(winner(event("m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: "$x", key: "👍" } }), oneToOne).rule).to.equal(".m.rule.reaction");
      expect(winner(event("m.room.server_acl", { allow: ["*"] }, { state_key: "" }), oneToOne)).to.deep.equal({ rule: ".m.rule.room.server_acl", notify: false, highlight: false });
      const edit = text("* fixed", { "m.new_content": { msgtype: "m.text", body: "fixed" }, "m.relates_to": { rel_type: "m.replace", event_id: "$x" } });
      expect(winner(edit, oneToOne)).to.deep.equal({ rule: ".m.rule.suppress_edits", notify: false, highlight: false });
    });

    it(".m.rule.call rings; encrypted events notify, with a sound in a room of two", () => {
      expect(rules.evaluate(event("m.call.invite", { call_id: "c" }), group)?.actions).to.deep.equal(["notify", { set_tweak: "sound", value: "ring" }]);
      const encrypted = event("m.room.encrypted", { algorithm: "m.megolm.v1.aes-sha2", ciphertext: "…" });
      expect(winner(encrypted)).to.deep.equal({ rule: ".m.rule.encrypted", notify: true, highlight: false });
      expect(winner(encrypted, oneToOne)).to.deep.equal({ rule: ".m.rule.encrypted_room_one_to_one", notify: true, highlight: false });
    });

    it("other events match nothing", () => {
      expect(winner(event("m.room.topic", { topic: "t" }, { state_key: "" }))).to.deep.equal({ rule: undefined, notify: false, highlight: false });
    });

    it(".m.rule.master, once enabled, silences everything", () => {
      const [master, ...others] = defaultOverrideRules(ME);
      const muted = new PushRules({ override: [{ ...master!, enabled: true }, ...others], content: [], room: [], sender: [], underride: defaultUnderrideRules() });
      expect(muted.evaluate(text("hey", { "m.mentions": { user_ids: [ME] } }), oneToOne)).to.include({ ruleId: ".m.rule.master", notify: false });
    });
  });
});
