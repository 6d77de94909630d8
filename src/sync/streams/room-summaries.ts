/**
 * Room summaries (`summary` of a joined room).
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3sync (RoomSummary)
 *
 * - `m.joined_member_count` / `m.invited_member_count`: members with membership join / invite.
 * - `m.heroes`: "Required if the room's m.room.name or m.room.canonical_alias state events are
 *   unset or empty. This should be the first 5 members of the room, ordered by stream ordering,
 *   which are joined or invited. The list must never include the client's own user ID. When no
 *   joined or invited members are available, this should consist of the banned and left users."
 *   Sent only when the room has neither a name nor an alias (as Synapse does).
 *
 * A summary depends only on a room state, so it is cached by state group (groups never change);
 * events after a message share their group, so a busy room computes its summary once per
 * membership change, not per message. Memberships come from room_memberships (no event JSON to
 * parse); only member events missing there, and names and aliases, are read as events.
 */
import type { RoomSummaryJson } from "../../matrix/endpoints/client/sync.js";
import { parseStateMapKey, stateMapKey } from "../../room/state-map.js";
import { LruCache } from "../../storage/lru-cache.js";
import type { SyncStore } from "../../storage/stores/sync-store.js";
import type { SyncEventCache } from "../sync-event-cache.js";
import type { SyncStateReader } from "../sync-state.js";

const MEMBER_PREFIX = "m.room.member\u0000";
const NAME_KEY = stateMapKey("m.room.name", "");
const CANONICAL_ALIAS_KEY = stateMapKey("m.room.canonical_alias", "");
const HEROES = 5;

/** A room state's summary, before the syncing user is left out of the heroes. */
export interface RoomSummaryInfo {
  readonly joined: number;
  readonly invited: number;
  /** Whether the room has a non-empty name or canonical alias (then no heroes are sent). */
  readonly named: boolean;
  /** The first HEROES + 1 joined or invited members by stream ordering. */
  readonly heroes: readonly string[];
  /** The same among left and banned members, for rooms with nobody else joined or invited. */
  readonly formerHeroes: readonly string[];
}

export class RoomSummaries {
  private readonly cache: LruCache<number, RoomSummaryInfo>;

  constructor(
    private readonly deps: { state: SyncStateReader; events: SyncEventCache; store: Pick<SyncStore, "selectMembershipsByEventIds"> },
    capacity = 10_000,
  ) {
    this.cache = new LruCache(capacity);
  }

  /** The summary of each state group, computing the missing ones with one event read. */
  async forGroups(groups: Iterable<number>): Promise<Map<number, RoomSummaryInfo>> {
    const out = new Map<number, RoomSummaryInfo>();
    const missing = new Map<number, Map<string, string>>();
    for (const group of groups) {
      if (out.has(group) || missing.has(group)) continue;
      const cached = this.cache.get(group);
      if (cached !== undefined) {
        out.set(group, cached);
        continue;
      }
      const wanted = new Map<string, string>();
      for (const [key, eventId] of await this.deps.state.state(group)) {
        if (key.startsWith(MEMBER_PREFIX) || key === NAME_KEY || key === CANONICAL_ALIAS_KEY) wanted.set(key, eventId);
      }
      missing.set(group, wanted);
    }
    if (missing.size === 0) return out;
    const memberIds: string[] = [];
    for (const wanted of missing.values()) for (const [key, eventId] of wanted) if (key.startsWith(MEMBER_PREFIX)) memberIds.push(eventId);
    const memberships = await this.deps.store.selectMembershipsByEventIds(memberIds);
    const ids = new Set<string>();
    for (const wanted of missing.values()) {
      for (const [key, eventId] of wanted) if (!key.startsWith(MEMBER_PREFIX) || !memberships.has(eventId)) ids.add(eventId);
    }
    const events = await this.deps.events.getMany(ids);
    for (const [group, wanted] of missing) {
      let joined = 0;
      let invited = 0;
      let named = false;
      const current: Array<[number, string]> = [];
      const former: Array<[number, string]> = [];
      for (const [key, eventId] of wanted) {
        if (key.startsWith(MEMBER_PREFIX)) {
          let member = memberships.get(eventId);
          if (member === undefined) {
            const event = events.get(eventId);
            if (event === undefined) continue;
            const membership = event.pdu.content.membership;
            member = { membership: typeof membership === "string" ? membership : "", streamOrdering: event.streamOrdering };
          }
          const userId = parseStateMapKey(key).stateKey;
          if (member.membership === "join") joined++;
          if (member.membership === "invite") invited++;
          if (member.membership === "join" || member.membership === "invite") current.push([member.streamOrdering, userId]);
          else if (member.membership === "leave" || member.membership === "ban") former.push([member.streamOrdering, userId]);
          continue;
        }
        const event = events.get(eventId);
        if (event === undefined) continue;
        const content = event.redactedBy === null ? event.pdu.content : event.pdu.redact().content;
        if (key === NAME_KEY) named ||= typeof content.name === "string" && content.name !== "";
        else named ||= typeof content.alias === "string" && content.alias !== "";
      }
      const info: RoomSummaryInfo = { joined, invited, named, heroes: firstByOrdering(current), formerHeroes: firstByOrdering(former) };
      this.cache.set(group, info);
      out.set(group, info);
    }
    return out;
  }
}

/** The summary as `userId` receives it. */
export function summaryFor(info: RoomSummaryInfo, userId: string): RoomSummaryJson {
  const summary: RoomSummaryJson = { "m.joined_member_count": info.joined, "m.invited_member_count": info.invited };
  if (!info.named) {
    let heroes = info.heroes.filter((id) => id !== userId);
    if (heroes.length === 0) heroes = info.formerHeroes.filter((id) => id !== userId);
    summary["m.heroes"] = heroes.slice(0, HEROES);
  }
  return summary;
}

function firstByOrdering(members: Array<[number, string]>): string[] {
  members.sort((a, b) => a[0] - b[0]);
  return members.slice(0, HEROES + 1).map(([, userId]) => userId);
}
