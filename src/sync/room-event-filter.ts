/**
 * A compiled RoomEventFilter: an EventFilter plus room lists, `contains_url` and the
 * lazy-loading switches. Used for each room section of a sync filter and, on its own, as the
 * `filter` of `/rooms/{roomId}/messages` and `/context`.
 *
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3useruseridfilter_request_roomeventfilter
 */
import { EventFilter, optionalSet, passesLists, type FilterableEvent } from "./event-filter.js";
import { validateRoomEventFilterJson, type RoomEventFilterJson } from "./filter-schema.js";

export class RoomEventFilter extends EventFilter {
  static override readonly ALL = new RoomEventFilter({});

  private readonly rooms: ReadonlySet<string> | null;
  private readonly notRooms: ReadonlySet<string> | null;
  /** true: only events whose content has a `url` key; false: only those without; null: either. */
  readonly containsUrl: boolean | null;
  readonly lazyLoadMembers: boolean;
  /** Meaningful only with lazyLoadMembers ("Does not apply unless lazy_load_members is true"). */
  readonly includeRedundantMembers: boolean;
  readonly unreadThreadNotifications: boolean;

  /** `json` must have passed the filter schema; see fromJson() for unchecked input. */
  constructor(json: RoomEventFilterJson) {
    super(json);
    this.rooms = optionalSet(json.rooms);
    this.notRooms = optionalSet(json.not_rooms);
    this.containsUrl = json.contains_url ?? null;
    this.lazyLoadMembers = json.lazy_load_members ?? false;
    this.includeRedundantMembers = this.lazyLoadMembers && (json.include_redundant_members ?? false);
    this.unreadThreadNotifications = json.unread_thread_notifications ?? false;
  }

  /** Validates and compiles; throws MatrixError(400, M_BAD_JSON) naming the bad field. */
  static fromJson(json: unknown): RoomEventFilter {
    return new RoomEventFilter(validateRoomEventFilterJson(json));
  }

  /** Whether this filter's `rooms` / `not_rooms` let `roomId` through (exclusion wins). */
  roomAllowed(roomId: string): boolean {
    return passesLists(roomId, this.rooms, this.notRooms);
  }

  /** Type, sender, room and `contains_url` rules together. */
  override matches(event: FilterableEvent): boolean {
    if (!super.matches(event)) return false;
    if ((this.rooms !== null || this.notRooms !== null) && !passesLists(event.room_id, this.rooms, this.notRooms)) {
      return false;
    }
    if (this.containsUrl !== null && this.containsUrl !== hasUrl(event.content)) return false;
    return true;
  }
}

/** "includes only events with a `url` key in their content" */
function hasUrl(content: unknown): boolean {
  return typeof content === "object" && content !== null && Object.hasOwn(content, "url");
}
