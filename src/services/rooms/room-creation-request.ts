/**
 * The body of `POST /_matrix/client/v3/createRoom` and its checks, done before any event is sent
 * so that a bad request creates no room.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3createroom
 *
 * Malformed fields (wrong JSON types) are M_BAD_JSON; well-formed but unusable values are
 * M_INVALID_PARAM; an unknown `room_version` is M_UNSUPPORTED_ROOM_VERSION.
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { JsonObject } from "../../matrix/pdu-json.js";
import { isValidUserId } from "../../room/auth/user-ids.js";
import { isJsonObject } from "../../room/is-json-object.js";
import { getRoomVersion, type RoomVersionRules } from "../../room/room-versions.js";
import { stateMapKey } from "../../room/state-map.js";
import { isRoomPreset, type RoomPreset } from "./preset-state.js";

export interface InitialStateEvent {
  type: string;
  /** Defaults to "". */
  state_key?: string;
  content: JsonObject;
}

export interface CreateRoomRequest {
  visibility?: "public" | "private";
  room_alias_name?: string;
  name?: string;
  topic?: string;
  invite?: string[];
  invite_3pid?: JsonObject[];
  room_version?: string;
  creation_content?: JsonObject;
  initial_state?: InitialStateEvent[];
  preset?: RoomPreset;
  is_direct?: boolean;
  power_level_content_override?: JsonObject;
}

export interface PlannedStateEvent {
  type: string;
  stateKey: string;
  content: JsonObject;
}

/** A checked request: defaults applied, duplicates removed, the room version resolved. */
export interface CheckedCreateRoomRequest {
  rules: RoomVersionRules;
  preset: RoomPreset;
  visibility: "public" | "private";
  /** The full `#localpart:server` alias, or null. */
  alias: string | null;
  name: string | null;
  topic: string | null;
  /** Deduplicated, without the creator. */
  invitees: string[];
  isDirect: boolean;
  /** `creation_content` as given (a copy), without `creator` and `room_version`. */
  creationContent: JsonObject;
  /** `initial_state` keyed by stateMapKey; a later entry for the same key replaces an earlier one. */
  initialState: Map<string, PlannedStateEvent>;
  powerLevelOverride: JsonObject | null;
}

const MAX_ALIAS_BYTES = 255;

/** Checks `req` from `creator`; throws MatrixError 400 on the first problem. */
export function checkCreateRoomRequest(
  creator: string,
  req: CreateRoomRequest,
  serverName: string,
  defaultRoomVersion: string,
): CheckedCreateRoomRequest {
  if (!isJsonObject(req)) throw badJson("the request body must be a JSON object");
  const body = req as unknown as JsonObject;

  const roomVersion = optionalString(body, "room_version") ?? defaultRoomVersion;
  const rules = getRoomVersion(roomVersion);
  if (rules === null || rules.stability !== "stable") {
    throw new MatrixError(400, ErrCode.UnsupportedRoomVersion, `This server does not support room version ${JSON.stringify(roomVersion)}`);
  }

  const visibility = optionalString(body, "visibility") ?? "private";
  if (visibility !== "public" && visibility !== "private") throw invalidParam("visibility must be \"public\" or \"private\"");
  const presetValue = body.preset;
  if (presetValue !== undefined && !isRoomPreset(presetValue)) {
    throw invalidParam("preset must be one of private_chat, trusted_private_chat and public_chat");
  }
  const preset: RoomPreset = presetValue ?? (visibility === "public" ? "public_chat" : "private_chat");

  const invite3pid = body.invite_3pid;
  if (invite3pid !== undefined && !Array.isArray(invite3pid)) throw badJson("invite_3pid must be an array");
  if (Array.isArray(invite3pid) && invite3pid.length > 0) {
    throw invalidParam("invite_3pid is not supported by this server: invite users by their Matrix ID instead");
  }

  const isDirect = body.is_direct ?? false;
  if (typeof isDirect !== "boolean") throw badJson("is_direct must be a boolean");

  return {
    rules,
    preset,
    visibility,
    alias: checkAlias(optionalString(body, "room_alias_name"), serverName),
    name: optionalString(body, "name"),
    topic: optionalString(body, "topic"),
    invitees: checkInvitees(body.invite, creator),
    isDirect,
    creationContent: checkCreationContent(body.creation_content, rules, creator),
    initialState: checkInitialState(body.initial_state),
    powerLevelOverride: optionalObject(body, "power_level_content_override"),
  };
}

