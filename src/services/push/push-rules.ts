/**
 * A user's push ruleset, compiled once and evaluated against events: which rule matches first
 * and what its actions say. Pure: everything about the room comes in a PushContext.
 * https://spec.matrix.org/v1.19/client-server-api/#push-rules
 *
 * - Kinds are checked in order override, content, room, sender, underride; within a kind, in the
 *   ruleset's order. "Only `actions` for highest priority rule" apply. "Disabled rules never
 *   match."
 * - override/underride: "All conditions must hold true … A rule with no conditions always
 *   matches. Unrecognised conditions MUST NOT match any events."
 * - content: `pattern` against `content.body` at word boundaries; room: the event's `room_id`
 *   is the rule ID; sender: its `sender` is.
 * - Actions: `dont_notify` and `coalesce` are historical and stripped ("MUST ignore"); a
 *   `highlight` tweak without a value means true.
 */
import type { JsonObject } from "../../matrix/pdu-json.js";
import {
  PUSH_RULE_KINDS,
  type PushActionJson,
  type PushConditionJson,
  type PushRuleJson,
  type PushRuleKind,
  type PushRulesetJson,
} from "../../matrix/endpoints/client/push-rules.js";
import { isJsonObject } from "../../room/is-json-object.js";
import { parseDottedPath } from "../../matrix/dotted-path.js";
import { lookupProperty } from "./event-property-path.js";
import { encodeNotificationActions } from "./notification-actions.js";
import { compileGlob, compileLiteralWords } from "./push-glob.js";
import type { RulesetShape } from "./ruleset-shapes.js";

/** What conditions need to know about the room and the user whose rules these are. */
export interface PushContext {
  /** Joined members of the room (`room_member_count`). */
  readonly roomMemberCount: number;
  /** The user's display name in the room (`contains_display_name`); null when none. */
  readonly displayName: string | null;
  /** Whether the sender's power level reaches `notifications[key]` (`sender_notification_permission`). */
  senderHasNotificationPermission(key: string): boolean;
}

/** The actions of the rule that matched. */
export interface PushOutcome {
  readonly kind: PushRuleKind;
  readonly ruleId: string;
  /** Without the historical actions. */
  readonly actions: readonly PushActionJson[];
  readonly notify: boolean;
  readonly highlight: boolean;
  /** `actions` as stored with a notification (notification-actions.ts), encoded once per rule. */
  readonly storedActions: string | null;
}

type Matcher = (event: JsonObject, ctx: PushContext) => boolean;

interface CompiledRule {
  readonly matches: Matcher;
  readonly outcome: PushOutcome;
}

const HISTORICAL_ACTIONS: ReadonlySet<string> = new Set(["dont_notify", "coalesce"]);
/** `is` of room_member_count: an optional comparison, then a decimal integer. */
export const MEMBER_COUNT = /^(==|<=|>=|<|>)?([0-9]+)$/;
const BODY_PATH = ["content", "body"];
const never: Matcher = () => false;

export class PushRules {
  private ruleset: (() => Partial<PushRulesetJson>) | Partial<PushRulesetJson> | null;
  private rules: CompiledRule[] | null = null;
  private displayNames: boolean | null = null;
  private lastName: { name: string; regex: RegExp } | null = null;

  /**
   * `ruleset`, or a function giving it: it is built and compiled on first use (most users'
   * rules are never evaluated on their own: their shape's outcome stands for them).
   * `shape`: what users with this ruleset but for their IDs share (ruleset-shapes.ts), if it
   * has one.
   */
  constructor(
    ruleset: Partial<PushRulesetJson> | (() => Partial<PushRulesetJson>),
    readonly shape: RulesetShape | null = null,
  ) {
    this.ruleset = ruleset;
  }

  /** Whether an enabled rule has a `contains_display_name` condition (callers may skip looking names up otherwise). */
  get usesDisplayName(): boolean {
    // Rulesets that read display names have no shape.
    if (this.shape !== null) return false;
    this.compile();
    return this.displayNames!;
  }

  /** The outcome of the first enabled rule matching `event` (client-format JSON), or null when none does. */
  evaluate(event: JsonObject, ctx: PushContext): PushOutcome | null {
    for (const rule of this.compile()) if (rule.matches(event, ctx)) return rule.outcome;
    return null;
  }

  private compile(): CompiledRule[] {
    if (this.rules !== null) return this.rules;
    const ruleset = typeof this.ruleset === "function" ? this.ruleset() : this.ruleset!;
    this.ruleset = null;
    const rules: CompiledRule[] = [];
    for (const kind of PUSH_RULE_KINDS) {
      for (const rule of ruleset[kind] ?? []) {
        if (rule.enabled) rules.push({ matches: this.compileRule(kind, rule), outcome: outcomeOf(kind, rule) });
      }
    }
    this.displayNames = rulesetUsesDisplayName(ruleset);
    this.rules = rules;
    return rules;
  }

