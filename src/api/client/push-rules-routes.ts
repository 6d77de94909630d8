/** The push rule routes (GET /pushrules/ and the rule endpoints under /pushrules/global/). */
import {
  deletePushRule,
  getPushRule,
  getPushRuleActions,
  getPushRules,
  getPushRulesGlobal,
  isPushRuleEnabled,
  setPushRule,
  setPushRuleActions,
  setPushRuleEnabled,
} from "../../matrix/endpoints/client/push-rules.js";
import { route, type Route } from "../../http/route.js";
import {
  handleDeletePushRule,
  handleGetPushRule,
  handleGetPushRuleActions,
  handleGetPushRules,
  handleGetPushRulesGlobal,
  handleIsPushRuleEnabled,
  handleSetPushRule,
  handleSetPushRuleActions,
  handleSetPushRuleEnabled,
  type PushRulesDeps,
} from "./push-rules.js";

export function pushRulesRoutes(deps: PushRulesDeps): Route[] {
  return [
    route(getPushRules, handleGetPushRules(deps)),
    route(getPushRulesGlobal, handleGetPushRulesGlobal(deps)),
    route(getPushRule, handleGetPushRule(deps)),
    route(setPushRule, handleSetPushRule(deps)),
    route(deletePushRule, handleDeletePushRule(deps)),
    route(isPushRuleEnabled, handleIsPushRuleEnabled(deps)),
    route(setPushRuleEnabled, handleSetPushRuleEnabled(deps)),
    route(getPushRuleActions, handleGetPushRuleActions(deps)),
    route(setPushRuleActions, handleSetPushRuleActions(deps)),
  ];
}
