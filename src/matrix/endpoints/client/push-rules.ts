/**
 * Push rules: the wire shapes of rules, rulesets and the `m.push_rules` account data, and the
 * endpoints that read and change them.
 * https://spec.matrix.org/v1.19/client-server-api/#push-rules-api
 * (data/api/client-server/pushrules.yaml, definitions/push_rule.yaml, push_condition.yaml)
 *
 * The paths keep `{scope}` as a parameter, as r0 had it; `global` is the only scope, checked by
 * the handlers (400 M_UNRECOGNIZED otherwise). `kind` and `ruleId` are checked there too.
 */
import type { AnySchemaObject } from "ajv";
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

/** The kinds of rule, in the order they are checked. */
export type PushRuleKind = "override" | "content" | "room" | "sender" | "underride";

export const PUSH_RULE_KINDS: readonly PushRuleKind[] = ["override", "content", "room", "sender", "underride"];

/** `"notify"`, or a tweak such as `{"set_tweak": "sound", "value": "default"}`. */
export type PushActionJson = string | PushTweakJson;

export interface PushTweakJson {
  set_tweak: string;
  value?: unknown;
  [key: string]: unknown;
}

/** A scalar of event_property_is / event_property_contains (non-compound canonical JSON). */
export type PushScalarJson = string | number | boolean | null;

export interface PushConditionJson {
  kind: string;
  key?: string;
  pattern?: string;
  is?: string;
  value?: PushScalarJson;
  [key: string]: unknown;
}

export interface PushRuleJson {
  rule_id: string;
  default: boolean;
  enabled: boolean;
  actions: PushActionJson[];
  /** override and underride rules. */
  conditions?: PushConditionJson[];
  /** content rules. */
  pattern?: string;
}

export type PushRulesetJson = Record<PushRuleKind, PushRuleJson[]>;

/** GET /pushrules/, and the content of the `m.push_rules` account data. */
export interface PushRulesJson {
  global: PushRulesetJson;
}

export interface PushRulePathParams {
  scope: string;
  kind: string;
  ruleId: string;
}

export interface SetPushRuleBody {
  actions: PushActionJson[];
  conditions?: PushConditionJson[];
  pattern?: string;
}

export interface SetPushRuleQuery {
  before?: string;
  after?: string;
}

/** GET /_matrix/client/v3/pushrules/ */
export const getPushRules: EndpointDefinition<EmptyRequest, PushRulesJson, "accessToken"> = {
  name: "getPushRules",
  method: "GET",
  paths: clientPaths("/pushrules/"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/pushrules/global/ */
export const getPushRulesGlobal: EndpointDefinition<{ params: { scope: string } }, PushRulesetJson, "accessToken"> = {
  name: "getPushRulesGlobal",
  method: "GET",
  paths: clientPaths("/pushrules/:scope/"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId} */
export const getPushRule: EndpointDefinition<{ params: PushRulePathParams }, PushRuleJson, "accessToken"> = {
  name: "getPushRule",
  method: "GET",
  paths: clientPaths("/pushrules/:scope/:kind/:ruleId"),
  auth: "accessToken",
};

/** DELETE /_matrix/client/v3/pushrules/global/{kind}/{ruleId} */
export const deletePushRule: EndpointDefinition<{ params: PushRulePathParams }, EmptyRequest, "accessToken"> = {
  name: "deletePushRule",
  method: "DELETE",
  paths: clientPaths("/pushrules/:scope/:kind/:ruleId"),
  // DELETE has no body to read.
  body: "none",
  auth: "accessToken",
};

const actionsSchema: AnySchemaObject = { type: "array", items: { type: ["string", "object"] } };

/** PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId} */
export const setPushRule: EndpointDefinition<{ params: PushRulePathParams; query: SetPushRuleQuery; body: SetPushRuleBody }, EmptyRequest, "accessToken"> = {
  name: "setPushRule",
  method: "PUT",
  paths: clientPaths("/pushrules/:scope/:kind/:ruleId"),
  auth: "accessToken",
  querySchema: { type: "object", properties: { before: { type: "string" }, after: { type: "string" } } },
  // Which keys a kind needs (`pattern` for content rules) and what conditions and actions may
  // hold are checked by the service.
  bodySchema: {
    type: "object",
    required: ["actions"],
    properties: {
      actions: actionsSchema,
      conditions: { type: "array", items: { type: "object", required: ["kind"], properties: { kind: { type: "string" } } } },
      pattern: { type: "string" },
    },
  },
};

/** GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled */
export const isPushRuleEnabled: EndpointDefinition<{ params: PushRulePathParams }, { enabled: boolean }, "accessToken"> = {
  name: "isPushRuleEnabled",
  method: "GET",
  paths: clientPaths("/pushrules/:scope/:kind/:ruleId/enabled"),
  auth: "accessToken",
};

/** PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled */
export const setPushRuleEnabled: EndpointDefinition<{ params: PushRulePathParams; body: { enabled: boolean } }, EmptyRequest, "accessToken"> = {
  name: "setPushRuleEnabled",
  method: "PUT",
  paths: clientPaths("/pushrules/:scope/:kind/:ruleId/enabled"),
  auth: "accessToken",
  bodySchema: { type: "object", required: ["enabled"], properties: { enabled: { type: "boolean" } } },
};

/** GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions */
export const getPushRuleActions: EndpointDefinition<{ params: PushRulePathParams }, { actions: PushActionJson[] }, "accessToken"> = {
  name: "getPushRuleActions",
  method: "GET",
  paths: clientPaths("/pushrules/:scope/:kind/:ruleId/actions"),
  auth: "accessToken",
};

/** PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions */
export const setPushRuleActions: EndpointDefinition<{ params: PushRulePathParams; body: { actions: PushActionJson[] } }, EmptyRequest, "accessToken"> = {
  name: "setPushRuleActions",
  method: "PUT",
  paths: clientPaths("/pushrules/:scope/:kind/:ruleId/actions"),
  auth: "accessToken",
  bodySchema: { type: "object", required: ["actions"], properties: { actions: actionsSchema } },
};
