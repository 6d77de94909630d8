/**
 * Server-side search over the rooms a user is joined to.
 * https://spec.matrix.org/v1.19/client-server-api/#server-side-search
 *
 * The full-text match is the index's (event_search, kept by EventSearchIndexer); what a user may
 * see is decided here, by the rules /messages applies (visibility.ts): candidate events come from
 * the rooms the user is joined to now (as Synapse searches), then each page of hits passes
 * history visibility and the request's RoomEventFilter. Redacted events are never returned (the
 * store skips rows whose event has `redacted_by`).
 *
 * Pagination: `next_batch` is opaque to clients. With `order_by: recent` it is the stream
 * ordering the next page starts before ("b<n>"); with `rank` the number of index hits already
 * looked at ("o<n>"), as ranks are not stable keys. `count` is the number of index hits in the
 * user's rooms, before history visibility: the spec's "approximate count".
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type {
  GroupValueJson,
  RoomEventsCriteriaJson,
  RoomEventsResultsJson,
  SearchKey,
  SearchResultJson,
} from "../../matrix/endpoints/client/search.js";
import type { ClientEventJson } from "../../matrix/pdu-json.js";
import type { Pdu } from "../../room/pdu.js";
import { stateMapKey } from "../../room/state-map.js";
import type { CurrentStateStore } from "../../storage/stores/current-state-store.js";
import type { EventSearchStore, SearchHit, SearchPage, SearchQuery } from "../../storage/stores/event-search-store.js";
import type { Notifier } from "../../sync/notifier.js";
import { RoomEventFilter } from "../../sync/room-event-filter.js";
import type { EventPersister } from "../rooms/event-persister.js";
import type { RoomEventSerializer } from "../rooms/room-event-serializer.js";
import type { RoomTimelineService } from "../rooms/timeline.js";
import type { RoomVisibility, VisibleEvent } from "../rooms/visibility.js";
import type { EventSearchIndexer } from "./event-search-indexer.js";

const ALL_KEYS: readonly SearchKey[] = ["content.body", "content.name", "content.topic"];
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;
/** Index hits looked at for one page at most. */
const MAX_SCANNED = 1000;
/** How long a search waits for the indexer to reach the newest event. */
const INDEX_WAIT_MS = 1_000;
const DEFAULT_CONTEXT_LIMIT = 5;

export interface SearchServiceDeps {
  indexer: Pick<EventSearchIndexer, "waitFor">;
  notifier: Pick<Notifier, "currentToken">;
  store: Pick<EventSearchStore, "selectSearchHits" | "countSearchHits">;
  rooms: Pick<CurrentStateStore, "selectRoomsForUser">;
  reader: Pick<EventPersister, "getEvents" | "getStateAfter" | "getCurrentState">;
  visibility: Pick<RoomVisibility, "filterVisible">;
  timeline: Pick<RoomTimelineService, "getEventsAround">;
  serializer: Pick<RoomEventSerializer, "serialize">;
}

/** A hit that passed visibility and the filter. */
interface Found {
  hit: SearchHit;
  visible: VisibleEvent;
}

export class SearchService {
  constructor(private readonly deps: SearchServiceDeps) {}

