/**
 * push_rules: users' own push rules and their changes to the server-default ones (rule IDs
 * starting with "."), which keep NULL `enabled` / `actions` where the default still applies.
 * Conditions and actions are stored as JSON text.
 */
import type { EntityManager } from "typeorm";
import type { PushActionJson, PushConditionJson, PushRuleKind } from "../../matrix/endpoints/client/push-rules.js";
import { toBool, toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export interface StoredPushRule {
  kind: PushRuleKind;
  ruleId: string;
  /** Higher is checked first within the kind (user-defined rules). */
  priority: number;
  conditions: PushConditionJson[] | null;
  pattern: string | null;
  /** Null: a server-default rule's own actions. */
  actions: PushActionJson[] | null;
  /** Null: a server-default rule's own `enabled`. */
  enabled: boolean | null;
}

interface PushRuleDbRow {
  user_id: string;
  kind: string;
  rule_id: string;
  priority: unknown;
  conditions: string | null;
  pattern: string | null;
  actions: string | null;
  enabled: unknown;
}

const COLUMNS = "user_id, kind, rule_id, priority, conditions, pattern, actions, enabled";

export class PushRulesStore extends BaseStore {
  /** Every stored rule of each user in `userIds` (users without any are absent). */
  async selectPushRulesOfUsers(userIds: readonly string[], em: EntityManager = this.reader): Promise<Map<string, StoredPushRule[]>> {
    const out = new Map<string, StoredPushRule[]>();
    if (userIds.length === 0) return out;
    const rows = await this.d.query<PushRuleDbRow>(em, `SELECT ${COLUMNS} FROM push_rules WHERE user_id ${this.d.inArray}`, [this.d.arrayParam(userIds)]);
    for (const row of rows) {
      let list = out.get(row.user_id);
      if (list === undefined) out.set(row.user_id, (list = []));
      list.push(toStoredRule(row));
    }
    return out;
  }

  /** One user's stored rules. */
  async selectPushRules(userId: string, em: EntityManager = this.reader): Promise<StoredPushRule[]> {
    return (await this.selectPushRulesOfUsers([userId], em)).get(userId) ?? [];
  }

  /** Inserts or replaces the rule `(userId, rule.kind, rule.ruleId)`. */
  async upsertPushRule(tx: EntityManager, userId: string, rule: StoredPushRule): Promise<void> {
    await this.d.execute(
      tx,
      `INSERT INTO push_rules (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, kind, rule_id) DO UPDATE SET priority = excluded.priority, conditions = excluded.conditions,
         pattern = excluded.pattern, actions = excluded.actions, enabled = excluded.enabled`,
      [
        userId,
        rule.kind,
        rule.ruleId,
        rule.priority,
        rule.conditions === null ? null : JSON.stringify(rule.conditions),
        rule.pattern,
        rule.actions === null ? null : JSON.stringify(rule.actions),
        rule.enabled,
      ],
    );
  }

  /** Whether a rule was deleted. */
  async deletePushRule(tx: EntityManager, userId: string, kind: PushRuleKind, ruleId: string): Promise<boolean> {
    return (await this.d.execute(tx, "DELETE FROM push_rules WHERE user_id = ? AND kind = ? AND rule_id = ?", [userId, kind, ruleId])) > 0;
  }

  /** Sets the priority of each listed rule of one kind. */
  async updatePushRulePriorities(tx: EntityManager, userId: string, kind: PushRuleKind, priorities: ReadonlyMap<string, number>): Promise<void> {
    for (const [ruleId, priority] of priorities) {
      await this.d.execute(tx, "UPDATE push_rules SET priority = ? WHERE user_id = ? AND kind = ? AND rule_id = ?", [priority, userId, kind, ruleId]);
    }
  }
}

function toStoredRule(row: PushRuleDbRow): StoredPushRule {
  return {
    kind: row.kind as PushRuleKind,
    ruleId: row.rule_id,
    priority: toNumber(row.priority),
    conditions: row.conditions === null ? null : (JSON.parse(row.conditions) as PushConditionJson[]),
    pattern: row.pattern,
    actions: row.actions === null ? null : (JSON.parse(row.actions) as PushActionJson[]),
    enabled: row.enabled === null || row.enabled === undefined ? null : toBool(row.enabled),
  };
}
