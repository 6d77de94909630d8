/**
 * A /sync response under construction: the stream providers fill their sections, then the
 * handler checks whether there is anything to send (a long-poll waits on while there is not)
 * and turns it into the wire JSON with its `next_batch`.
 */
import type {
  BasicEventJson,
  DeviceListsJson,
  InvitedRoomJson,
  JoinedRoomJson,
  KnockedRoomJson,
  LeftRoomJson,
  SyncResponseJson,
} from "../matrix/endpoints/client/sync.js";
import type { StreamToken } from "./stream-token.js";

export class SyncResult {
  readonly join = new Map<string, JoinedRoomJson>();
  readonly invite = new Map<string, InvitedRoomJson>();
  readonly leave = new Map<string, LeftRoomJson>();
  readonly knock = new Map<string, KnockedRoomJson>();
  readonly presence: BasicEventJson[] = [];
  readonly accountData: BasicEventJson[] = [];
  readonly toDevice: BasicEventJson[] = [];
  readonly deviceLists: DeviceListsJson = { changed: [], left: [] };
  /**
   * Joined rooms sent even when nothing in them changed: every joined room of an initial sync,
   * and rooms the user has just joined.
   */
  private readonly alwaysSent = new Set<string>();

  /** `useStateAfter`: rooms carry `state_after` instead of `state` (the request's `use_state_after`). */
  constructor(private readonly useStateAfter = false) {}

  /** The joined room's entry, created with empty sections on first use. */
  joinedRoom(roomId: string): JoinedRoomJson {
    let room = this.join.get(roomId);
    if (room === undefined) {
      room = {
        summary: {},
        timeline: { events: [], limited: false },
        ...(this.useStateAfter ? { state_after: { events: [] } } : { state: { events: [] } }),
        ephemeral: { events: [] },
        account_data: { events: [] },
        unread_notifications: { highlight_count: 0, notification_count: 0 },
      };
      this.join.set(roomId, room);
    }
    return room;
  }

  /** Marks a joined room as part of the response whatever its sections hold. */
  keepJoinedRoom(roomId: string): void {
    this.alwaysSent.add(roomId);
  }

  /** The joined rooms the response sends (toJson's `join`). */
  sentJoinedRoomIds(): string[] {
    const out: string[] = [];
    for (const roomId of this.join.keys()) if (this.isJoinedRoomSent(roomId)) out.push(roomId);
    return out;
  }

  /** Whether there is anything at all to tell the client. */
  isEmpty(): boolean {
    if (this.invite.size > 0 || this.leave.size > 0 || this.knock.size > 0) return false;
    if (this.presence.length > 0 || this.accountData.length > 0 || this.toDevice.length > 0) return false;
    if (this.deviceLists.changed.length > 0 || this.deviceLists.left.length > 0) return false;
    for (const roomId of this.join.keys()) if (this.isJoinedRoomSent(roomId)) return false;
    return true;
  }

  toJson(nextBatch: StreamToken): SyncResponseJson {
    const join: Record<string, JoinedRoomJson> = {};
    for (const [roomId, room] of this.join) if (this.isJoinedRoomSent(roomId)) join[roomId] = room;
    return {
      next_batch: nextBatch.toString(),
      rooms: {
        join,
        invite: Object.fromEntries(this.invite),
        leave: Object.fromEntries(this.leave),
        knock: Object.fromEntries(this.knock),
      },
      presence: { events: this.presence },
      account_data: { events: this.accountData },
      to_device: { events: this.toDevice },
      device_lists: this.deviceLists,
    };
  }

  /** An incremental sync leaves out joined rooms where nothing changed. */
  private isJoinedRoomSent(roomId: string): boolean {
    if (this.alwaysSent.has(roomId)) return true;
    const room = this.join.get(roomId)!;
    return (
      (room.timeline?.events.length ?? 0) > 0 ||
      (room.state?.events.length ?? 0) > 0 ||
      (room.state_after?.events.length ?? 0) > 0 ||
      (room.ephemeral?.events.length ?? 0) > 0 ||
      (room.account_data?.events.length ?? 0) > 0
    );
  }
}