  /** The `room_events` category of `POST /search`. */
  async searchRoomEvents(userId: string, criteria: RoomEventsCriteriaJson, nextBatch: string | undefined): Promise<RoomEventsResultsJson> {
    const filterJson = criteria.filter ?? {};
    const filter = RoomEventFilter.fromJson(filterJson);
    const order = criteria.order_by ?? "rank";
    let page = parseBatch(nextBatch, order);
    const words = searchWords(criteria.search_term);
    const empty: RoomEventsResultsJson = { count: 0, highlights: words, results: [] };
    if (words.length === 0) return empty;
    const roomIds = (await this.deps.rooms.selectRoomsForUser(userId, ["join"])).map((r) => r.roomId).filter((id) => filter.roomAllowed(id));
    if (roomIds.length === 0) return empty;
    await this.deps.indexer.waitFor(this.deps.notifier.currentToken().pdu, INDEX_WAIT_MS);

    const query: SearchQuery = {
      words,
      roomIds,
      keys: criteria.keys !== undefined && criteria.keys.length > 0 ? criteria.keys : ALL_KEYS,
      senders: stringList(filterJson.senders),
      notSenders: stringList(filterJson.not_senders),
      order,
    };
    const limit = Math.min(Math.max(typeof filterJson.limit === "number" ? filterJson.limit : DEFAULT_LIMIT, 1), MAX_LIMIT);
    const found: Found[] = [];
    let scanned = 0;
    let next: string | undefined;
    for (;;) {
      const fetch = Math.min(Math.max(limit * 2, 20), MAX_SCANNED);
      const hits = await this.deps.store.selectSearchHits(query, { ...page, limit: fetch });
      const passed = await this.passing(userId, hits, filter);
      let consumed = 0;
      for (const hit of hits) {
        consumed++;
        const visible = passed.get(hit.eventId);
        if (visible !== undefined) found.push({ hit, visible });
        if (found.length === limit) break;
      }
      scanned += consumed;
      const lastHit = hits[consumed - 1];
      if (lastHit !== undefined) page = order === "recent" ? { ...page, before: lastHit.streamOrdering } : { ...page, offset: page.offset + consumed };
      const exhausted = hits.length < fetch && consumed === hits.length;
      if (!exhausted && (found.length === limit || scanned >= MAX_SCANNED)) {
        next = order === "recent" ? `b${page.before}` : `o${page.offset}`;
        break;
      }
      if (exhausted) break;
    }

    const results = await this.results(userId, found, criteria);
    const response: RoomEventsResultsJson = { count: await this.deps.store.countSearchHits(query), highlights: words, results };
    if (next !== undefined) response.next_batch = next;
    if (criteria.include_state === true) response.state = await this.roomStates(found);
    const groups = groupsOf(found, criteria, next);
    if (groups !== null) response.groups = groups;
    return response;
  }

  /** The hits the user may see and the filter lets through, by event ID. */
  private async passing(userId: string, hits: readonly SearchHit[], filter: RoomEventFilter): Promise<Map<string, VisibleEvent>> {
    const pdus = await this.deps.reader.getEvents(hits.map((h) => h.eventId));
    const byRoom = new Map<string, Array<{ pdu: Pdu; streamOrdering: number }>>();
    for (const hit of hits) {
      const pdu = pdus.get(hit.eventId);
      if (pdu === undefined || !filter.matches({ type: pdu.type, sender: pdu.sender, room_id: pdu.roomId, content: pdu.content })) continue;
      let list = byRoom.get(hit.roomId);
      if (!list) byRoom.set(hit.roomId, (list = []));
      list.push({ pdu, streamOrdering: hit.streamOrdering });
    }
    const out = new Map<string, VisibleEvent>();
    for (const events of byRoom.values()) {
      for (const visible of await this.deps.visibility.filterVisible(userId, events)) out.set(visible.pdu.eventId, visible);
    }
    return out;
  }

  private async results(userId: string, found: readonly Found[], criteria: RoomEventsCriteriaJson): Promise<SearchResultJson[]> {
    const stateBefore = new Map(found.map((f) => [f.visible.pdu.eventId, f.visible.stateBefore]));
    const events = await this.deps.serializer.serialize(found.map((f) => f.visible.pdu), { stateBefore });
    const results: SearchResultJson[] = found.map((f, i) => ({ rank: f.hit.rank, result: events[i]! }));
    const context = criteria.event_context;
    if (context === undefined) return results;
    for (const [i, f] of found.entries()) {
      const { pdu } = f.visible;
      const around = await this.deps.timeline.getEventsAround(
        userId,
        pdu.roomId,
        pdu.eventId,
        context.before_limit ?? DEFAULT_CONTEXT_LIMIT,
        context.after_limit ?? DEFAULT_CONTEXT_LIMIT,
      );
      if (around === null) continue;
      results[i]!.context = {
        start: around.start,
        end: around.end,
        events_before: around.eventsBefore,
        events_after: around.eventsAfter,
      };
      if (context.include_profile === true) {
        const senders = new Set([pdu.sender, ...around.eventsBefore.map((e) => e.sender), ...around.eventsAfter.map((e) => e.sender)]);
        results[i]!.context.profile_info = await this.profiles(around.lastEventId, senders);
      }
    }
    return results;
  }

