/**
 * Which rooms a sync covers and how, from the user's membership history alone:
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3sync
 *
 * - joined at `to`: in `join`. Sent in full (state at the start of the timeline, the latest
 *   events) on an initial sync and when joined since `since` (including a leave and re-join);
 *   otherwise incrementally (events after `since`, state delta when the timeline is limited).
 * - invited / knocking at `to`: in `invite` / `knock`, on an initial sync or when it happened
 *   since `since`. "Invites to new rooms by ignored users will not be sent to the client."
 * - left or banned at `to`: in `leave` on an initial sync only with `include_leave` (and not
 *   forgotten); on an incremental sync whenever it happened since `since`, so the client sees
 *   the room go. The timeline ends at the leave; its state is a delta when the user was joined
 *   at `since`, the full state when they joined meanwhile, and nothing when they never were
 *   (a rejected invite or a retracted knock shows no room state).
 */
import type { MembershipRow } from "../../storage/stores/sync-store.js";
import type { SyncFilter } from "../filters.js";
import type { UserMemberships } from "../sync-memberships.js";

export type StateMode = "full" | "delta" | "none";

/** A room with a timeline: joined or left. */
export interface TimelinePlan {
  readonly roomId: string;
  readonly section: "join" | "leave";
  /** Timeline events are after this position (null: no lower bound, the latest ones). */
  readonly after: number | null;
  /** …and at or before this one (`to`, or the leave event). */
  readonly upTo: number;
  readonly stateMode: StateMode;
  /** `since` position, for a delta. */
  readonly since: number | null;
}

export interface RoomPlans {
  readonly timelines: TimelinePlan[];
  readonly invites: MembershipRow[];
  readonly knocks: MembershipRow[];
}

export interface PlanOptions {
  readonly filter: SyncFilter;
  readonly ignoredUsers: ReadonlySet<string>;
  /** `full_state`: every joined room's state in full. */
  readonly fullState: boolean;
  /** Rooms the user forgot (room ID → the membership event forgotten at). */
  readonly forgotten: ReadonlyMap<string, string>;
}

/** The plans of an initial sync up to `to`. */
export function planInitialSync(memberships: UserMemberships, to: number, options: PlanOptions): RoomPlans {
  const plans: RoomPlans = { timelines: [], invites: [], knocks: [] };
  for (const roomId of memberships.byRoom.keys()) {
    if (!options.filter.roomAllowed(roomId)) continue;
    const row = memberships.rowAt(roomId, to);
    if (row === null) continue;
    switch (row.membership) {
      case "join":
        plans.timelines.push({ roomId, section: "join", after: null, upTo: to, stateMode: "full", since: null });
        break;
      case "invite":
        if (!options.ignoredUsers.has(row.sender)) plans.invites.push(row);
        break;
      case "knock":
        plans.knocks.push(row);
        break;
      case "leave":
      case "ban":
        if (options.filter.includeLeave && options.forgotten.get(roomId) !== row.eventId) {
          const wasJoined = memberships.byRoom.get(roomId)!.some((r) => r.membership === "join" && r.streamOrdering < row.streamOrdering);
          plans.timelines.push({ roomId, section: "leave", after: null, upTo: row.streamOrdering, stateMode: wasJoined ? "full" : "none", since: null });
        }
        break;
    }
  }
  return plans;
}

/** The plans of an incremental sync of (from, to]. */
export function planIncrementalSync(memberships: UserMemberships, from: number, to: number, options: PlanOptions): RoomPlans {
  const plans: RoomPlans = { timelines: [], invites: [], knocks: [] };
  for (const roomId of memberships.byRoom.keys()) {
    if (!options.filter.roomAllowed(roomId)) continue;
    const row = memberships.rowAt(roomId, to);
    if (row === null) continue;
    const changes = memberships.changesIn(roomId, from, to);
    const joinedAtFrom = memberships.rowAt(roomId, from)?.membership === "join";
    switch (row.membership) {
      case "join": {
        // Still joined since `since`: only profile changes (join → join) happened, if anything.
        const stayed = joinedAtFrom && changes.every((c) => c.membership === "join");
        if (stayed) {
          plans.timelines.push({ roomId, section: "join", after: from, upTo: to, stateMode: options.fullState ? "full" : "delta", since: from });
        } else {
          plans.timelines.push({ roomId, section: "join", after: null, upTo: to, stateMode: "full", since: null });
        }
        break;
      }
      case "invite":
        if (changes.length > 0 && !options.ignoredUsers.has(row.sender)) plans.invites.push(row);
        break;
      case "knock":
        if (changes.length > 0) plans.knocks.push(row);
        break;
      case "leave":
      case "ban": {
        if (changes.length === 0) break;
        // A join that followed a membership other than join (a profile change is join → join).
        const rejoined = changes.some((c, i) => c.membership === "join" && (i === 0 ? !joinedAtFrom : changes[i - 1]!.membership !== "join"));
        const stateMode: StateMode = rejoined ? "full" : joinedAtFrom ? "delta" : "none";
        plans.timelines.push({ roomId, section: "leave", after: from, upTo: row.streamOrdering, stateMode, since: stateMode === "delta" ? from : null });
        break;
      }
    }
  }
  return plans;
}
