/**
 * The sync module over a real event persister and room services on a test database, with one
 * notifier shared by the writers and the syncs, for the sync specs. Typing and receipts are
 * small in-memory sources with real stream positions; a test may swap in others.
 */
import type { DataSource } from "typeorm";
import type { SyncResponseJson } from "../../src/matrix/endpoints/client/sync.js";
import type { JsonObject } from "../../src/matrix/pdu-json.js";
import { AccountDataService } from "../../src/services/account-data.js";
import { PresenceService } from "../../src/services/ephemeral/presence.js";
import { ReceiptsService } from "../../src/services/ephemeral/receipts.js";
import { ReservedPositions } from "../../src/services/ephemeral/reserved-positions.js";
import { TypingService } from "../../src/services/ephemeral/typing.js";
import { EventPersister } from "../../src/services/rooms/event-persister.js";
import { MembershipService } from "../../src/services/rooms/membership.js";
import type { MemberProfile } from "../../src/services/rooms/room-collaborators.js";
import { RoomCreationService } from "../../src/services/rooms/room-creation.js";
import type { CreateRoomRequest } from "../../src/services/rooms/room-creation-request.js";
import { RoomEventsService } from "../../src/services/rooms/room-events.js";
import { AccountDataStore } from "../../src/storage/stores/account-data-store.js";
import { PresenceStore } from "../../src/storage/stores/presence-store.js";
import { ReceiptsStore } from "../../src/storage/stores/receipts-store.js";
import { SyncFilter } from "../../src/sync/filters.js";
import { Notifier } from "../../src/sync/notifier.js";
import { StreamToken } from "../../src/sync/stream-token.js";
import { createSyncComponents, type SyncComponents, type SyncComponentsDeps } from "../../src/sync/sync-components.js";
import type { SyncRequest } from "../../src/sync/streams/stream-provider.js";
import { testSigningKey } from "../helpers/room-builder.js";
import { makeStores } from "../services/rooms/event-persister-fixture.js";
import { ALICE, BOB, CAROL, SERVER } from "../services/rooms/room-services-fixture.js";

export { ALICE, BOB, CAROL, SERVER };
export const DEVICE = "ADEVICE";

export interface SyncOptions {
  since?: string;
  filter?: object;
  fullState?: boolean;
  useStateAfter?: boolean;
  timeoutMs?: number;
  deviceId?: string | null;
}

export interface SyncFixture {
  readonly db: DataSource;
  readonly notifier: Notifier;
  readonly persister: EventPersister;
  readonly membership: MembershipService;
  readonly events: RoomEventsService;
  readonly profiles: Map<string, MemberProfile>;
  sync: SyncComponents;
  /** The clock events are stamped with (ms). */
  readonly clock: { now: number };
  createRoom(creator: string, req?: CreateRoomRequest): Promise<string>;
  send(roomId: string, sender: string, body: string, txnId?: string): Promise<string>;
  /** Runs one /sync for `userId`. */
  syncOnce(userId: string, options?: SyncOptions): Promise<SyncResponseJson>;
  /** Re-creates the sync module (fresh caches, window at the current position), as after a restart. */
  restartSync(extra?: Partial<SyncComponentsDeps>): void;
  /**
   * Real account data, typing, receipts and presence services on the test database, wired into a
   * re-created sync module. Close them with `userData.close()`.
   */
  withUserData(): Promise<UserDataFixture>;
}

export interface UserDataFixture {
  accountData: AccountDataService;
  typing: TypingService;
  receipts: ReceiptsService;
  presence: PresenceService;
  close(): Promise<void>;
}

