/**
 * The client-server endpoints only application services call.
 * https://spec.matrix.org/v1.19/application-service-api/#client-server-api-extensions
 */
import type { JSONSchemaType } from "ajv";
import type { EndpointDefinition } from "../types.js";

export interface PingAppserviceBodyJson {
  /** Passed through to the appservice's `/_matrix/app/v1/ping`. */
  transaction_id?: string;
}

export interface PingAppserviceResponseJson {
  /** How long the appservice's `/_matrix/app/v1/ping` took, seen from the homeserver. */
  duration_ms: number;
}

const pingAppserviceBody: JSONSchemaType<PingAppserviceBodyJson> = {
  type: "object",
  properties: { transaction_id: { type: "string", nullable: true } },
};

/** POST /_matrix/client/v1/appservice/{appserviceId}/ping (v1.7): with the appservice's own as_token. */
export const pingAppservice: EndpointDefinition<
  { params: { appserviceId: string }; body: PingAppserviceBodyJson },
  PingAppserviceResponseJson,
  "accessToken"
> = {
  name: "pingAppservice",
  method: "POST",
  paths: ["/_matrix/client/v1/appservice/:appserviceId/ping"],
  auth: "accessToken",
  bodySchema: pingAppserviceBody,
};
