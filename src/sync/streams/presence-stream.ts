/**
 * Presence: the top-level `presence` events.
 * https://spec.matrix.org/v1.19/client-server-api/#presence
 *
 * "Presence events are sent to interested parties where users share a room membership": the
 * latest presence of each user joined to one of the user's joined rooms (the user included),
 * changed at positions in (from, to]; everything on an initial sync, and everything of the
 * members of rooms joined since `since`. Ignored users' presence is left out.
 */
import type { SyncStore } from "../../storage/stores/sync-store.js";
import type { StreamProvider, SyncContext } from "./stream-provider.js";

/** The presence service as this provider reads it. */
export interface PresenceSource {
  currentPosition(): number;
  /** The latest `m.presence` event of each of `userIds` changed at a position in (since, upTo]. */
  getPresenceChangesSince(userIds: readonly string[], since: number, upTo?: number): Promise<Array<{ type: "m.presence"; sender: string; content: object }>>;
}

export class PresenceStreamProvider implements StreamProvider {
  readonly stream = "presence" as const;

  constructor(
    private readonly source: PresenceSource,
    private readonly store: Pick<SyncStore, "selectJoinedUsersOfRooms">,
  ) {}

  latestPosition(): number {
    return this.source.currentPosition();
  }

  async completeSync(ctx: SyncContext): Promise<void> {
    await this.add(ctx, ctx.rooms.joined, 0, ctx.to.presence);
  }

  async incrementalSync(ctx: SyncContext, from: number, to: number): Promise<void> {
    const { joined, newlyJoined } = ctx.rooms;
    if (newlyJoined.size > 0) {
      // Members of the new rooms may be new to the client: their current presence.
      await this.add(ctx, [...newlyJoined], 0, to);
    }
    if (from < to) await this.add(ctx, joined, from, to, ctx.result.presence.length > 0 ? new Set(ctx.result.presence.map((e) => e.sender!)) : null);
  }

  private async add(ctx: SyncContext, roomIds: readonly string[], since: number, upTo: number, already: ReadonlySet<string> | null = null): Promise<void> {
    const { filter, userId } = ctx.request;
    if (!filter.presence.matchesType("m.presence")) return;
    const users = new Set(await this.store.selectJoinedUsersOfRooms(roomIds));
    users.add(userId);
    for (const ignored of ctx.ignoredUsers) users.delete(ignored);
    for (const event of await this.source.getPresenceChangesSince([...users], since, upTo)) {
      if (already?.has(event.sender) || !filter.matchesPresence(event)) continue;
      ctx.result.presence.push({ type: event.type, sender: event.sender, content: event.content as Record<string, unknown> });
    }
  }
}
