/**
 * Users' push rules: reading and changing them (the /pushrules API), and each user's compiled
 * rules for the push actions worker.
 * https://spec.matrix.org/v1.19/client-server-api/#push-rules-api
 *
 * Every change is written to push_rules, then the whole ruleset is written as the user's
 * `m.push_rules` global account data: "When a user changes their push rules a `m.push_rules`
 * event is sent to all clients in the `account_data` section of their next /sync". The
 * account data write takes the next accountData stream position and wakes the user's syncs.
 * Changes of one user are serialized (a change reads the rules, then rewrites them).
 */
import type { DataSource, EntityManager } from "typeorm";
import type { PushActionJson, PushConditionJson, PushRuleJson, PushRuleKind, PushRulesetJson } from "../../matrix/endpoints/client/push-rules.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { JsonObject } from "../../matrix/pdu-json.js";
import { LruCache } from "../../storage/lru-cache.js";
import type { PushRulesStore, StoredPushRule } from "../../storage/stores/push-rules-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import type { AccountDataService } from "../account-data.js";
import { checkActions, checkConditions, checkNewRuleId } from "./push-rule-checks.js";
import { PushRules } from "./push-rules.js";
import { buildPushRuleset, isServerDefaultRuleId, ownRulesInOrder } from "./push-ruleset.js";
import { RulesetShapes } from "./ruleset-shapes.js";

/** The account data type push rules are shown as. */
export const PUSH_RULES_ACCOUNT_DATA = "m.push_rules";

/** The `m.push_rules` content of a user who never changed a rule (the server-default rules). */
export function defaultPushRulesContent(userId: string): JsonObject {
  return { global: buildPushRuleset(userId, []) } as unknown as JsonObject;
}

export interface PushRulesServiceDeps {
  db: DataSource;
  store: Pick<PushRulesStore, "selectPushRules" | "selectPushRulesOfUsers" | "upsertPushRule" | "deletePushRule" | "updatePushRulePriorities">;
  accountData: Pick<AccountDataService, "setAccountData">;
  /** Users whose compiled rules are kept in memory; default 10,000. */
  cacheSize?: number;
}

export interface SetPushRuleRequest {
  actions: readonly unknown[];
  conditions?: readonly unknown[];
  pattern?: string;
  before?: string;
  after?: string;
}

