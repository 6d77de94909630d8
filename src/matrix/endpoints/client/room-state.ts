/**
 * Reading a room's state and members.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidstate
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidmembers
 */
import type { JSONSchemaType } from "ajv";
import type { ClientEventJson, JsonObject } from "../../pdu-json.js";
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export type MembershipJson = "join" | "invite" | "knock" | "leave" | "ban";

export interface StateEventQuery {
  /** v1.16: `content` (the default) or the whole `event`. */
  format?: "content" | "event";
}

export interface MembersQuery {
  at?: string;
  membership?: MembershipJson;
  not_membership?: MembershipJson;
}

export interface MembersResponseJson {
  chunk: ClientEventJson[];
}

export interface JoinedMembersResponseJson {
  joined: Record<string, { display_name?: string; avatar_url?: string }>;
}

const MEMBERSHIPS: MembershipJson[] = ["join", "invite", "knock", "leave", "ban"];

const stateEventQuery: JSONSchemaType<StateEventQuery> = {
  type: "object",
  properties: { format: { type: "string", enum: ["content", "event"], nullable: true } },
  additionalProperties: true,
};

const membersQuery: JSONSchemaType<MembersQuery> = {
  type: "object",
  properties: {
    at: { type: "string", nullable: true },
    membership: { type: "string", enum: MEMBERSHIPS, nullable: true },
    not_membership: { type: "string", enum: MEMBERSHIPS, nullable: true },
  },
  additionalProperties: true,
};

/** GET /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey} (the state key may be left out when empty) */
export const getRoomStateWithKey: EndpointDefinition<
  { params: { roomId: string; eventType: string; stateKey?: string }; query: StateEventQuery },
  JsonObject | ClientEventJson,
  "accessToken"
> = {
  name: "getRoomStateWithKey",
  method: "GET",
  paths: [...clientPaths("/rooms/:roomId/state/:eventType"), ...clientPaths("/rooms/:roomId/state/:eventType/:stateKey")],
  auth: "accessToken",
  querySchema: stateEventQuery,
};

/** GET /_matrix/client/v3/rooms/{roomId}/state */
export const getRoomState: EndpointDefinition<{ params: { roomId: string } }, ClientEventJson[], "accessToken"> = {
  name: "getRoomState",
  method: "GET",
  paths: clientPaths("/rooms/:roomId/state"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/rooms/{roomId}/members */
export const getMembersByRoom: EndpointDefinition<{ params: { roomId: string }; query: MembersQuery }, MembersResponseJson, "accessToken"> = {
  name: "getMembersByRoom",
  method: "GET",
  paths: clientPaths("/rooms/:roomId/members"),
  auth: "accessToken",
  querySchema: membersQuery,
};

/** GET /_matrix/client/v3/rooms/{roomId}/joined_members */
export const getJoinedMembersByRoom: EndpointDefinition<{ params: { roomId: string } }, JoinedMembersResponseJson, "accessToken"> = {
  name: "getJoinedMembersByRoom",
  method: "GET",
  paths: clientPaths("/rooms/:roomId/joined_members"),
  auth: "accessToken",
};
