/**
 * A user's whole ruleset, as GET /pushrules/ and the `m.push_rules` account data show it: the
 * user's own rules and the server-default rules (with the user's changes to them), each kind in
 * the order its rules are checked.
 * https://spec.matrix.org/v1.19/client-server-api/#predefined-rules
 *
 * "Homeservers can specify server-default rules. They operate at a lower priority than
 * user-defined rules, except for the `.m.rule.master` rule which has always a higher priority
 * than any other rule." So: override = master, the user's overrides, the other default
 * overrides; content, room and sender = the user's; underride = the user's, then the defaults.
 */
import type { PushRuleJson, PushRuleKind, PushRulesetJson } from "../../matrix/endpoints/client/push-rules.js";
import type { StoredPushRule } from "../../storage/stores/push-rules-store.js";
import { defaultOverrideRules, defaultUnderrideRules, MASTER_RULE_ID } from "./default-push-rules.js";

/** Rule IDs starting with a dot are server-default rules. */
export function isServerDefaultRuleId(ruleId: string): boolean {
  return ruleId.startsWith(".");
}

export function buildPushRuleset(userId: string, stored: readonly StoredPushRule[]): PushRulesetJson {
  const own: Record<PushRuleKind, StoredPushRule[]> = { override: [], content: [], room: [], sender: [], underride: [] };
  const changedDefaults = new Map<string, StoredPushRule>();
  for (const rule of stored) {
    if (isServerDefaultRuleId(rule.ruleId)) changedDefaults.set(`${rule.kind}\u0000${rule.ruleId}`, rule);
    else own[rule.kind]?.push(rule);
  }
  const withChanges = (kind: PushRuleKind, rule: PushRuleJson): PushRuleJson => {
    const change = changedDefaults.get(`${kind}\u0000${rule.rule_id}`);
    if (change === undefined) return rule;
    return { ...rule, enabled: change.enabled ?? rule.enabled, actions: change.actions ?? rule.actions };
  };
  const render = (kind: PushRuleKind): PushRuleJson[] => own[kind].sort(byPriority).map((rule) => renderOwnRule(kind, rule));

  const defaultOverrides = defaultOverrideRules(userId).map((rule) => withChanges("override", rule));
  const master = defaultOverrides.filter((rule) => rule.rule_id === MASTER_RULE_ID);
  const otherOverrides = defaultOverrides.filter((rule) => rule.rule_id !== MASTER_RULE_ID);
  return {
    override: [...master, ...render("override"), ...otherOverrides],
    content: render("content"),
    room: render("room"),
    sender: render("sender"),
    underride: [...render("underride"), ...defaultUnderrideRules().map((rule) => withChanges("underride", rule))],
  };
}

/** Most important first; equal priorities (never written) by rule ID, to stay stable. */
function byPriority(a: StoredPushRule, b: StoredPushRule): number {
  return b.priority - a.priority || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

function renderOwnRule(kind: PushRuleKind, rule: StoredPushRule): PushRuleJson {
  const json: PushRuleJson = { rule_id: rule.ruleId, default: false, enabled: rule.enabled ?? true, actions: rule.actions ?? [] };
  if (kind === "override" || kind === "underride") json.conditions = rule.conditions ?? [];
  if (kind === "content" && rule.pattern !== null) json.pattern = rule.pattern;
  return json;
}

/** A kind's user-defined rules, most important first. */
export function ownRulesInOrder(stored: readonly StoredPushRule[], kind: PushRuleKind): StoredPushRule[] {
  return stored.filter((rule) => rule.kind === kind && !isServerDefaultRuleId(rule.ruleId)).sort(byPriority);
}