export class PushRulesService {
  private readonly compiled: LruCache<string, PushRules>;
  /** Users with the same rules but for their IDs share a shape: the worker evaluates one of them. */
  private readonly shapes = new RulesetShapes();
  /** Bumped by every change: a load that overlapped one does not fill the cache. */
  private changes = 0;
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly deps: PushRulesServiceDeps) {
    this.compiled = new LruCache(deps.cacheSize ?? 10_000);
  }

  /** GET /pushrules/global/: the whole ruleset, each kind in checking order. */
  async getRuleset(userId: string): Promise<PushRulesetJson> {
    return buildPushRuleset(userId, await this.deps.store.selectPushRules(userId));
  }

  /** GET /pushrules/global/{kind}/{ruleId}; 404 M_NOT_FOUND. */
  async getRule(userId: string, kind: PushRuleKind, ruleId: string): Promise<PushRuleJson> {
    const rule = (await this.getRuleset(userId))[kind].find((r) => r.rule_id === ruleId);
    if (rule === undefined) throw notFound();
    return rule;
  }

  /** Each user's compiled rules (for evaluating events), in the order of `userIds`, from memory when possible. */
  async getCompiledRules(userIds: readonly string[]): Promise<PushRules[]> {
    const out = new Array<PushRules>(userIds.length);
    const missing: number[] = [];
    for (let i = 0; i < userIds.length; i++) {
      const cached = this.compiled.get(userIds[i]!);
      if (cached !== undefined) out[i] = cached;
      else missing.push(i);
    }
    if (missing.length === 0) return out;
    const changes = this.changes;
    const stored = await this.deps.store.selectPushRulesOfUsers(missing.map((i) => userIds[i]!));
    for (const i of missing) {
      const userId = userIds[i]!;
      const own = stored.get(userId) ?? [];
      const rules = new PushRules(() => buildPushRuleset(userId, own), this.shapes.shapeOf(userId, own));
      if (changes === this.changes) this.compiled.set(userId, rules);
      out[i] = rules;
    }
    return out;
  }

  /**
   * PUT /pushrules/global/{kind}/{ruleId}: creates or replaces a user-defined rule. A new rule is
   * the most important of its kind unless `before` / `after` (user-defined rules of the same
   * kind; `before` wins when both are given) place it; an updated rule keeps its place unless
   * they move it. New rules are enabled; an updated rule keeps its `enabled`.
   * 400 M_INVALID_PARAM (rule ID, actions, conditions), M_MISSING_PARAM (a content rule's
   * pattern), M_UNKNOWN (before/after rule not found, as the spec's example).
   */
  async setRule(userId: string, kind: PushRuleKind, ruleId: string, request: SetPushRuleRequest): Promise<void> {
    checkNewRuleId(ruleId);
    const actions = checkActions(request.actions);
    let conditions: PushConditionJson[] | null = null;
    let pattern: string | null = null;
    if (kind === "override" || kind === "underride") conditions = checkConditions(request.conditions ?? []);
    if (kind === "content") {
      if (typeof request.pattern !== "string") throw new MatrixError(400, ErrCode.MissingParam, "Content rules need a pattern");
      pattern = request.pattern;
    }
    await this.change(userId, async (stored, tx) => {
      const ordered = ownRulesInOrder(stored, kind);
      const existing = ordered.find((rule) => rule.ruleId === ruleId) ?? null;
      const anchor = request.before ?? request.after;
      const rule: StoredPushRule = { kind, ruleId, priority: 0, conditions, pattern, actions, enabled: existing?.enabled ?? true };
      if (anchor === undefined) {
        rule.priority = existing?.priority ?? (ordered[0]?.priority ?? 0) + 1;
        await this.deps.store.upsertPushRule(tx, userId, rule);
        return;
      }
      // Renumber the kind's rules with the new one in its place: most important gets the highest number.
      const others = ordered.filter((r) => r.ruleId !== ruleId);
      const index = others.findIndex((r) => r.ruleId === anchor);
      if (index < 0) {
        const why = isServerDefaultRuleId(anchor) ? "rules cannot be placed relative to a server-default rule" : "rule not found";
        throw new MatrixError(400, ErrCode.Unknown, `before/after ${why}: ${anchor}`);
      }
      others.splice(request.before !== undefined ? index : index + 1, 0, rule);
      const priorities = new Map<string, number>();
      others.forEach((r, i) => {
        const priority = others.length - i;
        if (r === rule) rule.priority = priority;
        else if (r.priority !== priority) priorities.set(r.ruleId, priority);
      });
      await this.deps.store.updatePushRulePriorities(tx, userId, kind, priorities);
      await this.deps.store.upsertPushRule(tx, userId, rule);
    });
  }

  /** DELETE /pushrules/global/{kind}/{ruleId}; 404 M_NOT_FOUND, 400 M_INVALID_PARAM for a server-default rule. */
  async deleteRule(userId: string, kind: PushRuleKind, ruleId: string): Promise<void> {
    if (isServerDefaultRuleId(ruleId)) {
      await this.getRule(userId, kind, ruleId);
      throw new MatrixError(400, ErrCode.InvalidParam, "Server-default rules cannot be deleted; disable them instead");
    }
    await this.change(userId, async (_stored, tx) => {
      if (!(await this.deps.store.deletePushRule(tx, userId, kind, ruleId))) throw notFound();
    });
  }

  /** GET …/enabled */
  async isEnabled(userId: string, kind: PushRuleKind, ruleId: string): Promise<boolean> {
    return (await this.getRule(userId, kind, ruleId)).enabled;
  }

  /** PUT …/enabled: server-default rules too. 404 M_NOT_FOUND. */
  async setEnabled(userId: string, kind: PushRuleKind, ruleId: string, enabled: boolean): Promise<void> {
    await this.changeRule(userId, kind, ruleId, (rule) => ({ ...rule, enabled }));
  }

  /** GET …/actions */
  async getActions(userId: string, kind: PushRuleKind, ruleId: string): Promise<PushActionJson[]> {
    return (await this.getRule(userId, kind, ruleId)).actions;
  }

  /** PUT …/actions: "This can be used to change the actions of builtin rules." 404 M_NOT_FOUND. */
  async setActions(userId: string, kind: PushRuleKind, ruleId: string, actions: readonly unknown[]): Promise<void> {
    const checked = checkActions(actions);
    await this.changeRule(userId, kind, ruleId, (rule) => ({ ...rule, actions: checked }));
  }

  /** Changes one existing rule: a user-defined rule's row, or the row of changes to a server-default rule. */
  private async changeRule(userId: string, kind: PushRuleKind, ruleId: string, update: (rule: StoredPushRule) => StoredPushRule): Promise<void> {
    await this.change(userId, async (stored, tx) => {
      let row = stored.find((rule) => rule.kind === kind && rule.ruleId === ruleId);
      if (row === undefined) {
        if (!isServerDefaultRuleId(ruleId) || !buildPushRuleset(userId, [])[kind].some((rule) => rule.rule_id === ruleId)) throw notFound();
        row = { kind, ruleId, priority: 0, conditions: null, pattern: null, actions: null, enabled: null };
      }
      await this.deps.store.upsertPushRule(tx, userId, update(row));
    });
  }

  /**
   * One change of a user's rules: `fn` writes in a transaction given the stored rules, then the
   * compiled rules are dropped and the ruleset is written as `m.push_rules` account data.
   */
  private async change(userId: string, fn: (stored: StoredPushRule[], tx: EntityManager) => Promise<void>): Promise<void> {
    const previous = this.queues.get(userId) ?? Promise.resolve();
    const run = previous.then(async () => {
      await runInTransaction(this.deps.db, async (tx) => fn(await this.deps.store.selectPushRules(userId, tx), tx));
      this.changes++;
      this.compiled.delete(userId);
      const ruleset = await this.getRuleset(userId);
      await this.deps.accountData.setAccountData(userId, null, PUSH_RULES_ACCOUNT_DATA, { global: ruleset } as unknown as JsonObject);
    });
    const settled = run.catch(() => undefined);
    this.queues.set(userId, settled);
    void settled.then(() => {
      if (this.queues.get(userId) === settled) this.queues.delete(userId);
    });
    return run;
  }
}

function notFound(): MatrixError {
  return new MatrixError(404, ErrCode.NotFound, "The push rule was not found.");
}