  /** "The historic profile information of the users that sent the events returned": their member events after the window. */
  private async profiles(eventId: string, senders: ReadonlySet<string>): Promise<Record<string, { displayname?: string; avatar_url?: string }>> {
    const state = (await this.deps.reader.getStateAfter(eventId)) ?? new Map<string, string>();
    const ids = new Map<string, string>();
    for (const sender of senders) {
      const id = state.get(stateMapKey("m.room.member", sender));
      if (id !== undefined) ids.set(sender, id);
    }
    const events = await this.deps.reader.getEvents(ids.values());
    const out: Record<string, { displayname?: string; avatar_url?: string }> = {};
    for (const [sender, id] of ids) {
      const content = events.get(id)?.content ?? {};
      const profile: { displayname?: string; avatar_url?: string } = {};
      if (typeof content.displayname === "string") profile.displayname = content.displayname;
      if (typeof content.avatar_url === "string") profile.avatar_url = content.avatar_url;
      out[sender] = profile;
    }
    return out;
  }

  /** "The current state for each room returned", by room ID. */
  private async roomStates(found: readonly Found[]): Promise<Record<string, ClientEventJson[]>> {
    const out: Record<string, ClientEventJson[]> = {};
    for (const roomId of new Set(found.map((f) => f.hit.roomId))) {
      const ids = [...(await this.deps.reader.getCurrentState(roomId)).values()];
      const events = await this.deps.reader.getEvents(ids);
      out[roomId] = await this.deps.serializer.serialize(ids.map((id) => events.get(id)).filter((pdu): pdu is Pdu => pdu !== undefined));
    }
    return out;
  }
}

/**
 * The words of a search term: runs of letters and digits, lower-cased (the index matches each as
 * a prefix). Anything else (quotes, operators) separates words, so no term is query syntax.
 */
export function searchWords(term: string): string[] {
  const words = term.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)];
}

function parseBatch(batch: string | undefined, order: "rank" | "recent"): Omit<SearchPage, "limit"> {
  if (batch === undefined) return { before: null, offset: 0 };
  const match = /^([bo])(-?\d{1,16})$/.exec(batch);
  if (match === null || (match[1] === "b") !== (order === "recent")) throw new MatrixError(400, ErrCode.InvalidParam, "Invalid next_batch");
  const n = Number(match[2]);
  return match[1] === "b" ? { before: n, offset: 0 } : { before: null, offset: Math.max(n, 0) };
}

function stringList(value: unknown): string[] | null {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : null;
}

/** `groups`: the page's results by room and/or sender, ordered by their first result. */
function groupsOf(found: readonly Found[], criteria: RoomEventsCriteriaJson, next: string | undefined): Record<string, Record<string, GroupValueJson>> | null {
  const keys = (criteria.groupings?.group_by ?? []).map((g) => g.key).filter((k): k is "room_id" | "sender" => k !== undefined);
  if (keys.length === 0) return null;
  const out: Record<string, Record<string, GroupValueJson>> = {};
  for (const key of new Set(keys)) {
    const groups: Record<string, GroupValueJson> = {};
    let order = 0;
    for (const { visible } of found) {
      const value = key === "room_id" ? visible.pdu.roomId : visible.pdu.sender;
      const group = (groups[value] ??= { order: ++order, results: [] });
      group.results.push(visible.pdu.eventId);
    }
    if (next !== undefined) for (const group of Object.values(groups)) group.next_batch = next;
    out[key] = groups;
  }
  return out;
}
