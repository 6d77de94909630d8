/**
 * Bundled aggregations: `unsigned.m.relations` of events served to clients.
 * https://spec.matrix.org/v1.19/client-server-api/#aggregations-of-child-events
 *
 * - `m.thread` (threading, "Server-side aggregation of `m.thread` relationships"): `latest_event`,
 *   "the most recent event (topologically to the server) in the thread", serialized like the
 *   event itself with its own aggregations; `count`, "the number of events using `m.thread` as a
 *   `rel_type` pointing to the target event"; `current_user_participated`, true when the user
 *   sent the root or an `m.thread` child.
 * - `m.replace` (event replacements): "the **most recent** valid replacement event" by
 *   `origin_server_ts`, then the lexicographically largest `event_id`. Valid: same room, sender
 *   and type as the original, neither a state event, the original not itself an edit, and an
 *   `m.new_content` (unless encrypted). Not bundled with a redacted original.
 * - `m.reference`: `{ chunk: [{ event_id }] }` of every referencing event.
 * "State events do not currently receive bundled aggregations." Redacted children are not
 * relations (their rows are deleted), so they never count.
 *
 * Children sent by users the requester ignores (`m.ignored_user_list`) are not aggregated: they
 * do not count, are never the latest event, nor a reference (as Synapse does; edits need the
 * original's sender, whom the requester then does not see anyway). With `checkVisibility`, the
 * events bundled (a thread's latest event, a replacement) are only ones the requester may see
 * under history visibility: a thread whose latest event they may not see is not bundled, an edit
 * they may not see gives way to the latest one they may.
 *
 * One read of event_relations for a whole batch of events, then one read of the events bundled.
 */
import type { JsonObject } from "../../matrix/pdu-json.js";
import { isJsonObject } from "../../room/is-json-object.js";
import { REL_REFERENCE, REL_REPLACE, REL_THREAD, relationOf } from "../../room/event-relations.js";
import type { Pdu } from "../../room/pdu.js";
import type { AggregationRow, EventRelationsStore } from "../../storage/stores/event-relations-store.js";
import type { EventsStore } from "../../storage/stores/events-store.js";
import type { EventPersister } from "./event-persister.js";
import type { RoomVisibility } from "./visibility.js";

export interface ThreadBundle {
  latest: Pdu;
  /** The latest event's own aggregations. */
  latestBundle: EventBundle | null;
  count: number;
  participated: boolean;
}

export interface EventBundle {
  thread?: ThreadBundle;
  replace?: Pdu;
  references?: string[];
}

/** Formats a bundled event as the event it is bundled with is served (`relations`: its own `m.relations`). */
export type BundledEventFormat = (pdu: Pdu, relations: JsonObject | null) => JsonObject;

export interface BundledAggregationsDeps {
  relations: Pick<EventRelationsStore, "selectAggregations">;
  reader: Pick<EventPersister, "getEvents">;
  /** The users a user ignores, when a caller does not pass them. Default: none. */
  ignoredUsers?: (userId: string) => Promise<ReadonlySet<string>>;
  /** For `checkVisibility`. */
  visibility?: Pick<RoomVisibility, "filterVisible">;
  events?: Pick<EventsStore, "selectEventsByIds">;
}

export interface BundleOptions {
  /** Those of the events that are redacted (no `m.replace` for them). */
  redacted?: ReadonlySet<string>;
  /** The users the requester ignores, when the caller has them (else read through the deps). */
  ignored?: ReadonlySet<string>;
  /** Bundle only events the requester may see (history visibility). */
  checkVisibility?: boolean;
}

export class BundledAggregations {
  constructor(private readonly deps: BundledAggregationsDeps) {}

  /** The aggregations of `pdus` as `userId` is served them (events without any are absent). */
  async bundle(userId: string, pdus: readonly Pdu[], options: BundleOptions = {}): Promise<Map<string, EventBundle>> {
    if (!pdus.some((pdu) => pdu.stateKey === undefined)) return new Map();
    const ignored = options.ignored ?? (this.deps.ignoredUsers === undefined ? new Set<string>() : await this.deps.ignoredUsers(userId));
    return this.bundleOnce(userId, pdus, options.redacted ?? new Set(), [...ignored], options.checkVisibility === true, false);
  }

