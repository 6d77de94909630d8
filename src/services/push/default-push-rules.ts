/**
 * The server-default push rules, exactly as the spec defines them, with the user's Matrix ID
 * substituted where a definition says "[the user's Matrix ID]".
 * https://spec.matrix.org/v1.19/client-server-api/#predefined-rules
 *
 * v1.17 removed the legacy rules that looked for mentions in `content.body`
 * (`.m.rule.contains_display_name`, `.m.rule.roomnotif`, `.m.rule.contains_user_name`): mentions
 * are `m.mentions` now (`.m.rule.is_user_mention`, `.m.rule.is_room_mention`), so there are no
 * default content rules.
 *
 * Order matters: within a kind, rules are checked in the order listed. `.m.rule.master` comes
 * before even the user's own override rules (push-ruleset.ts places it).
 */
import type { PushActionJson, PushRuleJson } from "../../matrix/endpoints/client/push-rules.js";

export const MASTER_RULE_ID = ".m.rule.master";

const SOUND_DEFAULT: PushActionJson = { set_tweak: "sound", value: "default" };
const HIGHLIGHT: PushActionJson = { set_tweak: "highlight" };

function rule(rule_id: string, conditions: PushRuleJson["conditions"], actions: PushActionJson[], enabled = true): PushRuleJson {
  return { rule_id, default: true, enabled, conditions, actions };
}

function typeIs(pattern: string): { kind: string; key: string; pattern: string } {
  return { kind: "event_match", key: "type", pattern };
}

const EMPTY_STATE_KEY = { kind: "event_match", key: "state_key", pattern: "" };
const ONE_TO_ONE = { kind: "room_member_count", is: "2" };

/** The default override rules, `.m.rule.master` first. Nested objects are shared: read-only. */
export function defaultOverrideRules(userId: string): PushRuleJson[] {
  return [
    rule(MASTER_RULE_ID, [], [], false),
    rule(".m.rule.suppress_notices", [{ kind: "event_match", key: "content.msgtype", pattern: "m.notice" }], []),
    rule(
      ".m.rule.invite_for_me",
      [
        { key: "type", kind: "event_match", pattern: "m.room.member" },
        { key: "content.membership", kind: "event_match", pattern: "invite" },
        { key: "state_key", kind: "event_match", pattern: userId },
      ],
      ["notify", SOUND_DEFAULT],
    ),
    rule(".m.rule.member_event", [typeIs("m.room.member")], []),
    rule(".m.rule.is_user_mention", [{ kind: "event_property_contains", key: "content.m\\.mentions.user_ids", value: userId }], ["notify", SOUND_DEFAULT, HIGHLIGHT]),
    rule(
      ".m.rule.is_room_mention",
      [
        { kind: "event_property_is", key: "content.m\\.mentions.room", value: true },
        { kind: "sender_notification_permission", key: "room" },
      ],
      ["notify", HIGHLIGHT],
    ),
    rule(".m.rule.tombstone", [typeIs("m.room.tombstone"), EMPTY_STATE_KEY], ["notify", HIGHLIGHT]),
    rule(".m.rule.reaction", [typeIs("m.reaction")], []),
    rule(".m.rule.room.server_acl", [typeIs("m.room.server_acl"), EMPTY_STATE_KEY], []),
    rule(".m.rule.suppress_edits", [{ kind: "event_property_is", key: "content.m\\.relates_to.rel_type", value: "m.replace" }], []),
  ];
}

/** The default underride rules. */
export function defaultUnderrideRules(): PushRuleJson[] {
  return [
    rule(".m.rule.call", [typeIs("m.call.invite")], ["notify", { set_tweak: "sound", value: "ring" }]),
    rule(".m.rule.encrypted_room_one_to_one", [ONE_TO_ONE, typeIs("m.room.encrypted")], ["notify", SOUND_DEFAULT]),
    rule(".m.rule.room_one_to_one", [ONE_TO_ONE, typeIs("m.room.message")], ["notify", SOUND_DEFAULT]),
    rule(".m.rule.message", [typeIs("m.room.message")], ["notify"]),
    rule(".m.rule.encrypted", [typeIs("m.room.encrypted")], ["notify"]),
  ];
}
