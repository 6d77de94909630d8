/**
 * Room events as /sync sends them: the client format without `room_id` (or the PDU, for
 * `event_format: federation`), with the `unsigned` data generated for the syncing user, redacted
 * when redacted, and cut to the filter's `event_fields`.
 * https://spec.matrix.org/v1.19/client-server-api/#room-event-format
 *
 * unsigned: `age`; `transaction_id` "if the client being given the event is the same one which
 * sent it"; `membership`, the syncing user's membership at the event (v1.11, MSC4115);
 * `prev_content` and `replaces_state` for state events whose previous state event the caller
 * knows; `redacted_because` on redacted events; `m.relations`, the bundled aggregations the caller
 * read (services/rooms/bundled-aggregations.ts), their events in the same form.
 */
import type { SyncEventJson } from "../matrix/endpoints/client/sync.js";
import type { ClientEventJson, JsonObject, PduJson } from "../matrix/pdu-json.js";
import { toClientEvent } from "../room/client-event.js";
import type { Pdu } from "../room/pdu.js";
import { redactClientEvent } from "../room/redaction.js";
import { bundleJson, type EventBundle } from "../services/rooms/bundled-aggregations.js";
import type { SyncFilter } from "./filters.js";
import type { SyncEvent } from "./sync-event-cache.js";

export interface EventSerializerOptions {
  readonly userId: string;
  readonly deviceId: string | null;
  readonly filter: SyncFilter;
  readonly now: number;
  /** Redaction events by event ID, for `redacted_because` (missing ones are left out). */
  readonly redactions: ReadonlyMap<string, SyncEvent>;
  /** Bundled aggregations by event ID (events without are absent). */
  readonly bundles?: ReadonlyMap<string, EventBundle>;
}

/** Per-event extras that depend on where the event is served. */
export interface EventExtras {
  /** The syncing user's membership at the event. */
  membership?: string;
  /** The state event this one replaced. */
  replaces?: SyncEvent;
}

export class EventSerializer {
  constructor(private readonly options: EventSerializerOptions) {}

  serialize(event: SyncEvent, extras: EventExtras = {}): SyncEventJson {
    const { filter } = this.options;
    const unsigned = this.unsigned(event, extras);
    const pdu = event.pdu;
    const bundle = this.options.bundles?.get(pdu.eventId);
    const relations = bundle === undefined ? undefined : bundleJson(bundle, (bundled, own) => this.bundled(bundled, own));
    if (relations !== undefined) unsigned["m.relations"] = relations;
    let out: ClientEventJson | PduJson;
    if (event.redactedBy !== null) {
      const because = this.options.redactions.get(event.redactedBy);
      const redactedBecause = because === undefined ? undefined : this.client(because, this.unsigned(because, {}));
      if (filter.eventFormat === "federation") {
        const redacted = toClientEvent(pdu.redact(), { format: "federation", unsigned });
        if (redactedBecause !== undefined) redacted.unsigned = { ...unsigned, redacted_because: redactedBecause as unknown as JsonObject };
        out = redacted;
      } else {
        out = redactClientEvent(this.client(event, unsigned), pdu.rules, redactedBecause);
        // Threads and references stay bundled with a redacted event (only m.replace is dropped).
        if (relations !== undefined) out.unsigned = { ...out.unsigned, "m.relations": relations };
      }
    } else {
      if (extras.replaces !== undefined) {
        unsigned.replaces_state = extras.replaces.pdu.eventId;
        // The previous content as the client may see it: redacted content if it was redacted.
        const previous = extras.replaces.redactedBy === null ? extras.replaces.pdu : extras.replaces.pdu.redact();
        unsigned.prev_content = previous.content;
      }
      out = filter.eventFormat === "federation" ? toClientEvent(pdu, { format: "federation", unsigned }) : this.client(event, unsigned);
    }
    return filter.applyEventFields(out);
  }

  /** An event of a bundled aggregation, in the client format /sync serves. */
  private bundled(pdu: Pdu, relations: JsonObject | null): JsonObject {
    const unsigned: JsonObject = { age: Math.max(0, this.options.now - pdu.originServerTs) };
    if (relations !== null) unsigned["m.relations"] = relations;
    return toClientEvent(pdu, { includeRoomId: false, unsigned }) as unknown as JsonObject;
  }

  private client(event: SyncEvent, unsigned: JsonObject): ClientEventJson {
    return toClientEvent(event.pdu, { includeRoomId: false, unsigned });
  }

  private unsigned(event: SyncEvent, extras: EventExtras): JsonObject {
    const unsigned: JsonObject = { age: Math.max(0, this.options.now - event.pdu.originServerTs) };
    const txn = event.txn;
    if (txn != null && event.pdu.sender === this.options.userId && txn.deviceId === this.options.deviceId) {
      unsigned.transaction_id = txn.txnId;
    }
    if (extras.membership !== undefined) unsigned.membership = extras.membership;
    return unsigned;
  }
}
