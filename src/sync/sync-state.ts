/**
 * Room state at the points /sync needs it: before the first event of a timeline, after the last
 * one, after the last event at a `since` position. Each point is an event's state group (before
 * or after it), read for all rooms of a sync in one query and remembered (an event's groups never
 * change); the groups' maps come from the state store's cache, shared with the persister.
 */
import { LruCache } from "../storage/lru-cache.js";
import type { StateGroupMap } from "../storage/state-group-map.js";
import type { StateStore } from "../storage/stores/state-store.js";

export interface EventGroups {
  readonly before: number;
  readonly after: number;
}

export interface SyncStateReaderDeps {
  store: Pick<StateStore, "selectEventStateGroups" | "selectStateGroup">;
  /** Events whose groups are remembered; default 20,000 (~180 B each, ~3.6 MiB when full). */
  capacity?: number;
}

export class SyncStateReader {
  private readonly groups: LruCache<string, EventGroups>;

  constructor(private readonly deps: SyncStateReaderDeps) {
    this.groups = new LruCache(deps.capacity ?? 20_000);
  }

  /** The state groups around each event (events without state, e.g. outliers, are absent). */
  async groupsOf(eventIds: Iterable<string>): Promise<Map<string, EventGroups>> {
    const out = new Map<string, EventGroups>();
    const missing: string[] = [];
    for (const eventId of eventIds) {
      const cached = this.groups.get(eventId);
      if (cached !== undefined) out.set(eventId, cached);
      else if (!out.has(eventId)) missing.push(eventId);
    }
    if (missing.length === 0) return out;
    for (const [eventId, row] of await this.deps.store.selectEventStateGroups(missing)) {
      const groups = { before: row.stateGroupBefore, after: row.stateGroupAfter };
      this.groups.set(eventId, groups);
      out.set(eventId, groups);
    }
    return out;
  }

  /** Remembers the groups of an event known without reading storage (one just committed). */
  rememberGroups(eventId: string, groups: EventGroups): void {
    this.groups.set(eventId, groups);
  }

  /** A state group's full map (stateMapKey → event ID). */
  state(group: number): Promise<StateGroupMap> {
    return this.deps.store.selectStateGroup(group);
  }
}
