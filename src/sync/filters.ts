/**
 * A compiled sync Filter: what `/sync` (and the other filter-aware APIs) include.
 *
 * https://spec.matrix.org/v1.19/client-server-api/#filtering
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3useruseridfilter
 *
 * The room-level `rooms` / `not_rooms` are "applied before the filters in `ephemeral`, `state`,
 * `timeline` or `account_data`"; each of those sections may narrow the rooms further. Lazy
 * loading is read from the `state` section, where clients put it for `/sync` (as Synapse and
 * Dendrite read it); per-thread notification counts from the `timeline` section.
 */
import { EventFilter, passesLists, optionalSet, type FilterableEvent } from "./event-filter.js";
import { EventFields } from "./event-fields.js";
import { validateFilterJson, type EventFormat, type FilterJson } from "./filter-schema.js";
import { RoomEventFilter } from "./room-event-filter.js";

/** The room sections of a filter, named as in the spec's RoomFilter. */
export type RoomSection = "timeline" | "state" | "ephemeral" | "account_data";

export interface SyncFilterOptions {
  /** Timeline events per room when the filter names no limit (Synapse's default too). */
  readonly defaultTimelineLimit?: number;
  /** Cap on the timeline limit a client may ask for ("impose a maximum value"). */
  readonly maxTimelineLimit?: number;
}

export const DEFAULT_TIMELINE_LIMIT = 10;
export const MAX_TIMELINE_LIMIT = 100;

export class SyncFilter {
  /** The filter of a `/sync` without one. */
  static readonly DEFAULT = new SyncFilter({});

  readonly presence: EventFilter;
  readonly accountData: EventFilter;
  readonly timeline: RoomEventFilter;
  readonly state: RoomEventFilter;
  readonly ephemeral: RoomEventFilter;
  readonly roomAccountData: RoomEventFilter;
  readonly includeLeave: boolean;
  readonly eventFormat: EventFormat;
  /** Timeline events per room: the client's limit (or the default), capped at the maximum. */
  readonly timelineLimit: number;
  private readonly rooms: ReadonlySet<string> | null;
  private readonly notRooms: ReadonlySet<string> | null;
  private readonly eventFields: EventFields | null;

  /** `json` must have passed the schema; use fromJson() for what a client sent. */
  constructor(
    readonly json: FilterJson,
    options: SyncFilterOptions = {},
  ) {
    const room = json.room ?? {};
    this.presence = json.presence == null ? EventFilter.ALL : new EventFilter(json.presence);
    this.accountData = json.account_data == null ? EventFilter.ALL : new EventFilter(json.account_data);
    this.timeline = room.timeline == null ? RoomEventFilter.ALL : new RoomEventFilter(room.timeline);
    this.state = room.state == null ? RoomEventFilter.ALL : new RoomEventFilter(room.state);
    this.ephemeral = room.ephemeral == null ? RoomEventFilter.ALL : new RoomEventFilter(room.ephemeral);
    this.roomAccountData = room.account_data == null ? RoomEventFilter.ALL : new RoomEventFilter(room.account_data);
    this.rooms = optionalSet(room.rooms);
    this.notRooms = optionalSet(room.not_rooms);
    this.includeLeave = room.include_leave ?? false;
    this.eventFormat = json.event_format ?? "client";
    this.eventFields = json.event_fields == null ? null : new EventFields(json.event_fields);
    const max = options.maxTimelineLimit ?? MAX_TIMELINE_LIMIT;
    this.timelineLimit = Math.min(this.timeline.limit ?? options.defaultTimelineLimit ?? DEFAULT_TIMELINE_LIMIT, max);
  }

  /** Validates and compiles; throws MatrixError(400, M_BAD_JSON) naming the bad field. */
  static fromJson(json: unknown, options: SyncFilterOptions = {}): SyncFilter {
    return new SyncFilter(validateFilterJson(json), options);
  }

  /** Whether the room-level `rooms` / `not_rooms` let `roomId` into the response at all. */
  roomAllowed(roomId: string): boolean {
    return passesLists(roomId, this.rooms, this.notRooms);
  }

  /** Whether a room's event belongs in section `which`: room-level lists, then the section's filter. */
  matchesRoomEvent(event: FilterableEvent & { readonly room_id: string }, which: RoomSection): boolean {
    return this.roomAllowed(event.room_id) && this.section(which).matches(event);
  }

  /** Whether an `m.presence` event (`sender` is the user whose presence it is) is included. */
  matchesPresence(event: FilterableEvent): boolean {
    return this.presence.matches(event);
  }

  /** Whether a global account data event is included. */
  matchesAccountData(event: FilterableEvent): boolean {
    return this.accountData.matches(event);
  }

  section(which: RoomSection): RoomEventFilter {
    switch (which) {
      case "timeline":
        return this.timeline;
      case "state":
        return this.state;
      case "ephemeral":
        return this.ephemeral;
      case "account_data":
        return this.roomAccountData;
    }
  }

  /** Lazy-loading of membership events in `/sync` (the `state` section's `lazy_load_members`). */
  get lazyLoadMembers(): boolean {
    return this.state.lazyLoadMembers;
  }

  /** Send membership events the client already has (only with lazyLoadMembers). */
  get includeRedundantMembers(): boolean {
    return this.state.includeRedundantMembers;
  }

  get unreadThreadNotifications(): boolean {
    return this.timeline.unreadThreadNotifications;
  }

  /**
   * The event as the client asked to see it: only the `event_fields` paths, or the event itself
   * (not copied) when the filter lists none.
   */
  applyEventFields<T extends object>(event: T): Partial<T> {
    return this.eventFields === null ? event : this.eventFields.apply(event);
  }
}
