/**
 * Presence: each user's online / unavailable / offline state, status message and last active
 * time. https://spec.matrix.org/v1.19/client-server-api/#presence
 *
 * The live state is in memory; every visible change (state or status message) is written to the
 * presence table with a new presence stream position, which /sync reads. Rules:
 * - PUT /presence sets state and status message (a PUT without `status_msg` clears it) and
 *   counts as activity; setting `online` also bumps the last active time.
 * - /sync's `set_presence` (setPresenceFromSync): `online` turns an offline user online but does
 *   not override `unavailable` (set by the user, or reached by idling: only activity ends it);
 *   `unavailable` sets it; `offline` leaves presence alone. Each such sync counts as the user
 *   being connected.
 * - bumpActivity (a "pro-active event", e.g. sending a message) refreshes the last active time
 *   and brings an unavailable or offline user back online.
 * - Idle timeout: "The server will automatically set a user's presence to `unavailable` if their
 *   last active time was over a threshold value (e.g. 5 minutes)."
 * - Offline timeout: a user who has not synced or set presence for `offlineTimeoutMs` is offline
 *   (measured from the start of the last sync, so it must exceed the longest long-poll).
 *
 * Visibility: "Presence events are sent to interested parties where users share a room
 * membership." `usersSharingRoomWith` answers that; without it (until the room engine wires it),
 * users see only their own presence.
 */
import type { DataSource } from "typeorm";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { PresenceRow, PresenceState, PresenceStore } from "../../storage/stores/presence-store.js";
import { onCommit, runInTransaction } from "../../storage/transaction.js";
import type { Notifier } from "../../sync/notifier.js";
import { systemClock, type TimerClock } from "./timer-clock.js";

export type { PresenceState };

export const PRESENCE_STATES: readonly PresenceState[] = ["online", "unavailable", "offline"];

export function isPresenceState(value: unknown): value is PresenceState {
  return value === "online" || value === "unavailable" || value === "offline";
}

export interface PresenceContentJson {
  presence: PresenceState;
  last_active_ago?: number;
  status_msg?: string | null;
  currently_active?: boolean;
  displayname?: string;
  avatar_url?: string;
}

/** The `m.presence` event of /sync's `presence.events`. */
export interface PresenceEventJson {
  type: "m.presence";
  sender: string;
  content: PresenceContentJson;
}

export interface PresenceProfile {
  displayname: string | null;
  avatarUrl: string | null;
}

export interface PresenceServiceDeps {
  db: DataSource;
  store: Pick<PresenceStore, "nextStreamId" | "selectMaxStreamId" | "upsertPresence" | "selectPresence" | "selectPresenceChangedSince" | "selectNotOffline">;
  notifier: Pick<Notifier, "notify">;
  /** Every user who may see `userId`'s presence, `userId` included. Default: only `userId`. */
  usersSharingRoomWith?: (userId: string) => Promise<Iterable<string>>;
  /** Display names and avatars to put in `m.presence` content (the spec's profile propagation). */
  profiles?: (userIds: readonly string[]) => Promise<Map<string, PresenceProfile>>;
  clock?: TimerClock;
  /** Online → unavailable after this long without activity. Default 5 minutes. */
  idleTimeoutMs?: number;
  /** → offline after this long without a sync or presence update. Default 90 seconds. */
  offlineTimeoutMs?: number;
  /** How often timeouts are checked. Default 5 seconds. */
  sweepIntervalMs?: number;
}

interface LiveState {
  state: PresenceState;
  statusMsg: string | null;
  lastActiveTs: number;
  lastUserSyncTs: number;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_OFFLINE_TIMEOUT_MS = 90_000;

export class PresenceService {
  private readonly live = new Map<string, LiveState>();
  private readonly clock: TimerClock;
  private readonly idleTimeoutMs: number;
  private readonly offlineTimeoutMs: number;
  private readonly sweepIntervalMs: number;
  private position = 0;
  private sweepTimer: unknown = null;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: PresenceServiceDeps) {
    this.clock = deps.clock ?? systemClock;
    this.idleTimeoutMs = deps.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.offlineTimeoutMs = deps.offlineTimeoutMs ?? DEFAULT_OFFLINE_TIMEOUT_MS;
    this.sweepIntervalMs = deps.sweepIntervalMs ?? 5_000;
  }