function checkAlias(localpart: string | null, serverName: string): string | null {
  if (localpart === null) return null;
  if (localpart.length === 0) throw invalidParam("room_alias_name may not be empty");
  if (/[:\u0000\s]/.test(localpart)) throw invalidParam("room_alias_name may not contain ':', NUL or whitespace");
  const alias = `#${localpart}:${serverName}`;
  if (Buffer.byteLength(alias, "utf8") > MAX_ALIAS_BYTES) throw invalidParam("the room alias would be longer than 255 bytes");
  return alias;
}

function checkInvitees(invite: unknown, creator: string): string[] {
  if (invite === undefined) return [];
  if (!Array.isArray(invite)) throw badJson("invite must be an array of user IDs");
  const invitees = new Set<string>();
  for (const userId of invite) {
    if (!isValidUserId(userId)) throw invalidParam(`invite: ${JSON.stringify(userId)} is not a valid user ID`);
    if (userId === creator) throw invalidParam("invite: the creator cannot invite themselves");
    invitees.add(userId);
  }
  return [...invitees];
}

/**
 * "The server will overwrite the following keys: `creator`, `room_version`." `creator` is set
 * again for v1–v10 (where the auth rules need it); from v11 the sender is the creator and a
 * `creator` key would only mislead. v12 `additional_creators` must be an array of user IDs.
 */
function checkCreationContent(value: unknown, rules: RoomVersionRules, creator: string): JsonObject {
  if (value === undefined) return {};
  if (!isJsonObject(value)) throw badJson("creation_content must be an object");
  const content = structuredClone(value);
  delete content.creator;
  delete content.room_version;
  if (rules.authorization.additionalCreators && Object.hasOwn(content, "additional_creators")) {
    const additional = content.additional_creators;
    if (!Array.isArray(additional)) throw badJson("creation_content.additional_creators must be an array of user IDs");
    for (const userId of additional) {
      if (!isValidUserId(userId)) throw invalidParam(`additional_creators: ${JSON.stringify(userId)} is not a valid user ID`);
    }
    content.additional_creators = [...new Set(additional as string[])].filter((userId) => userId !== creator);
  }
  return content;
}

function checkInitialState(value: unknown): Map<string, PlannedStateEvent> {
  const events = new Map<string, PlannedStateEvent>();
  if (value === undefined) return events;
  if (!Array.isArray(value)) throw badJson("initial_state must be an array of state events");
  value.forEach((entry, i) => {
    if (!isJsonObject(entry)) throw badJson(`initial_state[${i}] must be an object`);
    const { type, content } = entry;
    const stateKey = entry.state_key ?? "";
    if (typeof type !== "string" || type.length === 0) throw badJson(`initial_state[${i}].type must be a non-empty string`);
    if (typeof stateKey !== "string") throw badJson(`initial_state[${i}].state_key must be a string`);
    if (!isJsonObject(content)) throw badJson(`initial_state[${i}].content must be an object`);
    if (type === "m.room.create") throw invalidParam("initial_state may not contain m.room.create: use creation_content");
    const key = stateMapKey(type, stateKey);
    events.delete(key);
    events.set(key, { type, stateKey, content: structuredClone(content) });
  });
  return events;
}

function optionalString(body: JsonObject, key: string): string | null {
  const value = body[key];
  if (value === undefined) return null;
  if (typeof value !== "string") throw badJson(`${key} must be a string`);
  return value;
}

function optionalObject(body: JsonObject, key: string): JsonObject | null {
  const value = body[key];
  if (value === undefined) return null;
  if (!isJsonObject(value)) throw badJson(`${key} must be an object`);
  return structuredClone(value);
}

function badJson(message: string): MatrixError {
  return new MatrixError(400, ErrCode.BadJson, message);
}

function invalidParam(message: string): MatrixError {
  return new MatrixError(400, ErrCode.InvalidParam, message);
}
