/**
 * The requests a WebSocket sync client may make (docs/websocket-sync.md): `{id, method, params}`
 * answered by `{id, result}` or `{id, error: {errcode, error}}`. Each method is the WebSocket
 * form of a client-server endpoint and goes through the same service:
 * - `ping` → `{}`;
 * - `send` {room_id, event_type, content} → {event_id}: PUT /rooms/{roomId}/send/{eventType}/{txnId}
 *   with the request `id` as the transaction ID (a retry with the same id sends nothing new);
 * - `state` {room_id, event_type, state_key, content} → {event_id}: PUT /rooms/{roomId}/state/…;
 * - `typing` {room_id, typing, timeout} → {}: PUT /rooms/{roomId}/typing/{userId};
 * - `read_markers` {room_id, "m.fully_read", "m.read", "m.read.private"} → {}: POST /rooms/{roomId}/read_markers.
 */
import type { Requester } from "../matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../matrix/errors.js";
import type { JsonObject } from "../matrix/pdu-json.js";
import { isJsonObject } from "../room/is-json-object.js";

/** The services behind the methods; a missing one makes its method M_UNRECOGNIZED. */
export interface StreamMethodServices {
  sendMessage?(sender: string, roomId: string, type: string, content: JsonObject, txn?: { deviceId: string; txnId: string }): Promise<string>;
  sendStateEvent?(sender: string, roomId: string, type: string, stateKey: string, content: JsonObject): Promise<string>;
  setTyping?(userId: string, roomId: string, typing: boolean, timeoutMs: number): Promise<void>;
  setReadMarkers?(userId: string, roomId: string, markers: { fullyRead?: string; read?: string; readPrivate?: string }): Promise<void>;
}

export interface StreamRequest {
  readonly id: string;
  readonly method: string;
  readonly params: JsonObject;
}

/** Typing timeout when `typing` is true without one (as PUT /typing). */
const DEFAULT_TYPING_TIMEOUT_MS = 30_000;

/** A client frame as a request; throws MatrixError(M_NOT_JSON / M_BAD_JSON) otherwise. */
export function parseStreamRequest(text: string): StreamRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MatrixError(400, ErrCode.NotJson, "Frames must be JSON objects");
  }
  if (!isJsonObject(json)) throw new MatrixError(400, ErrCode.NotJson, "Frames must be JSON objects");
  const { id, method, params } = json;
  if (typeof id !== "string" || id === "") throw new MatrixError(400, ErrCode.BadJson, "'id' must be a non-empty string");
  if (typeof method !== "string") throw new MatrixError(400, ErrCode.BadJson, "'method' must be a string");
  if (params !== undefined && !isJsonObject(params)) throw new MatrixError(400, ErrCode.BadJson, "'params' must be an object");
  return { id, method, params: params ?? {} };
}

/** Runs one request as `requester`; resolves with its result, throws MatrixError. */
export async function runStreamMethod(services: StreamMethodServices, requester: Requester, request: StreamRequest): Promise<JsonObject> {
  const { params } = request;
  const userId = requester.userId;
  switch (request.method) {
    case "ping":
      return {};
    case "send": {
      const send = need(services.sendMessage, request.method);
      const txn = requester.deviceId === null ? undefined : { deviceId: requester.deviceId, txnId: request.id };
      return { event_id: await send(userId, roomIdOf(params), string(params, "event_type"), object(params, "content"), txn) };
    }
    case "state": {
      const sendState = need(services.sendStateEvent, request.method);
      const stateKey = params.state_key === undefined ? "" : string(params, "state_key", true);
      return { event_id: await sendState(userId, roomIdOf(params), string(params, "event_type"), stateKey, object(params, "content")) };
    }
    case "typing": {
      const setTyping = need(services.setTyping, request.method);
      if (typeof params.typing !== "boolean") throw new MatrixError(400, ErrCode.BadJson, "'typing' must be a boolean");
      const timeout = params.timeout ?? DEFAULT_TYPING_TIMEOUT_MS;
      if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 0) throw new MatrixError(400, ErrCode.BadJson, "'timeout' must be a non-negative integer");
      await setTyping(userId, roomIdOf(params), params.typing, timeout);
      return {};
    }
    case "read_markers": {
      const setReadMarkers = need(services.setReadMarkers, request.method);
      await setReadMarkers(userId, roomIdOf(params), {
        fullyRead: optionalEventId(params, "m.fully_read"),
        read: optionalEventId(params, "m.read"),
        readPrivate: optionalEventId(params, "m.read.private"),
      });
      return {};
    }
    default:
      throw new MatrixError(400, ErrCode.Unrecognized, `Unknown method ${JSON.stringify(request.method)}`);
  }
}

function need<T>(service: T | undefined, method: string): T {
  if (service === undefined) throw new MatrixError(400, ErrCode.Unrecognized, `Method ${method} is not available on this server`);
  return service;
}

function string(params: JsonObject, key: string, allowEmpty = false): string {
  const value = params[key];
  if (typeof value !== "string" || (!allowEmpty && value === "")) throw new MatrixError(400, ErrCode.BadJson, `'${key}' must be a non-empty string`);
  return value;
}

function object(params: JsonObject, key: string): JsonObject {
  const value = params[key];
  if (!isJsonObject(value)) throw new MatrixError(400, ErrCode.BadJson, `'${key}' must be an object`);
  return value;
}

function roomIdOf(params: JsonObject): string {
  const roomId = string(params, "room_id");
  if (!roomId.startsWith("!")) throw new MatrixError(400, ErrCode.InvalidParam, "'room_id' must be a room ID");
  return roomId;
}

function optionalEventId(params: JsonObject, key: string): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !value.startsWith("$")) throw new MatrixError(400, ErrCode.BadJson, `'${key}' must be an event ID`);
  return value;
}