  /** Loads who was online before a restart (their timeouts run again) and starts the sweeps. */
  async start(): Promise<void> {
    this.position = await this.deps.store.selectMaxStreamId();
    for (const row of await this.deps.store.selectNotOffline()) this.live.set(row.userId, liveOf(row));
    this.scheduleSweep();
  }

  /** Stops the timeout sweeps and waits for pending writes. */
  async close(): Promise<void> {
    if (this.sweepTimer !== null) this.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    await this.writes;
  }

  /** The presence stream's latest position. */
  currentPosition(): number {
    return this.position;
  }

  /** PUT /presence/{userId}/status. 400 M_INVALID_PARAM for an unknown state. */
  async setPresence(userId: string, state: unknown, statusMsg: string | null): Promise<void> {
    if (!isPresenceState(state)) throw new MatrixError(400, ErrCode.InvalidParam, `Invalid presence state: must be one of ${PRESENCE_STATES.join(", ")}`);
    const now = this.clock.now();
    const previous = this.live.get(userId) ?? (await this.stored(userId));
    await this.update(userId, previous, {
      state,
      statusMsg,
      lastActiveTs: state === "online" ? now : (previous?.lastActiveTs ?? now),
      lastUserSyncTs: now,
    });
  }

  /** /sync's `set_presence` (see the module comment). */
  async setPresenceFromSync(userId: string, state: PresenceState): Promise<void> {
    if (state === "offline") return;
    const now = this.clock.now();
    const previous = this.live.get(userId) ?? (await this.stored(userId));
    let next: PresenceState = state;
    if (state === "online" && previous !== null && previous.state === "unavailable") next = "unavailable";
    await this.update(userId, previous, {
      state: next,
      statusMsg: previous?.statusMsg ?? null,
      lastActiveTs: previous === null || previous.state === "offline" ? now : previous.lastActiveTs,
      lastUserSyncTs: now,
    });
  }

  /** A pro-active event by the user: fresh last active time, and online again if away. */
  async bumpActivity(userId: string): Promise<void> {
    const now = this.clock.now();
    const previous = this.live.get(userId) ?? (await this.stored(userId));
    await this.update(userId, previous, {
      state: "online",
      statusMsg: previous?.statusMsg ?? null,
      lastActiveTs: now,
      lastUserSyncTs: Math.max(now, previous?.lastUserSyncTs ?? now),
    });
  }

  /**
   * Sends the user's current presence again at a new position (after a profile change, so that
   * watchers see the new display name and avatar).
   */
  async touch(userId: string): Promise<void> {
    const current = this.live.get(userId) ?? (await this.stored(userId));
    if (current === null) return;
    await this.persist(userId, current);
  }

  /**
   * GET /presence/{userId}/status as `requesterId` sees it: 403 M_FORBIDDEN when the requester
   * shares no room with the user. A user without recorded presence is offline.
   */
  async getPresence(requesterId: string, userId: string): Promise<PresenceContentJson> {
    if (requesterId !== userId && !(await this.canSee(requesterId, userId))) {
      throw new MatrixError(403, ErrCode.Forbidden, "You are not allowed to see their presence.");
    }
    const state = this.live.get(userId) ?? (await this.stored(userId));
    const profiles = await this.profilesOf([userId]);
    return this.content(state, profiles.get(userId) ?? null);
  }

