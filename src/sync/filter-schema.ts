/**
 * The spec's Filter JSON (POST /user/{userId}/filter, `/sync?filter=`, `/messages?filter=`) and
 * its ajv schema, typed against the JSON types so the two cannot drift apart (habit 4).
 *
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3useruseridfilter
 * (data/api/client-server/definitions/sync_filter.yaml, room_event_filter.yaml, event_filter.yaml)
 *
 * Unknown keys are allowed, as in the spec's schemas: clients send unstable fields
 * (`org.matrix.msc…`) and get them back from GET /filter. Optional keys are `nullable` because
 * JSONSchemaType demands it; a null is treated as an absent key.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, JSONSchemaType, ValidateFunction } from "ajv";
import { ErrCode, MatrixError } from "../matrix/errors.js";

export interface EventFilterJson {
  limit?: number | null;
  types?: string[] | null;
  not_types?: string[] | null;
  senders?: string[] | null;
  not_senders?: string[] | null;
}

export interface RoomEventFilterJson extends EventFilterJson {
  rooms?: string[] | null;
  not_rooms?: string[] | null;
  contains_url?: boolean | null;
  lazy_load_members?: boolean | null;
  include_redundant_members?: boolean | null;
  unread_thread_notifications?: boolean | null;
}

export interface RoomFilterJson {
  rooms?: string[] | null;
  not_rooms?: string[] | null;
  include_leave?: boolean | null;
  timeline?: RoomEventFilterJson | null;
  state?: RoomEventFilterJson | null;
  ephemeral?: RoomEventFilterJson | null;
  account_data?: RoomEventFilterJson | null;
}

export type EventFormat = "client" | "federation";

export interface FilterJson {
  event_fields?: string[] | null;
  event_format?: EventFormat | null;
  presence?: EventFilterJson | null;
  account_data?: EventFilterJson | null;
  room?: RoomFilterJson | null;
}

const stringList = {
  type: "array",
  nullable: true,
  items: { type: "string" },
} as const;

const userIdList = {
  type: "array",
  nullable: true,
  items: { type: "string", pattern: "^@", description: "a user ID (starting with @)" },
} as const;

const roomIdList = {
  type: "array",
  nullable: true,
  items: { type: "string", pattern: "^!", description: "a room ID (starting with !)" },
} as const;

const optionalBoolean = { type: "boolean", nullable: true } as const;

const eventFilterProperties = {
  limit: { type: "integer", nullable: true, minimum: 1, description: "an integer greater than 0" },
  types: stringList,
  not_types: stringList,
  senders: userIdList,
  not_senders: userIdList,
} as const;

const eventFilterSchema = {
  type: "object",
  nullable: true,
  properties: eventFilterProperties,
} as const;

const roomEventFilterSchema = {
  type: "object",
  nullable: true,
  properties: {
    ...eventFilterProperties,
    rooms: roomIdList,
    not_rooms: roomIdList,
    contains_url: optionalBoolean,
    lazy_load_members: optionalBoolean,
    include_redundant_members: optionalBoolean,
    unread_thread_notifications: optionalBoolean,
  },
} as const;

const roomFilterSchema = {
  type: "object",
  nullable: true,
  properties: {
    rooms: roomIdList,
    not_rooms: roomIdList,
    include_leave: optionalBoolean,
    timeline: roomEventFilterSchema,
    state: roomEventFilterSchema,
    ephemeral: roomEventFilterSchema,
    account_data: roomEventFilterSchema,
  },
} as const;

export const filterSchema: JSONSchemaType<FilterJson> = {
  type: "object",
  properties: {
    event_fields: stringList,
    event_format: {
      type: "string",
      nullable: true,
      enum: ["client", "federation"],
      description: 'one of "client", "federation"',
    },
    presence: eventFilterSchema,
    account_data: eventFilterSchema,
    room: roomFilterSchema,
  },
};

/** The `filter` of `/messages` and `/context` is a RoomEventFilter on its own. */
export const roomEventFilterTopSchema: JSONSchemaType<RoomEventFilterJson> = {
  type: "object",
  properties: roomEventFilterSchema.properties,
};

const ajv = new Ajv2020({ strict: false, allErrors: false, verbose: true });
const checkFilter = ajv.compile(filterSchema);
const checkRoomEventFilter = ajv.compile(roomEventFilterTopSchema);

/** `/room/timeline/types/0` → `room.timeline.types[0]` */
function fieldName(instancePath: string): string {
  let name = "";
  for (const part of instancePath.split("/").slice(1)) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    name += /^[0-9]+$/.test(key) ? `[${key}]` : name === "" ? key : `.${key}`;
  }
  return name;
}

const ARTICLE_TYPES: Record<string, string> = {
  object: "an object",
  array: "an array",
  string: "a string",
  integer: "an integer",
  boolean: "a boolean",
};

function describeError(error: ErrorObject | undefined, what: string): string {
  if (error === undefined) return `Invalid ${what}`;
  const field = fieldName(error.instancePath);
  const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
  let expected: string;
  if (typeof description === "string") {
    expected = `must be ${description}`;
  } else if (error.keyword === "type") {
    const type = String((error.params as { type?: unknown }).type).replace(/,null$/, "");
    expected = `must be ${ARTICLE_TYPES[type] ?? type}`;
  } else {
    expected = error.message ?? "is invalid";
  }
  return field === "" ? `${what} ${expected}` : `${what} field ${field} ${expected}`;
}

function validateWith<T>(check: ValidateFunction<T>, json: unknown, what: string): T {
  if (check(json)) return json;
  throw new MatrixError(400, ErrCode.BadJson, describeError(check.errors?.[0], what));
}

/** Checks a Filter body; throws MatrixError(400, M_BAD_JSON) naming the offending field. */
export function validateFilterJson(json: unknown): FilterJson {
  return validateWith(checkFilter, json, "filter");
}

/** Checks a RoomEventFilter (`/messages`, `/context`); throws like validateFilterJson. */
export function validateRoomEventFilterJson(json: unknown): RoomEventFilterJson {
  return validateWith(checkRoomEventFilter, json, "filter");
}
