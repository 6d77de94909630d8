/**
 * Events as served to clients.
 * https://spec.matrix.org/v1.19/client-server-api/#room-event-format
 * https://spec.matrix.org/v1.19/rooms/v11/#moving-the-redacts-property-of-mroomredaction-events-to-a-content-property
 *
 * > For backwards-compatibility with older clients, servers should add a `redacts` property to
 * > the top level of `m.room.redaction` events when serving such events over the Client-Server
 * > API. For improved compatibility with newer clients, servers should add a `redacts` property
 * > to the `content` of `m.room.redaction` events in *older* room versions.
 */
import type { ClientEventJson, JsonObject, PduJson } from "../matrix/pdu-json.js";
import type { Pdu } from "./pdu.js";

export interface ClientEventOptions {
  /** `client` (default): the client event format. `federation`: the PDU itself (filter `event_format`). */
  format?: "client" | "federation";
  /** Replaces the PDU's own `unsigned` (which is the origin server's, not the client's). */
  unsigned?: JsonObject;
  /** False for formats without `room_id` (e.g. /sync timelines). Default true. */
  includeRoomId?: boolean;
}

/** The event in the requested format. */
export function toClientEvent(pdu: Pdu, options?: ClientEventOptions & { format?: "client" }): ClientEventJson;
export function toClientEvent(pdu: Pdu, options: ClientEventOptions & { format: "federation" }): PduJson;
export function toClientEvent(pdu: Pdu, options?: ClientEventOptions): ClientEventJson | PduJson;
export function toClientEvent(pdu: Pdu, options: ClientEventOptions = {}): ClientEventJson | PduJson {
  if (options.format === "federation") {
    const { unsigned: _ignored, ...rest } = pdu.json as PduJson;
    return options.unsigned === undefined ? (rest as PduJson) : ({ ...rest, unsigned: options.unsigned } as PduJson);
  }
  const event: ClientEventJson = {
    event_id: pdu.eventId,
    sender: pdu.sender,
    origin_server_ts: pdu.originServerTs,
    type: pdu.type,
    content: pdu.content,
  };
  if (options.includeRoomId !== false) event.room_id = pdu.roomId;
  if (pdu.stateKey !== undefined) event.state_key = pdu.stateKey;
  if (pdu.type === "m.room.redaction" && pdu.redacts !== undefined) {
    event.redacts = pdu.redacts;
    if (pdu.content.redacts === undefined) event.content = { ...pdu.content, redacts: pdu.redacts };
  }
  if (options.unsigned !== undefined) event.unsigned = options.unsigned;
  return event;
}
