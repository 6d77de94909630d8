/**
 * Push rules. https://spec.matrix.org/v1.19/client-server-api/#push-rules-api
 * The scope (`global`, the only one), the kind and the rule ID come from the path: another
 * scope is an unknown endpoint (404 M_UNRECOGNIZED, as the spec's paths name `global`), another
 * kind 400 M_INVALID_PARAM.
 */
import {
  PUSH_RULE_KINDS,
  type deletePushRule,
  type getPushRule,
  type getPushRuleActions,
  type getPushRules,
  type getPushRulesGlobal,
  type isPushRuleEnabled,
  type PushRuleKind,
  type setPushRule,
  type setPushRuleActions,
  type setPushRuleEnabled,
} from "../../matrix/endpoints/client/push-rules.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { PushRulesService } from "../../services/push/push-rules-service.js";

export type PushRulesDeps = Pick<PushRulesService, "getRuleset" | "getRule" | "setRule" | "deleteRule" | "isEnabled" | "setEnabled" | "getActions" | "setActions">;

function checkScope(scope: string): void {
  if (scope !== "global") throw new MatrixError(404, ErrCode.Unrecognized, `Unknown push rule scope: ${scope}`);
}

/** The kind of `{scope}/{kind}/{ruleId}`, after checking the scope. */
function kindOf(params: { scope: string; kind: string }): PushRuleKind {
  checkScope(params.scope);
  const kind = PUSH_RULE_KINDS.find((k) => k === params.kind);
  if (kind === undefined) throw new MatrixError(400, ErrCode.InvalidParam, `Unknown push rule kind: ${params.kind}`);
  return kind;
}

/** GET /_matrix/client/v3/pushrules/ — #get_matrixclientv3pushrules */
export function handleGetPushRules(deps: PushRulesDeps): EndpointHandler<typeof getPushRules> {
  return async ({ requester }) => ({ global: await deps.getRuleset(requester.userId) });
}

/** GET /_matrix/client/v3/pushrules/global/ — #get_matrixclientv3pushrulesglobal */
export function handleGetPushRulesGlobal(deps: PushRulesDeps): EndpointHandler<typeof getPushRulesGlobal> {
  return async ({ requester, params }) => {
    checkScope(params.scope);
    return deps.getRuleset(requester.userId);
  };
}

/** GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId} — #get_matrixclientv3pushrulesglobalkindruleid */
export function handleGetPushRule(deps: PushRulesDeps): EndpointHandler<typeof getPushRule> {
  return async ({ requester, params }) => deps.getRule(requester.userId, kindOf(params), params.ruleId);
}

/** PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId} — #put_matrixclientv3pushrulesglobalkindruleid */
export function handleSetPushRule(deps: PushRulesDeps): EndpointHandler<typeof setPushRule> {
  return async ({ requester, params, query, body }) => {
    await deps.setRule(requester.userId, kindOf(params), params.ruleId, {
      actions: body.actions,
      conditions: body.conditions,
      pattern: body.pattern,
      before: query.before,
      after: query.after,
    });
    return {};
  };
}

/** DELETE /_matrix/client/v3/pushrules/global/{kind}/{ruleId} — #delete_matrixclientv3pushrulesglobalkindruleid */
export function handleDeletePushRule(deps: PushRulesDeps): EndpointHandler<typeof deletePushRule> {
  return async ({ requester, params }) => {
    await deps.deleteRule(requester.userId, kindOf(params), params.ruleId);
    return {};
  };
}

/** GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled — #get_matrixclientv3pushrulesglobalkindruleidenabled */
export function handleIsPushRuleEnabled(deps: PushRulesDeps): EndpointHandler<typeof isPushRuleEnabled> {
  return async ({ requester, params }) => ({ enabled: await deps.isEnabled(requester.userId, kindOf(params), params.ruleId) });
}

/** PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled — #put_matrixclientv3pushrulesglobalkindruleidenabled */
export function handleSetPushRuleEnabled(deps: PushRulesDeps): EndpointHandler<typeof setPushRuleEnabled> {
  return async ({ requester, params, body }) => {
    await deps.setEnabled(requester.userId, kindOf(params), params.ruleId, body.enabled);
    return {};
  };
}

/** GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions — #get_matrixclientv3pushrulesglobalkindruleidactions */
export function handleGetPushRuleActions(deps: PushRulesDeps): EndpointHandler<typeof getPushRuleActions> {
  return async ({ requester, params }) => ({ actions: await deps.getActions(requester.userId, kindOf(params), params.ruleId) });
}

/** PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions — #put_matrixclientv3pushrulesglobalkindruleidactions */
export function handleSetPushRuleActions(deps: PushRulesDeps): EndpointHandler<typeof setPushRuleActions> {
  return async ({ requester, params, body }) => {
    await deps.setActions(requester.userId, kindOf(params), params.ruleId, body.actions);
    return {};
  };
}
