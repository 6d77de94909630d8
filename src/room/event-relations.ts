/**
 * An event's relationship to another event: `content.m.relates_to` with a `rel_type` and an
 * `event_id` (the parent).
 * https://spec.matrix.org/v1.19/client-server-api/#forming-relationships-between-events
 *
 * > Relationships are defined by the `m.relates_to` property of an event's `content` […]
 * > `rel_type` (string): The namespaced relationship type. `event_id` (string): The event ID of
 * > the event that this event relates to.
 *
 * Rich replies (`m.in_reply_to` without a `rel_type`) are not relationships here.
 */
import type { JsonObject } from "../matrix/pdu-json.js";
import { isJsonObject } from "./is-json-object.js";

export const REL_THREAD = "m.thread";
export const REL_REPLACE = "m.replace";
export const REL_REFERENCE = "m.reference";

export interface EventRelation {
  relType: string;
  /** The parent: the event this one relates to. */
  eventId: string;
}

/** The relationship `content` declares, or null. */
export function relationOf(content: JsonObject): EventRelation | null {
  const relatesTo = content["m.relates_to"];
  if (!isJsonObject(relatesTo)) return null;
  const relType = relatesTo.rel_type;
  const eventId = relatesTo.event_id;
  if (typeof relType !== "string" || relType === "" || typeof eventId !== "string" || eventId === "") return null;
  return { relType, eventId };
}