  /**
   * For /sync: the latest `m.presence` event of each of `userIds` whose presence changed at a
   * position in (since, upTo] (upTo defaults to the current position), oldest change first.
   */
  async getPresenceChangesSince(userIds: readonly string[], since: number, upTo: number = this.position): Promise<PresenceEventJson[]> {
    const rows = await this.deps.store.selectPresenceChangedSince(userIds, since, upTo);
    if (rows.length === 0) return [];
    const profiles = await this.profilesOf(rows.map((row) => row.userId));
    return rows.map((row) => ({
      type: "m.presence",
      sender: row.userId,
      content: this.content(this.live.get(row.userId) ?? liveOf(row), profiles.get(row.userId) ?? null),
    }));
  }

  /** Runs the timeout checks now (the sweep timer calls this). */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    const changes: Array<[string, LiveState, LiveState]> = [];
    for (const [userId, state] of this.live) {
      if (state.state === "offline") continue;
      if (now - state.lastUserSyncTs > this.offlineTimeoutMs) changes.push([userId, state, { ...state, state: "offline" }]);
      else if (state.state === "online" && now - state.lastActiveTs > this.idleTimeoutMs) changes.push([userId, state, { ...state, state: "unavailable" }]);
    }
    for (const [userId, previous, next] of changes) await this.update(userId, previous, next);
  }

  private scheduleSweep(): void {
    this.sweepTimer = this.clock.setTimeout(() => {
      void this.sweep().finally(() => {
        if (this.sweepTimer !== null) this.scheduleSweep();
      });
    }, this.sweepIntervalMs);
  }

  private async canSee(requesterId: string, userId: string): Promise<boolean> {
    for (const id of await this.watchersOf(userId)) if (id === requesterId) return true;
    return false;
  }

  private async watchersOf(userId: string): Promise<Iterable<string>> {
    return this.deps.usersSharingRoomWith ? this.deps.usersSharingRoomWith(userId) : [userId];
  }

  private async profilesOf(userIds: readonly string[]): Promise<Map<string, PresenceProfile>> {
    return this.deps.profiles ? this.deps.profiles(userIds) : new Map();
  }

  private async stored(userId: string): Promise<LiveState | null> {
    const row = await this.deps.store.selectPresence(userId);
    return row === null ? null : liveOf(row);
  }

  /** Records `next` in memory; persists and notifies when anything others see changed. */
  private async update(userId: string, previous: LiveState | null, next: LiveState): Promise<void> {
    // An offline user stays in memory until the write lands, so that reads in between do not
    // fall back to the stored row, which still holds the previous state.
    this.live.set(userId, next);
    try {
      if (previous !== null && previous.state === next.state && previous.statusMsg === next.statusMsg) return;
      await this.persist(userId, next);
    } finally {
      if (next.state === "offline" && this.live.get(userId) === next) this.live.delete(userId);
    }
  }

  /** Writes one after another, so the table always ends with the latest state of each user. */
  private persist(userId: string, state: LiveState): Promise<void> {
    const write = this.writes.then(async () => {
      const watchers = [...(await this.watchersOf(userId))];
      await runInTransaction(this.deps.db, async (tx) => {
        const streamId = await this.deps.store.nextStreamId(tx);
        await this.deps.store.upsertPresence(tx, { userId, ...state, streamId });
        onCommit(tx, () => {
          if (streamId > this.position) this.position = streamId;
          this.deps.notifier.notify("presence", streamId, { userIds: watchers });
        });
      });
    });
    this.writes = write.catch(() => undefined);
    return write;
  }

  private content(state: LiveState | null, profile: PresenceProfile | null): PresenceContentJson {
    const content: PresenceContentJson = { presence: state?.state ?? "offline" };
    if (state !== null) {
      content.last_active_ago = Math.max(0, this.clock.now() - state.lastActiveTs);
      if (state.statusMsg !== null) content.status_msg = state.statusMsg;
      content.currently_active = state.state === "online";
    }
    if (profile?.displayname != null) content.displayname = profile.displayname;
    if (profile?.avatarUrl != null) content.avatar_url = profile.avatarUrl;
    return content;
  }
}

function liveOf(row: PresenceRow): LiveState {
  return { state: row.state, statusMsg: row.statusMsg, lastActiveTs: row.lastActiveTs, lastUserSyncTs: row.lastUserSyncTs };
}
