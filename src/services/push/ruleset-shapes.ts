/**
 * Users whose push rulesets are the same but for their own user IDs (every user who never
 * changed a rule, and users who changed the same rules the same way) share a "shape", and an
 * event mostly has one outcome for all the users of a shape: evaluating one of them stands for
 * the others, so a join to a room of 2,000 is a few evaluations, not 2,000.
 * https://spec.matrix.org/v1.19/client-server-api/#push-rules
 *
 * Two rulesets of a shape differ only in conditions holding the user's ID (in the server-default
 * rules: `.m.rule.invite_for_me`'s `state_key` pattern and `.m.rule.is_user_mention`'s
 * `user_ids` value). Given the event, and the room context (the same for everyone: member
 * count, sender's power), a user is "singled out" when such a condition might hold for them
 * while the rest of its rule holds:
 * - `event_property_contains` / `event_property_is` with exactly the user's ID holds only for
 *   the IDs the event has at its key: those users are singled out;
 * - any other condition holding the user's ID (a glob, which is case-insensitive; a substring)
 *   might hold for anyone: everyone is singled out (for the default rules: invites, while the
 *   rest of `.m.rule.invite_for_me` holds).
 * Every other user of the shape gets exactly the outcome of any one of them. Rulesets that read
 * display names depend on the user in another way: they have no shape.
 */
import type { PushConditionJson, PushRuleJson, PushRulesetJson } from "../../matrix/endpoints/client/push-rules.js";
import type { JsonObject } from "../../matrix/pdu-json.js";
import { parseDottedPath } from "../../matrix/dotted-path.js";
import { LruCache } from "../../storage/lru-cache.js";
import type { StoredPushRule } from "../../storage/stores/push-rules-store.js";
import { lookupProperty } from "./event-property-path.js";
import { PushRules, rulesetUsesDisplayName, type PushContext } from "./push-rules.js";
import { buildPushRuleset } from "./push-ruleset.js";

/** Stands for "the user's ID" in a shape. No user ID or rule a shape is made of contains it. */
const PLACEHOLDER = "\u0000user\u0000";

/** A rule of the shape with conditions holding the user's ID. */
interface UserSpecificRule {
  /** The rule without those conditions: it matches whenever the whole rule might, for some user. */
  readonly rest: PushRules;
  /** Paths where the user's ID singles them out (`event_property_contains` / `_is` with exactly the ID). */
  readonly listedAt: readonly (readonly string[])[];
  /** Whether a condition might hold for any user. */
  readonly anyUser: boolean;
}

export class RulesetShape {
  private readonly userSpecific: UserSpecificRule[] = [];

  /** `ruleset`: with the user's ID replaced by PLACEHOLDER. */
  constructor(ruleset: PushRulesetJson) {
    for (const rule of [...ruleset.override, ...ruleset.underride]) {
      if (!rule.enabled) continue;
      const conditions = rule.conditions ?? [];
      const own = conditions.filter(holdsPlaceholder);
      if (own.length === 0) continue;
      const rest: PushRuleJson = { ...rule, conditions: conditions.filter((c) => !holdsPlaceholder(c)), actions: [] };
      const listedAt: string[][] = [];
      let anyUser = false;
      for (const condition of own) {
        const { kind, key, value } = condition;
        const exact = (kind === "event_property_contains" || kind === "event_property_is") && value === PLACEHOLDER && typeof key === "string" && !key.includes(PLACEHOLDER);
        if (exact) listedAt.push(parseDottedPath(key));
        else anyUser = true;
      }
      this.userSpecific.push({ rest: new PushRules({ override: [rest] }), listedAt, anyUser });
    }
  }

  /**
   * The users of this shape whose outcome for `event` (client-format JSON, in room context
   * `ctx`) may differ from the others': a set of user IDs, or "everyone".
   */
  singledOut(event: JsonObject, ctx: PushContext): ReadonlySet<string> | "everyone" {
    const users = new Set<string>();
    for (const rule of this.userSpecific) {
      if (rule.rest.evaluate(event, ctx) === null) continue;
      if (rule.anyUser) return "everyone";
      for (const path of rule.listedAt) {
        const value = lookupProperty(event, path);
        if (typeof value === "string") users.add(value);
        else if (Array.isArray(value)) for (const item of value) if (typeof item === "string") users.add(item);
      }
    }
    return users;
  }
}

/**
 * Gives users whose stored rules are the same but for their IDs one RulesetShape (while it is
 * kept). The shape is made of the ruleset of a stand-in user (PLACEHOLDER) with those rules,
 * the user's ID replaced by PLACEHOLDER in their conditions: replacing PLACEHOLDER by the
 * user's ID in it gives back exactly the user's ruleset (buildPushRuleset places the user's ID
 * in the default rules only). Users without stored rules (most) cost one lookup.
 */
export class RulesetShapes {
  private readonly shapes: LruCache<string, RulesetShape | null>;

  /** `capacity`: distinct shapes kept; default 1,000. */
  constructor(capacity = 1_000) {
    this.shapes = new LruCache(capacity);
  }

  /**
   * The shape of the ruleset of `userId` with the stored rules `stored`, or null when its
   * outcomes may depend on the user in other ways.
   */
  shapeOf(userId: string, stored: readonly StoredPushRule[]): RulesetShape | null {
    if (userId === "" || userId.includes(PLACEHOLDER) || hasText(stored, PLACEHOLDER)) return null;
    const generic = stored.map((rule) => (rule.conditions === null ? rule : { ...rule, conditions: rule.conditions.map((c) => withPlaceholder(c, userId)) }));
    const key = generic.length === 0 ? "" : JSON.stringify(generic);
    let shape = this.shapes.get(key);
    if (shape === undefined) {
      const ruleset = buildPushRuleset(PLACEHOLDER, generic);
      shape = rulesetUsesDisplayName(ruleset) ? null : new RulesetShape(ruleset);
      this.shapes.set(key, shape);
    }
    return shape;
  }
}

function holdsPlaceholder(condition: PushConditionJson): boolean {
  return Object.values(condition).some((value) => typeof value === "string" && value.includes(PLACEHOLDER));
}

function withPlaceholder(condition: PushConditionJson, userId: string): PushConditionJson {
  const replaced: PushConditionJson = { ...condition };
  for (const [name, value] of Object.entries(condition)) if (typeof value === "string") replaced[name] = value.split(userId).join(PLACEHOLDER);
  return replaced;
}

/** Whether a string in `value` (JSON), as a value or a key, contains `text`. */
function hasText(value: unknown, text: string): boolean {
  if (typeof value === "string") return value.includes(text);
  if (Array.isArray(value)) return value.some((item) => hasText(item, text));
  if (typeof value === "object" && value !== null) return Object.entries(value).some(([key, item]) => key.includes(text) || hasText(item, text));
  return false;
}
