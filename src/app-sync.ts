/**
 * Part of the composition root (app.ts): the sync module (long-poll /sync and the WebSocket
 * transport) over the notifier, the database and the services whose data /sync delivers.
 *
 * Room reads need only the state store and room versions, so /sync serves rooms whoever writes
 * them; the room engine passes its own state store (to share the cache of state maps) and the
 * verbs the WebSocket's `send` and `state` methods call.
 */
import type { SyncDeps } from "./api/client/sync.js";
import type { Requester } from "./matrix/endpoints/types.js";
import { getRoomVersion, type RoomVersionRules } from "./room/room-versions.js";
import type { HearthDataSource } from "./storage/data-source.js";
import { CurrentStateStore } from "./storage/stores/current-state-store.js";
import { EventsStore } from "./storage/stores/events-store.js";
import { RoomsStore } from "./storage/stores/rooms-store.js";
import { StateStore } from "./storage/stores/state-store.js";
import { SyncStore } from "./storage/stores/sync-store.js";
import type { Notifier } from "./sync/notifier.js";
import { createSyncComponents, type CommittedSyncEvent, type SyncComponents, type SyncComponentsDeps } from "./sync/sync-components.js";
import type { UnreadCountsSource } from "./sync/sync-unread-counts.js";
import type { StreamMethodServices } from "./sync/websocket-methods.js";
import { WebSocketSync, type WebSocketSyncOptions } from "./sync/websocket-sync.js";
import type { UserDataServices } from "./app-user-data.js";
import type { Logger } from "./util/logger.js";

/** What the room engine contributes (all optional until it is wired). */
export interface SyncRoomEngine {
  stateStore?: SyncComponentsDeps["stateStore"];
  roomVersion?: (roomId: string) => Promise<RoomVersionRules | null>;
  forgottenRooms?: SyncComponentsDeps["forgottenRooms"];
  aggregations?: SyncComponentsDeps["aggregations"];
  /** The writer's committed events, taken into sync's caches as they commit (see rememberCommitted). */
  committedEvents?: { onCommitted(listener: (events: readonly CommittedSyncEvent[]) => void): unknown };
  /** `send` and `state` of the WebSocket protocol. */
  sendMessage?: StreamMethodServices["sendMessage"];
  sendStateEvent?: StreamMethodServices["sendStateEvent"];
}

export interface SyncServicesDeps {
  db: HearthDataSource;
  notifier: Notifier;
  userData: UserDataServices;
  authenticate(accessToken: string, ip: string): Promise<Requester>;
  rooms?: SyncRoomEngine;
  /** Unread notification counts (push). */
  unreadCounts?: UnreadCountsSource;
  logger?: Logger;
  websocket?: WebSocketSyncOptions;
}

export interface SyncServices {
  readonly components: SyncComponents;
  /** What the /sync route needs. */
  readonly routes: SyncDeps;
  readonly websocket: WebSocketSync;
}

/** The pdu position to start the notifier at: every event stored so far is announced. */
export async function readSyncStartPosition(db: HearthDataSource): Promise<number> {
  return new EventsStore(db).selectMaxStreamOrdering();
}

/**
 * Who shares a room with a user (the user included): the audience of their presence, which
 * /sync's presence stream reads and whose syncs a presence change wakes.
 */
export function usersSharingRoomWith(db: HearthDataSource): (userId: string) => Promise<Iterable<string>> {
  const currentState = new CurrentStateStore(db);
  const sync = new SyncStore(db);
  return async (userId) => {
    const rooms = await currentState.selectRoomsForUser(userId, ["join"]);
    const users = new Set(await sync.selectJoinedUsersOfRooms(rooms.map((room) => room.roomId)));
    users.add(userId);
    return users;
  };
}

export function buildSyncServices(deps: SyncServicesDeps): SyncServices {
  const { db, userData } = deps;
  const rooms = deps.rooms ?? {};
  const roomsStore = new RoomsStore(db);
  const roomVersion =
    rooms.roomVersion ??
    (async (roomId: string) => {
      const room = await roomsStore.selectRoom(roomId);
      return room === null ? null : getRoomVersion(room.roomVersion);
    });
  const components = createSyncComponents({
    db,
    notifier: deps.notifier,
    stateStore: rooms.stateStore ?? new StateStore(db),
    roomVersion,
    filters: userData.filters,
    typing: userData.typing,
    receipts: userData.receipts,
    accountData: userData.accountData,
    presence: userData.presence,
    forgottenRooms: rooms.forgottenRooms,
    aggregations: rooms.aggregations,
    unreadCounts: deps.unreadCounts,
  });
  rooms.committedEvents?.onCommitted((events) => components.rememberCommitted(events));
  const websocket = new WebSocketSync({
    handler: components.handler,
    parser: components.parser,
    authenticate: deps.authenticate,
    methods: {
      sendMessage: rooms.sendMessage,
      sendStateEvent: rooms.sendStateEvent,
      setTyping: (userId, roomId, typing, timeoutMs) => userData.typing.setTyping(userId, roomId, typing, timeoutMs),
      setReadMarkers: (userId, roomId, markers) => userData.receipts.setReadMarkers(userId, roomId, markers),
    },
    logger: deps.logger,
    options: deps.websocket,
  });
  return { components, routes: { handler: components.handler, parser: components.parser }, websocket };
}