  private async bundleOnce(userId: string, pdus: readonly Pdu[], redacted: ReadonlySet<string>, ignored: readonly string[], checkVisibility: boolean, nested: boolean): Promise<Map<string, EventBundle>> {
    const out = new Map<string, EventBundle>();
    const parents = new Map<string, Pdu>();
    for (const pdu of pdus) if (pdu.stateKey === undefined) parents.set(pdu.eventId, pdu);
    if (parents.size === 0) return out;
    const rows = await this.deps.relations.selectAggregations([...parents.keys()], userId, ignored);
    if (rows.length === 0) return out;
    const threads: AggregationRow[] = [];
    const edits = new Map<string, AggregationRow[]>();
    for (const row of rows) {
      const parent = parents.get(row.parentId)!;
      if (row.relType === REL_THREAD) threads.push(row);
      else if (row.relType === REL_REFERENCE) {
        const bundle = bundleOf(out, row.parentId);
        (bundle.references ??= []).push(row.eventId);
      } else if (row.relType === REL_REPLACE && !redacted.has(row.parentId) && relationOf(parent.content)?.relType !== REL_REPLACE) {
        let list = edits.get(row.parentId);
        if (list === undefined) edits.set(row.parentId, (list = []));
        list.push(row);
      }
    }
    for (const list of edits.values()) list.sort((a, b) => b.originServerTs - a.originServerTs || (a.eventId < b.eventId ? 1 : a.eventId > b.eventId ? -1 : 0));
    const wanted = [...threads.map((row) => row.eventId), ...[...edits.values()].flat().map((row) => row.eventId)];
    let events = wanted.length === 0 ? new Map<string, Pdu>() : await this.deps.reader.getEvents(wanted);
    if (checkVisibility) events = await this.visibleOnly(userId, events);
    for (const [parentId, list] of edits) {
      const edit = list.map((row) => events.get(row.eventId)).find((pdu) => pdu !== undefined && isValidReplacement(pdu));
      if (edit !== undefined) bundleOf(out, parentId).replace = edit;
    }
    const latest: Pdu[] = [];
    for (const row of threads) {
      const pdu = events.get(row.eventId);
      if (pdu === undefined) continue;
      latest.push(pdu);
      const root = parents.get(row.parentId)!;
      bundleOf(out, row.parentId).thread = { latest: pdu, latestBundle: null, count: row.count, participated: row.participated || root.sender === userId };
    }
    for (const bundle of out.values()) bundle.references?.sort();
    if (!nested && latest.length > 0) {
      // "child events of the `latest_event` should themselves be aggregated" (one level: m.thread
      // cannot target an event that has a rel_type, so there are no loops).
      const inner = await this.bundleOnce(userId, latest, new Set(), ignored, checkVisibility, true);
      for (const bundle of out.values()) if (bundle.thread) bundle.thread.latestBundle = inner.get(bundle.thread.latest.eventId) ?? null;
    }
    return out;
  }

  /** Those of `events` `userId` may see, room by room. */
  private async visibleOnly(userId: string, events: ReadonlyMap<string, Pdu>): Promise<Map<string, Pdu>> {
    const { visibility, events: store } = this.deps;
    if (events.size === 0 || visibility === undefined || store === undefined) return new Map(events);
    const rows = await store.selectEventsByIds([...events.keys()]);
    const byRoom = new Map<string, { pdu: Pdu; streamOrdering: number }[]>();
    for (const [eventId, pdu] of events) {
      const row = rows.get(eventId);
      if (row === undefined) continue;
      let list = byRoom.get(pdu.roomId);
      if (list === undefined) byRoom.set(pdu.roomId, (list = []));
      list.push({ pdu, streamOrdering: row.streamOrdering });
    }
    const out = new Map<string, Pdu>();
    for (const list of byRoom.values()) for (const { pdu } of await visibility.filterVisible(userId, list)) out.set(pdu.eventId, pdu);
    return out;
  }
}

/** `unsigned.m.relations` for a bundle; `format` serializes the events it holds. */
export function bundleJson(bundle: EventBundle, format: BundledEventFormat): JsonObject {
  const json: JsonObject = {};
  if (bundle.thread) {
    const { latest, latestBundle, count, participated } = bundle.thread;
    json[REL_THREAD] = {
      latest_event: format(latest, latestBundle === null ? null : bundleJson(latestBundle, format)),
      count,
      current_user_participated: participated,
    };
  }
  if (bundle.replace) json[REL_REPLACE] = format(bundle.replace, null);
  if (bundle.references) json[REL_REFERENCE] = { chunk: bundle.references.map((eventId) => ({ event_id: eventId })) };
  return json;
}

function bundleOf(out: Map<string, EventBundle>, eventId: string): EventBundle {
  let bundle = out.get(eventId);
  if (bundle === undefined) out.set(eventId, (bundle = {}));
  return bundle;
}

/** The replacement's own checks (the store matched room, sender and type with the original). */
function isValidReplacement(edit: Pdu): boolean {
  if (edit.stateKey !== undefined) return false;
  return edit.type === "m.room.encrypted" || isJsonObject(edit.content["m.new_content"]);
}
