/**
 * State groups: each distinct room state is a group, stored as a delta from a previous group
 * (state_groups.prev_state_group) so that a state change in a room of 100,000 members writes one
 * row, not 100,000. Past `maxDeltaDepth` hops the chain restarts with a full snapshot, bounding
 * how many groups an uncached read has to combine; in a large state only once the chain has as
 * many hops as the state has entries, so snapshots add at most one row per change on average.
 *
 * Reads resolve a group through its chain and keep the full result in an LRU. A group derived
 * from a cached one is built as StateGroupMap.withDelta (a persistent trie sharing all but a few
 * nodes with its parent), or handed in by the caller that derived it already, so the group the
 * persister reads right after writing it costs O(delta), not O(members), and cached groups of
 * one room share their memory. Groups are immutable, so cached maps never go stale; a group
 * enters the cache only once the transaction that created it has committed (SQLite may reuse
 * the ID of a rolled-back one).
 *
 * Writes are deferred to the end of the transaction: a new group takes a reserved ID at once
 * (Dialect.reserveIds), and its row and entries are inserted together with the transaction's
 * other groups in a few multi-row statements, just before commit or before the transaction
 * reads groups back from the database, whichever comes first.
 *
 * event_state_groups records, for each non-outlier event, the group of the state before it and
 * the group of the state after it (equal for non-state and rejected events), keyed by the
 * event's stream ordering so that new rows append (reads by event ID join events).
 */
import type { DataSource, EntityManager, QueryRunner } from "typeorm";
import { parseStateMapKey, stateMapKey } from "../../room/state-map.js";
import { toNullableNumber, toNumber } from "../dialect.js";
import { LruCache } from "../lru-cache.js";
import { StateGroupMap } from "../state-group-map.js";
import { beforeCommit, onCommit } from "../transaction.js";
import { BaseStore } from "./base-store.js";

/** Changes from the previous group, keyed by stateMapKey: event ID, or null for a removed key. */
export type StateDelta = ReadonlyMap<string, string | null>;

export interface EventStateGroups {
  eventId: string;
  stateGroupBefore: number;
  stateGroupAfter: number;
}

/** A row of insertEventStateGroups: the event by its stream ordering (events.stream_ordering). */
export interface NewEventStateGroups {
  streamOrdering: number;
  stateGroupBefore: number;
  stateGroupAfter: number;
}

export interface StateStoreOptions {
  /** Full state maps kept in memory. Default 500. */
  cacheSize?: number;
  /**
   * Hops from a group to its snapshot before a new snapshot is written. Default 100. A state
   * with more entries than that waits for as many hops as it has entries.
   */
  maxDeltaDepth?: number;
}

interface CachedGroup {
  roomId: string;
  deltaDepth: number;
  state: StateGroupMap;
}

/** A transaction's groups not yet inserted, and the IDs it has reserved but not used. */
interface PendingWrites {
  groups: unknown[][];
  entries: unknown[][];
  ids: number[];
  /** Groups the transaction has created. */
  created: number;
}

/**
 * IDs reserved at a time: first as many as the previous transaction used (at least the minimum),
 * then doubling as the transaction needs more, up to the maximum. Unused IDs are a gap.
 */
const MIN_RESERVATION = 8;
const MAX_RESERVATION = 1024;

/** Each transaction's pending writes, shared by every StateStore, so that any of them reads them. */
const pendingByTransaction = new WeakMap<EntityManager, PendingWrites>();

interface ChainDbRow {
  id: unknown;
  room_id: string;
  prev_state_group: unknown;
  delta_depth: unknown;
}

interface EntryDbRow {
  state_group: unknown;
  type: string;
  state_key: string;
  event_id: string | null;
}

export class StateStore extends BaseStore {
  private readonly cache: LruCache<number, CachedGroup>;
  /** Groups known to the transaction that wrote or read them, before it commits. */
  private readonly uncommitted = new WeakMap<EntityManager, Map<number, CachedGroup>>();
  /** Groups created by the last transaction that wrote any: the size of the next first reservation. */
  private lastCreated = 0;
  private readonly maxDeltaDepth: number;

  constructor(db: DataSource, opts: StateStoreOptions = {}) {
    super(db);
    this.cache = new LruCache(opts.cacheSize ?? 500);
    this.maxDeltaDepth = opts.maxDeltaDepth ?? 100;
  }

