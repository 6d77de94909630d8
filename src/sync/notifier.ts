/**
 * The one notifier (DESIGN.md): writers tell it "stream S reached position P for these rooms /
 * users" after their transaction commits, and it wakes the `/sync` long-polls those concern.
 * It carries positions only, never data (habit 7): a woken sync reads what changed from storage.
 *
 * Cost: notify() touches only the waiters registered under the notified room and user IDs, and
 * a waiter costs one timer plus one set entry per room of its user. Waiters leave every index
 * when they resolve, time out or are aborted, so memory follows the number of open long-polls.
 *
 * Listeners of the typed `notify` event (federation sender, push, the Redis bridge) see every
 * notification, with its origin: "local" for this process's writers, "remote" for ones relayed
 * from another process (RedisNotifierBridge).
 */
import { EventEmitter } from "node:events";
import { LastPositions } from "./last-positions.js";
import { STREAM_INDEX, StreamToken, isStreamName, type StreamName } from "./stream-token.js";

/** Whom a notification concerns. */
export interface NotifyTargets {
  /** Rooms whose members care: new room events, typing, receipts. */
  readonly roomIds?: readonly string[];
  /**
   * Users who care directly: to-device messages, account data, device lists, invites. A
   * membership change must also name its target user here, so a user who has just joined,
   * been invited to or left a room is woken although the room is not yet (or no longer) among
   * the rooms their waiter registered.
   */
  readonly userIds?: readonly string[];
}

export type NotifyOrigin = "local" | "remote";

export type NotifierEvents = {
  notify: [stream: StreamName, position: number, targets: NotifyTargets, origin: NotifyOrigin];
};

export interface WaitForUpdateOptions {
  readonly userId: string;
  /** The rooms whose updates concern this user (their joined rooms); read once, at registration. */
  readonly roomIds: () => ReadonlySet<string> | readonly string[];
  /** The token the caller has already sent everything up to. */
  readonly since: StreamToken;
  readonly timeoutMs: number;
  /** Aborting resolves the wait with null at once (the client went away). */
  readonly signal?: AbortSignal;
}

export interface NotifierOptions {
  /** Rooms and users (each) whose latest positions are remembered exactly; default 100,000. */
  readonly maxTrackedKeys?: number;
}