  private compileRule(kind: PushRuleKind, rule: PushRuleJson): Matcher {
    switch (kind) {
      case "override":
      case "underride": {
        const conditions = (rule.conditions ?? []).map((c) => this.compileCondition(c));
        if (conditions.length === 0) return () => true;
        return (event, ctx) => conditions.every((matches) => matches(event, ctx));
      }
      case "content": {
        if (typeof rule.pattern !== "string") return never;
        const regex = compileGlob(rule.pattern, "words");
        return (event) => {
          const body = lookupProperty(event, BODY_PATH);
          return typeof body === "string" && regex.test(body);
        };
      }
      case "room":
        return (event) => event.room_id === rule.rule_id;
      case "sender":
        return (event) => event.sender === rule.rule_id;
    }
  }

  private compileCondition(condition: PushConditionJson): Matcher {
    const key = condition.key;
    switch (condition.kind) {
      case "event_match": {
        if (typeof key !== "string" || typeof condition.pattern !== "string") return never;
        const names = parseDottedPath(key);
        const regex = compileGlob(condition.pattern, key === "content.body" ? "words" : "whole");
        return (event) => {
          const value = lookupProperty(event, names);
          return typeof value === "string" && regex.test(value);
        };
      }
      case "event_property_is": {
        if (typeof key !== "string" || !Object.hasOwn(condition, "value") || !isPushScalar(condition.value)) return never;
        const names = parseDottedPath(key);
        const expected = condition.value;
        return (event) => {
          const value = lookupProperty(event, names);
          return isPushScalar(value) && value === expected;
        };
      }
      case "event_property_contains": {
        if (typeof key !== "string" || !Object.hasOwn(condition, "value") || !isPushScalar(condition.value)) return never;
        const names = parseDottedPath(key);
        const expected = condition.value;
        return (event) => {
          const value = lookupProperty(event, names);
          return Array.isArray(value) && value.some((item) => isPushScalar(item) && item === expected);
        };
      }
      case "contains_display_name":
        return (event, ctx) => {
          const body = lookupProperty(event, BODY_PATH);
          if (typeof body !== "string" || ctx.displayName === null || ctx.displayName === "") return false;
          return this.nameRegex(ctx.displayName).test(body);
        };
      case "room_member_count": {
        const test = typeof condition.is === "string" ? memberCountTest(condition.is) : null;
        return test === null ? never : (_event, ctx) => test(ctx.roomMemberCount);
      }
      case "sender_notification_permission":
        return typeof key === "string" ? (_event, ctx) => ctx.senderHasNotificationPermission(key) : never;
      default:
        return never;
    }
  }

  /** Display names rarely change between evaluations: keep the last one compiled. */
  private nameRegex(name: string): RegExp {
    if (this.lastName?.name !== name) this.lastName = { name, regex: compileLiteralWords(name) };
    return this.lastName.regex;
  }
}

/** Whether an enabled rule of `ruleset` has a `contains_display_name` condition. */
export function rulesetUsesDisplayName(ruleset: Partial<PushRulesetJson>): boolean {
  return PUSH_RULE_KINDS.some((kind) => (ruleset[kind] ?? []).some((rule) => rule.enabled && rule.conditions?.some((c) => c.kind === "contains_display_name") === true));
}

/**
 * "non-compound canonical JSON values: strings, integers in the range of [-(2**53)+1,
 * (2**53)-1], booleans, and null."
 */
export function isPushScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === "string" || typeof value === "boolean" || Number.isSafeInteger(value);
}

/** `is` of room_member_count: "A decimal integer optionally prefixed by one of, ==, <, >, >= or <=" (default ==). */
function memberCountTest(is: string): ((count: number) => boolean) | null {
  const match = MEMBER_COUNT.exec(is);
  if (match === null) return null;
  const n = Number(match[2]);
  switch (match[1]) {
    case "<":
      return (count) => count < n;
    case ">":
      return (count) => count > n;
    case "<=":
      return (count) => count <= n;
    case ">=":
      return (count) => count >= n;
    default:
      return (count) => count === n;
  }
}

/** The actions without the historical ones, and what they mean for notifying and highlighting. */
export function outcomeOf(kind: PushRuleKind, rule: Pick<PushRuleJson, "rule_id" | "actions">): PushOutcome {
  const actions = stripHistoricalActions(rule.actions);
  let notify = false;
  let highlight = false;
  for (const action of actions) {
    if (action === "notify") notify = true;
    else if (isJsonObject(action) && action.set_tweak === "highlight") highlight = action.value === undefined || action.value === true;
  }
  return { kind, ruleId: rule.rule_id, actions, notify, highlight, storedActions: encodeNotificationActions(actions, highlight) };
}

/** "Clients and homeservers MUST ignore these actions, for instance, by stripping them." */
export function stripHistoricalActions(actions: readonly PushActionJson[]): PushActionJson[] {
  return actions.filter((action) => typeof action !== "string" || !HISTORICAL_ACTIONS.has(action));
}
