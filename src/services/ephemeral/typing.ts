/**
 * Typing notifications: who is typing in which room, in memory only, with an expiry timer per
 * typist. https://spec.matrix.org/v1.19/client-server-api/#typing-notifications
 *
 * > When a client receives an `m.typing` event, it MUST use the user ID list to **REPLACE** its
 * > knowledge of every user who is currently typing.
 *
 * So each room keeps the position of its last change, and a sync since an older position gets
 * the room's whole current list (possibly empty, which clears the client's). Refreshing the
 * timeout of someone already typing changes nothing anyone sees and takes no new position.
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { Notifier } from "../../sync/notifier.js";
import type { ReservedPositions } from "./reserved-positions.js";
import { systemClock, type TimerClock } from "./timer-clock.js";

export interface TypingServiceDeps {
  /** Whether the user is joined to the room now (typing is refused otherwise). */
  isJoined(userId: string, roomId: string): Promise<boolean>;
  notifier: Pick<Notifier, "notify">;
  positions: Pick<ReservedPositions, "current" | "next">;
  clock?: TimerClock;
  /** Longest typing timeout honoured; longer ones are cut to it. Default 2 minutes. */
  maxTimeoutMs?: number;
}

/** The `m.typing` EDU as /sync sends it in a room's `ephemeral` events. */
export interface TypingEventJson {
  type: "m.typing";
  content: { user_ids: string[] };
}

interface RoomTyping {
  /** Typist → expiry timer handle. */
  readonly typists: Map<string, unknown>;
  /** Position of the room's last change. */
  position: number;
}

export const DEFAULT_MAX_TYPING_TIMEOUT_MS = 120_000;

export class TypingService {
  private readonly rooms = new Map<string, RoomTyping>();
  private readonly clock: TimerClock;
  private readonly maxTimeoutMs: number;
  /** Changes are applied in order, so positions follow the order of the changes. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: TypingServiceDeps) {
    this.clock = deps.clock ?? systemClock;
    this.maxTimeoutMs = deps.maxTimeoutMs ?? DEFAULT_MAX_TYPING_TIMEOUT_MS;
  }

  /** The typing stream's latest position. */
  currentPosition(): number {
    return this.deps.positions.current();
  }

  /**
   * PUT /rooms/{roomId}/typing/{userId}: `userId` starts typing for `timeoutMs`, or stops.
   * 403 M_FORBIDDEN when the user is not joined to the room.
   */
  async setTyping(userId: string, roomId: string, typing: boolean, timeoutMs: number): Promise<void> {
    if (!(await this.deps.isJoined(userId, roomId))) {
      throw new MatrixError(403, ErrCode.Forbidden, "You are not joined to this room.");
    }
    if (typing) await this.enqueue(() => this.start(userId, roomId, Math.min(Math.max(0, timeoutMs), this.maxTimeoutMs)));
    else await this.enqueue(() => this.stop(userId, roomId));
  }

  /** Whether the user is currently typing in the room. */
  isTyping(userId: string, roomId: string): boolean {
    return this.rooms.get(roomId)?.typists.has(userId) ?? false;
  }

  /**
   * For /sync: the `m.typing` event of each of `roomIds` whose typing list changed after `since`
   * (the whole current list, per the spec's replace semantics). Rooms without changes are absent.
   */
  getTypingForRooms(roomIds: Iterable<string>, since: number): Map<string, TypingEventJson> {
    const out = new Map<string, TypingEventJson>();
    for (const roomId of roomIds) {
      const room = this.rooms.get(roomId);
      if (room === undefined || room.position <= since) continue;
      out.set(roomId, { type: "m.typing", content: { user_ids: [...room.typists.keys()] } });
    }
    return out;
  }

  /** Cancels every expiry timer (shutdown). */
  close(): void {
    for (const room of this.rooms.values()) {
      for (const timer of room.typists.values()) this.clock.clearTimeout(timer);
      room.typists.clear();
    }
  }

  private enqueue(change: () => Promise<void>): Promise<void> {
    const run = this.queue.then(change);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async start(userId: string, roomId: string, timeoutMs: number): Promise<void> {
    let room = this.rooms.get(roomId);
    if (room === undefined) {
      room = { typists: new Map(), position: 0 };
      this.rooms.set(roomId, room);
    }
    const previous = room.typists.get(userId);
    if (previous !== undefined) this.clock.clearTimeout(previous);
    room.typists.set(userId, this.clock.setTimeout(() => void this.enqueue(() => this.stop(userId, roomId)), timeoutMs));
    if (previous === undefined) await this.changed(roomId, room);
  }

  private async stop(userId: string, roomId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    const timer = room?.typists.get(userId);
    if (room === undefined || timer === undefined) return;
    this.clock.clearTimeout(timer);
    room.typists.delete(userId);
    await this.changed(roomId, room);
  }

  private async changed(roomId: string, room: RoomTyping): Promise<void> {
    const position = await this.deps.positions.next();
    room.position = position;
    this.deps.notifier.notify("typing", position, { roomIds: [roomId] });
  }
}
