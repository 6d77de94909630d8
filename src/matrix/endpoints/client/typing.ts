/** PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId} — https://spec.matrix.org/v1.19/client-server-api/#typing-notifications */
import type { JSONSchemaType } from "ajv";
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface SetTypingBody {
  typing: boolean;
  /** Milliseconds; may be left out when `typing` is false. */
  timeout?: number;
}

const setTypingBody: JSONSchemaType<SetTypingBody> = {
  type: "object",
  required: ["typing"],
  properties: { typing: { type: "boolean" }, timeout: { type: "integer", minimum: 0, nullable: true } },
};

export const setTyping: EndpointDefinition<{ params: { roomId: string; userId: string }; body: SetTypingBody }, EmptyRequest, "accessToken"> = {
  name: "setTyping",
  method: "PUT",
  paths: clientPaths("/rooms/:roomId/typing/:userId"),
  auth: "accessToken",
  bodySchema: setTypingBody,
};
