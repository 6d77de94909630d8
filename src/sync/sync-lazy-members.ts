/**
 * Which membership events each device has been sent, for lazy-loading members without
 * redundancy. https://spec.matrix.org/v1.19/client-server-api/#lazy-loading-room-members
 *
 * "the server MAY assume that clients will remember membership events they have already been
 * sent, and choose to skip sending membership events for members whose membership has not
 * changed." Remembered per (user, device) and room, bounded; an initial sync starts the device
 * afresh. Forgetting is always safe: it only makes the server send a member event again.
 */
import { LruCache } from "../storage/lru-cache.js";

/** Members remembered per room, and rooms per device, before the oldest are forgotten. */
const MEMBERS_PER_ROOM = 1_000;

export class LazyMemberCache {
  private readonly devices: LruCache<string, LruCache<string, Map<string, string>>>;

  constructor(
    capacity = 10_000,
    private readonly roomsPerDevice = 1_000,
  ) {
    this.devices = new LruCache(capacity);
  }

  /** Forgets everything sent to the device (an initial sync). */
  reset(userId: string, deviceId: string | null): void {
    this.devices.delete(deviceKey(userId, deviceId));
  }

  /** Whether the device was last sent `eventId` as `member`'s membership in the room. */
  wasSent(userId: string, deviceId: string | null, roomId: string, member: string, eventId: string): boolean {
    return this.devices.get(deviceKey(userId, deviceId))?.get(roomId)?.get(member) === eventId;
  }

  /** Records that the device now has `eventId` as `member`'s membership in the room. */
  markSent(userId: string, deviceId: string | null, roomId: string, member: string, eventId: string): void {
    const key = deviceKey(userId, deviceId);
    let rooms = this.devices.get(key);
    if (rooms === undefined) this.devices.set(key, (rooms = new LruCache(this.roomsPerDevice)));
    let members = rooms.get(roomId);
    if (members === undefined) rooms.set(roomId, (members = new Map()));
    members.delete(member);
    members.set(member, eventId);
    if (members.size > MEMBERS_PER_ROOM) members.delete(members.keys().next().value!);
  }
}

function deviceKey(userId: string, deviceId: string | null): string {
  return `${userId}\u0000${deviceId ?? ""}`;
}