export function makeSyncFixture(db: DataSource, extra: Partial<SyncComponentsDeps> = {}): SyncFixture {
  const clock = { now: 1_750_000_000_000 };
  const notifier = new Notifier();
  const stores = makeStores(db);
  const persister = new EventPersister({
    db,
    stores,
    notifier,
    serverName: SERVER,
    signingKey: testSigningKey(SERVER),
    clock: { now: () => ++clock.now },
  });
  const profiles = new Map<string, MemberProfile>();
  const profileLookup = { getProfile: async (userId: string) => profiles.get(userId) ?? null };
  const creation = new RoomCreationService({
    serverName: SERVER,
    persister,
    reader: persister,
    profiles: profileLookup,
    aliases: { isAliasAvailable: async () => true, reserveAlias: async () => true },
    directory: { setRoomVisibility: async () => undefined },
  });
  // A variable rather than a literal: the membership service's collaborators are still growing.
  const membershipDeps = { serverName: SERVER, persister, reader: persister, profiles: profileLookup, rooms: stores.rooms, userRooms: stores.currentState };
  const membership = new MembershipService(membershipDeps);
  const events = new RoomEventsService({ persister, reader: persister });
  const build = (more: Partial<SyncComponentsDeps>): SyncComponents =>
    createSyncComponents({
      db,
      notifier,
      stateStore: stores.state,
      roomVersion: (roomId) => persister.getRoomVersion(roomId),
      now: () => clock.now,
      ...extra,
      ...more,
    });
  const fixture: SyncFixture = {
    db,
    notifier,
    persister,
    membership,
    events,
    profiles,
    clock,
    sync: build({}),
    createRoom: async (creator, req = {}) => (await creation.createRoom(creator, req)).room_id,
    send: (roomId, sender, body, txnId) =>
      events.sendMessage(sender, roomId, "m.room.message", { msgtype: "m.text", body } as JsonObject, txnId === undefined ? undefined : { deviceId: DEVICE, txnId }),
    syncOnce: async (userId, options = {}) => {
      const request: SyncRequest = {
        userId,
        deviceId: options.deviceId === undefined ? DEVICE : options.deviceId,
        filter: options.filter === undefined ? SyncFilter.DEFAULT : SyncFilter.fromJson(options.filter),
        since: options.since === undefined ? null : StreamToken.parse(options.since),
        fullState: options.fullState ?? false,
        useStateAfter: options.useStateAfter ?? false,
      };
      return fixture.sync.handler.sync(request, { timeoutMs: options.timeoutMs ?? 0 });
    },
    restartSync: (more = {}) => {
      fixture.sync = build(more);
    },
    withUserData: async () => {
      const membershipOf = async (userId: string, roomId: string) => (await persister.getStateEvent(roomId, "m.room.member", userId))?.content.membership;
      const isJoined = async (userId: string, roomId: string) => (await membershipOf(userId, roomId)) === "join";
      const accountData = new AccountDataService({ db, store: new AccountDataStore(db), notifier });
      let reserved = 0;
      const positions = new ReservedPositions(async (size) => (reserved += size));
      await Promise.all([accountData.start(), positions.start()]);
      const typing = new TypingService({ isJoined, notifier, positions });
      const receipts = new ReceiptsService({
        db,
        store: new ReceiptsStore(db),
        notifier,
        accountData,
        isJoined,
        eventPosition: async (roomId, eventId) => {
          const row = (await stores.events.selectEventsByIds([eventId])).get(eventId);
          return row !== undefined && row.roomId === roomId ? row.streamOrdering : null;
        },
      });
      const presence = new PresenceService({
        db,
        store: new PresenceStore(db),
        notifier,
        usersSharingRoomWith: async (userId) => {
          const users = new Set([userId]);
          for (const { roomId } of await stores.currentState.selectRoomsForUser(userId)) {
            for (const member of await stores.currentState.selectRoomMembers(roomId)) users.add(member);
          }
          return users;
        },
      });
      await Promise.all([receipts.start(), presence.start()]);
      fixture.restartSync({ accountData, typing, receipts, presence });
      return {
        accountData,
        typing,
        receipts,
        presence,
        close: async () => {
          typing.close();
          await presence.close();
        },
      };
    },
  };
  return fixture;
}

/** The event types of a timeline or state section, with state keys of member events. */
export function types(events: readonly { type?: string; state_key?: string }[]): string[] {
  return events.map((e) => (e.type === "m.room.member" ? `${e.type}/${e.state_key}` : e.type!));
}
