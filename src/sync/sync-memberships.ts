/**
 * Each syncing user's membership history (every m.room.member event about them, oldest first,
 * per room), cached and moved forward from the event window, so an incremental sync knows the
 * user's rooms without a query. The history answers everything /sync asks about the user's
 * rooms at any position it covers: the membership at a position (sections, history visibility,
 * `unsigned.membership`) and the changes in a range (rooms to move between sections).
 */
import { LruCache } from "../storage/lru-cache.js";
import type { MembershipRow, SyncStore } from "../storage/stores/sync-store.js";
import type { EventWindow } from "./sync-event-window.js";

/** A user's memberships, complete up to `position`. Histories are oldest first. */
export class UserMemberships {
  constructor(
    readonly position: number,
    readonly byRoom: ReadonlyMap<string, readonly MembershipRow[]>,
  ) {}

  /** The membership row in effect at `position` (the last one at or before it), or null. */
  rowAt(roomId: string, position: number): MembershipRow | null {
    return lastAtOrBefore(this.byRoom.get(roomId), position);
  }

  /** The membership at `position`; "leave" when the user had none ("yet to join"). */
  membershipAt(roomId: string, position: number): string {
    return this.rowAt(roomId, position)?.membership ?? "leave";
  }

  /** The rows with `from < stream ordering <= to`. */
  changesIn(roomId: string, from: number, to: number): MembershipRow[] {
    const rows = this.byRoom.get(roomId);
    if (rows === undefined) return [];
    const out: MembershipRow[] = [];
    for (const row of rows) if (row.streamOrdering > from && row.streamOrdering <= to) out.push(row);
    return out;
  }

  /** Rooms where the user's membership at `position` is one of `memberships`. */
  roomsWith(position: number, memberships: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const [roomId, rows] of this.byRoom) {
      const row = lastAtOrBefore(rows, position);
      if (row !== null && memberships.has(row.membership)) out.push(roomId);
    }
    return out;
  }
}

const JOIN = new Set(["join"]);

export interface MembershipCacheDeps {
  store: Pick<SyncStore, "selectMembershipHistory">;
  window: Pick<EventWindow, "range">;
  /** Users kept; default 10,000. */
  capacity?: number;
}

export class MembershipCache {
  private readonly users: LruCache<string, UserMemberships>;

  constructor(private readonly deps: MembershipCacheDeps) {
    this.users = new LruCache(deps.capacity ?? 10_000);
  }

  /** The user's memberships complete up to at least `position`. */
  async get(userId: string, position: number): Promise<UserMemberships> {
    const cached = this.users.get(userId);
    if (cached !== undefined && cached.position >= position) return cached;
    let next: UserMemberships | null = null;
    if (cached !== undefined) {
      const events = await this.deps.window.range(cached.position, position);
      if (events !== null) {
        let byRoom: Map<string, MembershipRow[]> | null = null;
        for (const event of events) {
          const pdu = event.pdu;
          if (pdu.type !== "m.room.member" || pdu.stateKey !== userId) continue;
          byRoom ??= new Map([...cached.byRoom].map(([roomId, rows]) => [roomId, rows.slice()]));
          let rows = byRoom.get(pdu.roomId);
          if (rows === undefined) byRoom.set(pdu.roomId, (rows = []));
          const membership = pdu.content.membership;
          rows.push({
            roomId: pdu.roomId,
            eventId: pdu.eventId,
            membership: typeof membership === "string" ? membership : "",
            sender: pdu.sender,
            streamOrdering: event.streamOrdering,
          });
        }
        next = new UserMemberships(position, byRoom ?? cached.byRoom);
      }
    }
    next ??= await this.load(userId, position);
    const latest = this.users.get(userId);
    if (latest === undefined || latest.position < next.position) this.users.set(userId, next);
    return next;
  }

  /** The rooms the user is joined to at `position` (the notifier's wake-up set). */
  async joinedRooms(userId: string, position: number): Promise<string[]> {
    return (await this.get(userId, position)).roomsWith(position, JOIN);
  }

  private async load(userId: string, position: number): Promise<UserMemberships> {
    const byRoom = new Map<string, MembershipRow[]>();
    for (const row of await this.deps.store.selectMembershipHistory(userId, position)) {
      let rows = byRoom.get(row.roomId);
      if (rows === undefined) byRoom.set(row.roomId, (rows = []));
      rows.push(row);
    }
    return new UserMemberships(position, byRoom);
  }
}

function lastAtOrBefore(rows: readonly MembershipRow[] | undefined, position: number): MembershipRow | null {
  if (rows === undefined) return null;
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    if (row.streamOrdering <= position) return row;
  }
  return null;
}