  /**
   * Stores the state `prevGroup` + `delta` as a new group of `roomId` and returns its ID. With
   * no `prevGroup`, `delta` is the whole state (null entries are ignored). An empty delta on a
   * previous group returns that group: groups are immutable, so equal states may share one.
   * `state`, when the caller has it already, is the new group's full state (`prevGroup`'s state
   * with `delta` applied): it is cached as it is instead of being derived again.
   */
  async insertStateGroup(
    tx: EntityManager,
    roomId: string,
    prevGroup: number | null,
    delta: StateDelta,
    state?: StateGroupMap,
  ): Promise<number> {
    if (prevGroup === null) return this.insertSnapshot(tx, roomId, state ?? StateGroupMap.fromMap(withoutRemovals(delta)));
    if (delta.size === 0) return prevGroup;
    const cached = this.cache.get(prevGroup) ?? this.uncommitted.get(tx)?.get(prevGroup);
    const prev = cached ?? (await this.selectGroupRow(tx, prevGroup));
    if (prev.roomId !== roomId) throw new Error(`state group ${prevGroup} belongs to ${prev.roomId}, not ${roomId}`);
    let full = state ?? cached?.state.withDelta(delta) ?? null;
    if (prev.deltaDepth >= this.maxDeltaDepth) {
      full ??= (await this.selectStateGroup(prevGroup, tx)).withDelta(delta);
      // A snapshot writes a row per state entry: only once the chain is as long as the state is
      // large, so that storage grows with the number of changes, not changes × state size.
      if (prev.deltaDepth >= full.size) return this.insertSnapshot(tx, roomId, full);
    }
    const id = await this.insertGroupRow(tx, roomId, prevGroup, prev.deltaDepth + 1);
    this.insertEntries(tx, id, delta);
    if (full) this.cacheWhenCommitted(tx, id, { roomId, deltaDepth: prev.deltaDepth + 1, state: full });
    return id;
  }

  /**
   * The full state of a group, resolved through its delta chain. Pass `em` = a transaction to
   * read groups that transaction created. Throws if the group does not exist.
   */
  async selectStateGroup(groupId: number, em: EntityManager = this.reader): Promise<StateGroupMap> {
    const cached = this.cache.get(groupId) ?? this.uncommitted.get(em)?.get(groupId);
    if (cached) return cached.state;
    const chain = await this.selectChain(em, groupId);
    // chain[0] is the group asked for; walk down until a cached group or the snapshot.
    let base: StateGroupMap | null = null;
    let depth = 0;
    for (; depth < chain.length; depth++) {
      const hit = this.cache.get(chain[depth]!.id);
      if (hit) {
        base = hit.state;
        break;
      }
    }
    const toApply = chain.slice(0, depth);
    const entries = await this.selectEntries(em, toApply.map((group) => group.id));
    let state = base;
    for (let i = toApply.length - 1; i >= 0; i--) {
      const delta = entries.get(toApply[i]!.id) ?? new Map<string, string | null>();
      state = state ? state.withDelta(delta) : StateGroupMap.fromMap(withoutRemovals(delta));
    }
    const head = chain[0]!;
    const result = state ?? StateGroupMap.empty();
    this.cacheWhenCommitted(em, groupId, { roomId: head.roomId, deltaDepth: head.deltaDepth, state: result });
    return result;
  }

  async insertEventStateGroups(tx: EntityManager, rows: readonly NewEventStateGroups[]): Promise<void> {
    await this.d.insertMany(
      tx,
      "event_state_groups",
      ["stream_ordering", "state_group_before", "state_group_after"],
      rows.map((row) => [row.streamOrdering, row.stateGroupBefore, row.stateGroupAfter]),
    );
  }

  /** The state groups around each event (outliers and unknown events are absent). */
  async selectEventStateGroups(eventIds: readonly string[], em: EntityManager = this.reader): Promise<Map<string, EventStateGroups>> {
    const out = new Map<string, EventStateGroups>();
    if (eventIds.length === 0) return out;
    const rows = await this.d.query<{ event_id: string; state_group_before: unknown; state_group_after: unknown }>(
      em,
      `SELECT e.event_id, g.state_group_before, g.state_group_after
       FROM events e JOIN event_state_groups g ON g.stream_ordering = e.stream_ordering WHERE e.event_id ${this.d.inArray}`,
      [this.d.arrayParam(eventIds)],
    );
    for (const row of rows) {
      out.set(row.event_id, { eventId: row.event_id, stateGroupBefore: toNumber(row.state_group_before), stateGroupAfter: toNumber(row.state_group_after) });
    }
    return out;
  }

  private async insertSnapshot(tx: EntityManager, roomId: string, state: StateGroupMap): Promise<number> {
    const id = await this.insertGroupRow(tx, roomId, null, 0);
    this.insertEntries(tx, id, state);
    this.cacheWhenCommitted(tx, id, { roomId, deltaDepth: 0, state });
    return id;
  }

  /** A new group's ID; its row is inserted with the transaction's other pending writes. */
  private async insertGroupRow(tx: EntityManager, roomId: string, prevGroup: number | null, deltaDepth: number): Promise<number> {
    const pending = this.pendingWrites(tx);
    if (pending.ids.length === 0) {
      const wanted = pending.created === 0 ? this.lastCreated : pending.created;
      const count = Math.min(MAX_RESERVATION, Math.max(MIN_RESERVATION, wanted));
      pending.ids = (await this.d.reserveIds(tx, "state_groups", count)).reverse();
    }
    const id = pending.ids.pop()!;
    pending.created++;
    pending.groups.push([id, roomId, prevGroup, deltaDepth]);
    return id;
  }

