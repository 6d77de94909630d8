/**
 * The events of one state resolution, fetched in batches through the callbacks and then read
 * synchronously, so that sorting and comparing never wait on I/O.
 */
import type { Pdu } from "../pdu.js";
import type { RoomVersionRules } from "../room-versions.js";
import { stateMapKey, type StateMap } from "../state-map.js";
import type { StateResCallbacks } from "./types.js";

const POWER_LEVELS = "m.room.power_levels";
const CREATE = "m.room.create";

export class EventCache {
  /** null: asked for and not found. */
  private readonly events = new Map<string, Pdu | null>();
  private readonly rejected = new Set<string>();
  /** The room every event must belong to; set by the first event loaded. */
  private roomId: string | undefined;

  constructor(
    private readonly rules: RoomVersionRules,
    private readonly callbacks: StateResCallbacks,
  ) {}

  /** Fetches every event of `eventIds` not fetched yet, all at once. */
  async load(eventIds: Iterable<string>): Promise<void> {
    const missing: string[] = [];
    for (const eventId of eventIds) {
      if (this.events.has(eventId)) continue;
      this.events.set(eventId, null);
      missing.push(eventId);
    }
    if (missing.length === 0) return;
    const fetched = await Promise.all(missing.map((eventId) => this.callbacks.fetchEvent(eventId)));
    const found: string[] = [];
    for (let i = 0; i < missing.length; i++) {
      const event = fetched[i];
      if (event === undefined) continue;
      this.roomId ??= event.roomId;
      if (event.roomId !== this.roomId) {
        throw new Error(`state resolution in ${this.roomId} was given ${event.eventId} of ${event.roomId}`);
      }
      this.events.set(missing[i] as string, event);
      found.push(missing[i] as string);
    }
    if (this.callbacks.fetchRejected !== undefined && found.length > 0) {
      for (const eventId of await this.callbacks.fetchRejected(found)) this.rejected.add(eventId);
    }
  }

  /** Fetches the events and then each one's auth events (and, in v12, the create event). */
  async loadWithAuthEvents(eventIds: Iterable<string>): Promise<void> {
    const ids = [...eventIds];
    await this.load(ids);
    await this.load(this.authEventIdsOfAll(ids));
  }

  /**
   * Fetches what the mainline ordering walks: the events, and the chains of `m.room.power_levels`
   * events reached through their auth events, one batch per level.
   */
  async loadPowerLevelChains(eventIds: Iterable<string>): Promise<void> {
    const seen = new Set<string>();
    let frontier = [...eventIds];
    while (frontier.length > 0) {
      for (const eventId of frontier) seen.add(eventId);
      await this.loadWithAuthEvents(frontier);
      const next: string[] = [];
      for (const eventId of frontier) {
        const parent = this.powerLevelsAuthEvent(eventId);
        if (parent !== undefined && !seen.has(parent)) next.push(parent);
      }
      frontier = next;
    }
  }

  /** The loaded event, or undefined if it is unknown or not loaded. */
  get(eventId: string): Pdu | undefined {
    return this.events.get(eventId) ?? undefined;
  }

  /** The loaded event; throws if it is unknown or was not loaded. */
  require(eventId: string): Pdu {
    const event = this.events.get(eventId);
    if (event == null) throw new Error(`state resolution needs event ${eventId}, which is unknown`);
    return event;
  }

  isLoaded(eventId: string): boolean {
    return this.events.has(eventId);
  }

  isRejected(eventId: string): boolean {
    return this.rejected.has(eventId);
  }

  /**
   * The event's auth events, plus in room versions whose events do not cite the create event (v12)
   * the create event named by the room ID.
   */
  authEventIds(event: Pdu): readonly string[] {
    if (this.rules.authorization.createEventInAuthEvents || event.type === CREATE) return event.authEventIds;
    return [...event.authEventIds, "$" + event.roomId.slice(1)];
  }

  /** The loaded auth events of the event by state key, optionally skipping rejected ones. */
  authEventsByKey(event: Pdu, skipRejected: boolean): StateMap<Pdu> {
    const byKey: StateMap<Pdu> = new Map();
    for (const authEventId of this.authEventIds(event)) {
      const authEvent = this.get(authEventId);
      if (authEvent === undefined || authEvent.stateKey === undefined) continue;
      if (skipRejected && this.rejected.has(authEventId)) continue;
      byKey.set(stateMapKey(authEvent.type, authEvent.stateKey), authEvent);
    }
    return byKey;
  }

  /** The ID of the `m.room.power_levels` event among the loaded event's auth events. */
  powerLevelsAuthEvent(eventId: string): string | undefined {
    const event = this.get(eventId);
    if (event === undefined) return undefined;
    for (const authEventId of event.authEventIds) {
      const authEvent = this.get(authEventId);
      if (authEvent !== undefined && authEvent.type === POWER_LEVELS && authEvent.stateKey === "") return authEventId;
    }
    return undefined;
  }

  private authEventIdsOfAll(eventIds: readonly string[]): string[] {
    const ids: string[] = [];
    for (const eventId of eventIds) {
      const event = this.get(eventId);
      if (event !== undefined) for (const authEventId of this.authEventIds(event)) ids.push(authEventId);
    }
    return ids;
  }
}
