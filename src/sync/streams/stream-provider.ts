/**
 * One provider per stream a sync token tracks (STYLE.md habit 7; Dendrite syncapi/streams,
 * Synapse's per-stream sources). A provider knows its stream's latest position and fills its
 * part of a response, for a complete (initial) sync or for the positions (from, to] of an
 * incremental one. Adding a sync source means adding a provider, never a branch in the handler.
 *
 * The room (pdu) provider runs first: it decides which rooms the response covers and records
 * them in `SyncContext.rooms`, which the providers of room-scoped data (typing, receipts, room
 * account data) read.
 */
import type { SetPresence } from "../../matrix/endpoints/client/sync.js";
import type { SyncFilter } from "../filters.js";
import type { StreamName, StreamToken } from "../stream-token.js";
import type { UserMemberships } from "../sync-memberships.js";
import type { SyncResult } from "../sync-result.js";

/** What the client asked for (the query of /sync, or of a WebSocket connection). */
export interface SyncRequest {
  readonly userId: string;
  readonly deviceId: string | null;
  readonly filter: SyncFilter;
  /** null: an initial sync. */
  readonly since: StreamToken | null;
  readonly fullState: boolean;
  readonly useStateAfter: boolean;
  /** `set_presence`; default online. */
  readonly setPresence?: SetPresence;
}

/** The rooms a response covers, decided by the room provider. */
export interface SyncRooms {
  /** Rooms the user is joined to at `to` that the filter lets through. */
  readonly joined: readonly string[];
  /** Among them, rooms joined since `since` (all of them on an initial sync): sent in full. */
  readonly newlyJoined: ReadonlySet<string>;
  /** Rooms in the response's `leave` section. */
  readonly left: readonly string[];
}

export interface SyncContext {
  readonly request: SyncRequest;
  /** The positions this response covers up to (its `next_batch`). */
  readonly to: StreamToken;
  readonly result: SyncResult;
  /** The user's memberships, complete up to `to.pdu`. */
  readonly memberships: UserMemberships;
  /** Users whose events (but state events) and invites the user does not want. */
  readonly ignoredUsers: ReadonlySet<string>;
  /** Wall-clock time of the request (for `unsigned.age`). */
  readonly now: number;
  /** Set by the room provider, read by the others. */
  rooms: SyncRooms;
}

export interface StreamProvider {
  readonly stream: StreamName;
  /** The stream's latest position that readers may see (everything up to it is committed). */
  latestPosition(): number;
  /** An initial sync (or `full_state` for streams that resend everything): all up to `ctx.to`. */
  completeSync(ctx: SyncContext): Promise<void>;
  /**
   * An incremental sync of the positions (from, to]. Called even when from == to, since rooms
   * newly joined through another stream may need this stream's data in full.
   */
  incrementalSync(ctx: SyncContext, from: number, to: number): Promise<void>;
}
