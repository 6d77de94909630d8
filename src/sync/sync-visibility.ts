/**
 * History visibility of timeline events for the syncing user.
 * https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-7 ("Room History Visibility")
 *
 * "The rules governing whether a user is allowed to see an event depend on the state of the room
 * at that event.
 *  1. If the history_visibility was set to world_readable, allow.
 *  2. If the user's membership was join, allow.
 *  3. If history_visibility was set to shared, and the user joined the room at any point after
 *     the event was sent, allow.
 *  4. If the user's membership was invite, and the history_visibility was set to invited, allow.
 *  5. Otherwise, deny."
 * "For m.room.history_visibility events themselves, the user should be allowed to see the event
 * if the history_visibility before or after the event would allow them to see it", and likewise
 * for the user's own m.room.member events with the membership before or after. As Synapse does,
 * the user's own membership events are always shown, so that a room they were never joined to
 * (a rejected invite, a retracted knock) visibly leaves their client.
 *
 * The membership "at the event" includes the event's own change (as `unsigned.membership` does).
 * The history visibility at each event is tracked by the caller through the timeline, starting
 * from the state before it (linear history; forks are resolved into that state).
 */
import type { MembershipRow } from "../storage/stores/sync-store.js";

export type HistoryVisibility = "world_readable" | "shared" | "invited" | "joined";

/** "By default if no history_visibility is set, or if the value is not understood, the visibility is assumed to be shared." */
export function historyVisibilityOf(content: unknown): HistoryVisibility {
  const value = typeof content === "object" && content !== null ? (content as { history_visibility?: unknown }).history_visibility : undefined;
  return value === "world_readable" || value === "invited" || value === "joined" ? value : "shared";
}

/** A user's membership rows in one room, oldest first, and the questions visibility asks of them. */
export class RoomMembershipHistory {
  private readonly lastJoin: number;

  constructor(private readonly rows: readonly MembershipRow[]) {
    let lastJoin = -Infinity;
    for (const row of rows) if (row.membership === "join" && row.streamOrdering > lastJoin) lastJoin = row.streamOrdering;
    this.lastJoin = lastJoin;
  }

  /** The membership in effect at `position` (the event at `position` included); "leave" before any. */
  at(position: number): string {
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const row = this.rows[i]!;
      if (row.streamOrdering <= position) return row.membership;
    }
    return "leave";
  }

  /** The membership just before `position`. */
  before(position: number): string {
    return this.at(position - 1);
  }

  /** Whether the user joined at or after `position`. */
  joinedSince(position: number): boolean {
    return this.lastJoin >= position;
  }

  /** Whether any membership change happened in (from, to]. */
  changedIn(from: number, to: number): boolean {
    for (const row of this.rows) if (row.streamOrdering > from && row.streamOrdering <= to) return true;
    return false;
  }
}

/** Rules 1–5 for one membership and one history visibility. */
function allowedWith(visibility: HistoryVisibility, membership: string, history: RoomMembershipHistory, position: number): boolean {
  if (visibility === "world_readable") return true;
  if (membership === "join") return true;
  if (visibility === "shared" && history.joinedSince(position)) return true;
  return visibility === "invited" && membership === "invite";
}

export interface VisibilityEvent {
  readonly type: string;
  readonly stateKey: string | undefined;
  readonly streamOrdering: number;
}

/**
 * Whether `userId` may see `event`. `before`/`after`: the history visibility in effect before
 * and after the event (they differ only for m.room.history_visibility events).
 */
export function isEventVisible(
  event: VisibilityEvent,
  userId: string,
  history: RoomMembershipHistory,
  before: HistoryVisibility,
  after: HistoryVisibility,
): boolean {
  const position = event.streamOrdering;
  if (event.type === "m.room.member" && event.stateKey === userId) return true;
  const membership = history.at(position);
  if (allowedWith(after, membership, history, position)) return true;
  return before !== after && allowedWith(before, membership, history, position);
}