/** setTimeout's limit; a longer delay would fire after 1 ms. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface Waiter {
  readonly userId: string;
  readonly roomIds: readonly string[];
  readonly since: readonly number[];
  readonly resolve: (value: StreamToken | null) => void;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class Notifier extends EventEmitter<NotifierEvents> {
  private readonly current: number[];
  private currentCache: StreamToken | null;
  private readonly roomPositions: LastPositions;
  private readonly userPositions: LastPositions;
  private readonly waitersByRoom = new Map<string, Set<Waiter>>();
  private readonly waitersByUser = new Map<string, Set<Waiter>>();
  private waiters = 0;

  /** `initial`: the current positions at start-up, read from storage. */
  constructor(initial: StreamToken = StreamToken.ZERO, options: NotifierOptions = {}) {
    super();
    const capacity = options.maxTrackedKeys ?? 100_000;
    this.current = initial.toArray();
    this.currentCache = initial;
    this.roomPositions = new LastPositions(this.current, capacity);
    this.userPositions = new LastPositions(this.current, capacity);
  }

  /** The latest position of every stream this notifier has heard of. */
  currentToken(): StreamToken {
    return (this.currentCache ??= StreamToken.fromArray(this.current));
  }

  /** Number of pending waitForUpdate() calls. */
  get waiterCount(): number {
    return this.waiters;
  }

  /** Room and user IDs with waiters registered under them (for tests and metrics). */
  get indexedKeyCount(): number {
    return this.waitersByRoom.size + this.waitersByUser.size;
  }

  /**
   * Stream `stream` has reached `position` for `targets` (call after the write has committed).
   * Wakes every waiter of those rooms and users whose `since` is behind `position` on `stream`.
   */
  notify(stream: StreamName, position: number, targets: NotifyTargets = {}, origin: NotifyOrigin = "local"): void {
    if (!isStreamName(stream)) throw new RangeError(`Unknown stream ${String(stream)}`);
    const index = STREAM_INDEX[stream];
    if (!Number.isSafeInteger(position) || position < 0) {
      throw new RangeError(`Stream position must be a non-negative safe integer, got ${position}`);
    }
    if (position > (this.current[index] as number)) {
      this.current[index] = position;
      this.currentCache = null;
    }
    const { roomIds, userIds } = targets;
    if (roomIds !== undefined) {
      for (const roomId of roomIds) {
        this.roomPositions.bump(roomId, index, position);
        this.wake(this.waitersByRoom.get(roomId), index, position);
      }
    }
    if (userIds !== undefined) {
      for (const userId of userIds) {
        this.userPositions.bump(userId, index, position);
        this.wake(this.waitersByUser.get(userId), index, position);
      }
    }
    this.emit("notify", stream, position, targets, origin);
  }

  /**
   * Resolves with the current token as soon as something concerning `userId` (an update in one
   * of `roomIds()`, or one addressed to the user) is newer than `since`, at once if that is
   * already so; resolves with null after `timeoutMs` or when `signal` aborts.
   *
   * A wake-up says "look again", not "there is something for you": forgotten keys (see
   * LastPositions) and filters can make it spurious. Callers compute their response up to the
   * returned token and, if it is empty, wait again with that token as `since`.
   */
  waitForUpdate(options: WaitForUpdateOptions): Promise<StreamToken | null> {
    const { userId, since: sinceToken, timeoutMs, signal } = options;
    if (signal?.aborted === true) return Promise.resolve(null);
    const since = sinceToken.toArray();
    const roomIds = Array.from(options.roomIds());
    if (this.hasUpdate(userId, roomIds, since)) return Promise.resolve(this.currentToken());
    if (!(timeoutMs > 0)) return Promise.resolve(null);

    return new Promise<StreamToken | null>((resolve) => {
      const waiter: Waiter = { userId, roomIds, since, resolve, timer: undefined, signal: undefined, onAbort: undefined };
      this.waiters++;
      addToIndex(this.waitersByUser, userId, waiter);
      for (const roomId of roomIds) addToIndex(this.waitersByRoom, roomId, waiter);
      waiter.timer = setTimeout(() => this.settle(waiter, null), Math.min(timeoutMs, MAX_TIMEOUT_MS));
      if (signal !== undefined) {
        waiter.signal = signal;
        waiter.onAbort = () => this.settle(waiter, null);
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
    });
  }

  /**
   * Whether something concerning `userId` (in one of `roomIds` or addressed to the user) may be
   * newer than `since`: the check a wait starts with. False means a batch from `since` would be
   * empty; true may be spurious (see waitForUpdate).
   */
  mayHaveUpdate(userId: string, roomIds: Iterable<string>, since: StreamToken): boolean {
    return this.hasUpdate(userId, Array.from(roomIds), since.toArray());
  }

  /** Resolves every pending wait with null (shutdown). */
  close(): void {
    for (const set of Array.from(this.waitersByUser.values())) {
      for (const waiter of Array.from(set)) this.settle(waiter, null);
    }
  }

  private hasUpdate(userId: string, roomIds: readonly string[], since: readonly number[]): boolean {
    if (this.userPositions.isAfter(userId, since)) return true;
    for (const roomId of roomIds) {
      if (this.roomPositions.isAfter(roomId, since)) return true;
    }
    return false;
  }

  private wake(waiters: Set<Waiter> | undefined, index: number, position: number): void {
    if (waiters === undefined) return;
    // settle() deletes from this set while we iterate it; Set iteration allows that.
    for (const waiter of waiters) {
      if (position > (waiter.since[index] as number)) this.settle(waiter, this.currentToken());
    }
  }

  /** Resolves a waiter once and removes every trace of it. */
  private settle(waiter: Waiter, value: StreamToken | null): void {
    if (!removeFromIndex(this.waitersByUser, waiter.userId, waiter)) return; // already settled
    for (const roomId of waiter.roomIds) removeFromIndex(this.waitersByRoom, roomId, waiter);
    this.waiters--;
    clearTimeout(waiter.timer);
    if (waiter.signal !== undefined && waiter.onAbort !== undefined) {
      waiter.signal.removeEventListener("abort", waiter.onAbort);
    }
    waiter.resolve(value);
  }
}

function addToIndex(index: Map<string, Set<Waiter>>, key: string, waiter: Waiter): void {
  let set = index.get(key);
  if (set === undefined) {
    set = new Set();
    index.set(key, set);
  }
  set.add(waiter);
}

function removeFromIndex(index: Map<string, Set<Waiter>>, key: string, waiter: Waiter): boolean {
  const set = index.get(key);
  if (set === undefined || !set.delete(waiter)) return false;
  if (set.size === 0) index.delete(key);
  return true;
}
