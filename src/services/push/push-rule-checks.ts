/**
 * Checks of what clients send when they set push rules (PUT /pushrules/…): rule IDs, actions
 * and conditions. Failures are 400 M_INVALID_PARAM naming what is wrong.
 * https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3pushrulesglobalkindruleid
 */
import type { PushActionJson, PushConditionJson } from "../../matrix/endpoints/client/push-rules.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import { isJsonObject } from "../../room/is-json-object.js";
import { isPushScalar, MEMBER_COUNT, stripHistoricalActions } from "./push-rules.js";

function invalid(message: string): MatrixError {
  return new MatrixError(400, ErrCode.InvalidParam, message);
}

/**
 * "If the string starts with a dot ("."), the request MUST be rejected as this is reserved for
 * server-default rules. Slashes ("/") and backslashes ("\\") are also not allowed."
 */
export function checkNewRuleId(ruleId: string): void {
  if (ruleId === "") throw invalid("The rule ID may not be empty");
  if (ruleId.startsWith(".")) throw invalid("Rule IDs starting with '.' are reserved for server-default rules");
  if (ruleId.includes("/") || ruleId.includes("\\")) throw invalid("Rule IDs may not contain '/' or '\\'");
}

/**
 * The actions without the historical ones (`dont_notify`, `coalesce`: "MUST ignore … by
 * stripping them"). `notify` is the one string action; an object action is a tweak, with a
 * string `set_tweak` (`highlight` takes a boolean value when it has one).
 */
export function checkActions(actions: readonly unknown[]): PushActionJson[] {
  for (const action of actions) {
    if (typeof action === "string") {
      if (action !== "notify" && action !== "dont_notify" && action !== "coalesce") throw invalid(`Unrecognised action: ${action}`);
      continue;
    }
    if (!isJsonObject(action) || typeof action.set_tweak !== "string") throw invalid("An action must be a string or an object with a string set_tweak");
    if (action.set_tweak === "highlight" && action.value !== undefined && typeof action.value !== "boolean") {
      throw invalid("The highlight tweak's value must be a boolean");
    }
  }
  return stripHistoricalActions(actions as PushActionJson[]);
}

/**
 * The conditions of an override or underride rule: each an object with a string `kind` and the
 * parameters its kind needs. Unknown kinds are kept ("Unrecognised conditions MUST NOT match
 * any events": they disable the rule, which is the user's choice to make).
 */
export function checkConditions(conditions: readonly unknown[]): PushConditionJson[] {
  for (const condition of conditions) {
    if (!isJsonObject(condition) || typeof condition.kind !== "string") throw invalid("A condition must be an object with a string kind");
    const { kind } = condition;
    const needString = (name: string): void => {
      if (typeof condition[name] !== "string") throw invalid(`A ${kind} condition needs a string ${name}`);
    };
    switch (kind) {
      case "event_match":
        needString("key");
        needString("pattern");
        break;
      case "event_property_is":
      case "event_property_contains":
        needString("key");
        if (!Object.hasOwn(condition, "value") || !isPushScalar(condition.value)) {
          throw invalid(`A ${kind} condition needs a value that is a string, an integer, a boolean or null`);
        }
        break;
      case "room_member_count":
        needString("is");
        if (!MEMBER_COUNT.test(condition.is as string)) throw invalid(`Invalid room_member_count "is": ${String(condition.is)}`);
        break;
      case "sender_notification_permission":
        needString("key");
        break;
    }
  }
  return conditions as PushConditionJson[];
}