  private insertEntries(tx: EntityManager, groupId: number, entries: ReadonlyMap<string, string | null>): void {
    const rows = this.pendingWrites(tx).entries;
    for (const [key, eventId] of entries) {
      const { type, stateKey } = parseStateMapKey(key);
      rows.push([groupId, type, stateKey, eventId]);
    }
  }

  private pendingWrites(tx: EntityManager): PendingWrites {
    let pending = pendingByTransaction.get(tx);
    if (!pending) {
      const own: PendingWrites = { groups: [], entries: [], ids: [], created: 0 };
      pendingByTransaction.set(tx, (pending = own));
      beforeCommit(tx, async () => {
        this.lastCreated = own.created;
        await this.writePending(tx);
      });
    }
    return pending;
  }

  /** Inserts the transaction's pending groups (before it commits, or before it reads groups). */
  private async writePending(em: EntityManager): Promise<void> {
    const pending = pendingByTransaction.get(em);
    if (!pending || pending.groups.length === 0) return;
    const { groups, entries } = pending;
    pending.groups = [];
    pending.entries = [];
    await this.d.insertMany(em, "state_groups", ["id", "room_id", "prev_state_group", "delta_depth"], groups);
    await this.d.insertMany(em, "state_group_entries", ["state_group", "type", "state_key", "event_id"], entries);
  }

  private async selectGroupRow(em: EntityManager, groupId: number): Promise<{ roomId: string; deltaDepth: number }> {
    await this.writePending(em);
    const rows = await this.d.query<ChainDbRow>(em, "SELECT id, room_id, prev_state_group, delta_depth FROM state_groups WHERE id = ?", [groupId]);
    const row = rows[0];
    if (!row) throw new Error(`unknown state group ${groupId}`);
    return { roomId: row.room_id, deltaDepth: toNumber(row.delta_depth) };
  }

  /** The group and its ancestors down to the snapshot, newest first. */
  private async selectChain(em: EntityManager, groupId: number): Promise<{ id: number; roomId: string; deltaDepth: number }[]> {
    await this.writePending(em);
    const rows = await this.d.query<ChainDbRow>(
      em,
      `WITH RECURSIVE chain (id, room_id, prev_state_group, delta_depth) AS (
         SELECT id, room_id, prev_state_group, delta_depth FROM state_groups WHERE id = ?
         UNION ALL
         SELECT g.id, g.room_id, g.prev_state_group, g.delta_depth FROM state_groups g JOIN chain c ON g.id = c.prev_state_group
       )
       SELECT id, room_id, prev_state_group, delta_depth FROM chain`,
      [groupId],
    );
    const byId = new Map<number, ChainDbRow>();
    for (const row of rows) byId.set(toNumber(row.id), row);
    const chain: { id: number; roomId: string; deltaDepth: number }[] = [];
    for (let id: number | null = groupId; id !== null; ) {
      const row = byId.get(id);
      if (!row) throw new Error(id === groupId ? `unknown state group ${groupId}` : `state group ${id} missing from the chain of ${groupId}`);
      chain.push({ id, roomId: row.room_id, deltaDepth: toNumber(row.delta_depth) });
      id = toNullableNumber(row.prev_state_group);
    }
    return chain;
  }

  private async selectEntries(em: EntityManager, groupIds: readonly number[]): Promise<Map<number, Map<string, string | null>>> {
    const out = new Map<number, Map<string, string | null>>();
    if (groupIds.length === 0) return out;
    const rows = await this.d.query<EntryDbRow>(
      em,
      `SELECT state_group, type, state_key, event_id FROM state_group_entries WHERE state_group ${this.d.inArray}`,
      [this.d.arrayParam(groupIds)],
    );
    for (const row of rows) {
      const group = toNumber(row.state_group);
      let delta = out.get(group);
      if (!delta) out.set(group, (delta = new Map()));
      delta.set(stateMapKey(row.type, row.state_key), row.event_id);
    }
    return out;
  }

  private cacheWhenCommitted(em: EntityManager, groupId: number, entry: CachedGroup): void {
    if (em.queryRunner?.isTransactionActive) {
      try {
        onCommit(em, () => this.cache.set(groupId, entry));
        // Until then the transaction itself knows the group (it may build on it at once).
        let own = this.uncommitted.get(em);
        if (!own) this.uncommitted.set(em, (own = new Map()));
        own.set(groupId, entry);
      } catch {
        // A transaction not run through runInTransaction: skip caching rather than risk caching
        // a group that may yet roll back.
      }
      return;
    }
    // SQLite shares one connection: reading through the writer's own manager (in-memory
    // databases have no separate reader) sees whatever transaction is open on it.
    const shared = (em.dataSource.driver as { queryRunner?: QueryRunner }).queryRunner;
    if (!shared?.isTransactionActive) this.cache.set(groupId, entry);
  }
}

function withoutRemovals(delta: StateDelta): Map<string, string> {
  const state = new Map<string, string>();
  for (const [key, eventId] of delta) if (eventId !== null) state.set(key, eventId);
  return state;
}
