/**
 * Part of the composition root (app.ts): builds the services of per-user data that /sync
 * delivers besides room events — account data, filters, presence, typing, receipts — and
 * profiles and TURN credentials, from the database, the config and the notifier.
 *
 * Room-engine questions arrive as narrow callbacks (`UserDataRoomHooks`); the defaults answer
 * them from the current_state and events tables. Who shares a room with whom (presence
 * visibility) and profile propagation into member events are left to the room engine to wire:
 * until then users see only their own presence, and a profile change only re-sends presence.
 */
import type { Config } from "./config/config.js";
import { AccountDataService } from "./services/account-data.js";
import { PresenceService } from "./services/ephemeral/presence.js";
import { ReceiptsService } from "./services/ephemeral/receipts.js";
import { ReservedPositions } from "./services/ephemeral/reserved-positions.js";
import { TypingService } from "./services/ephemeral/typing.js";
import { FilterService } from "./services/filters.js";
import { defaultPushRulesContent, PUSH_RULES_ACCOUNT_DATA } from "./services/push/push-rules-service.js";
import { ProfileService, type ProfileChange } from "./services/profile/profile-service.js";
import { TurnServerService } from "./services/voip/turn-server.js";
import type { HearthDataSource } from "./storage/data-source.js";
import { AccountDataStore } from "./storage/stores/account-data-store.js";
import { CurrentStateStore } from "./storage/stores/current-state-store.js";
import { EventsStore } from "./storage/stores/events-store.js";
import { FiltersStore } from "./storage/stores/filters-store.js";
import { PresenceStore } from "./storage/stores/presence-store.js";
import { ProfileFieldsStore } from "./storage/stores/profile-fields-store.js";
import { ReceiptsStore } from "./storage/stores/receipts-store.js";
import { StreamPositionsStore } from "./storage/stores/stream-positions-store.js";
import { UsersStore } from "./storage/stores/users-store.js";
import { runInTransaction } from "./storage/transaction.js";
import type { Notifier } from "./sync/notifier.js";
import type { StreamPositions } from "./sync/stream-token.js";

/** The stream_positions counter typing positions are reserved from. */
const TYPING_STREAM = "typing";

export interface UserDataRoomHooks {
  isJoined?: (userId: string, roomId: string) => Promise<boolean>;
  eventPosition?: (roomId: string, eventId: string) => Promise<number | null>;
  usersSharingRoomWith?: (userId: string) => Promise<Iterable<string>>;
  /** Propagation of a new display name / avatar into the user's rooms (member events). */
  onProfileChanged?: (userId: string, profile: ProfileChange) => void | Promise<void>;
}

export interface UserDataServices {
  readonly accountData: AccountDataService;
  readonly filters: FilterService;
  readonly presence: PresenceService;
  readonly typing: TypingService;
  readonly receipts: ReceiptsService;
  readonly profiles: ProfileService;
  readonly voip: TurnServerService;
  /** Stops timers and waits for pending presence writes. */
  close(): Promise<void>;
}

/** Reserves the typing positions and reads the other streams' latest positions, for the notifier's start token. */
export async function readUserDataPositions(db: HearthDataSource): Promise<{ positions: Partial<StreamPositions>; typingPositions: ReservedPositions }> {
  const streamPositions = new StreamPositionsStore(db);
  const typingPositions = new ReservedPositions((size) => runInTransaction(db, (tx) => streamPositions.updateStreamPositionBy(tx, TYPING_STREAM, size)));
  await typingPositions.start();
  return {
    typingPositions,
    positions: {
      typing: typingPositions.current(),
      accountData: await new AccountDataStore(db).selectMaxStreamId(),
      receipt: await new ReceiptsStore(db).selectMaxStreamId(),
      presence: await new PresenceStore(db).selectMaxStreamId(),
    },
  };
}

export async function buildUserDataServices(
  config: Config,
  db: HearthDataSource,
  notifier: Pick<Notifier, "notify">,
  typingPositions: ReservedPositions,
  hooks: UserDataRoomHooks = {},
): Promise<UserDataServices> {
  const currentState = new CurrentStateStore(db);
  const events = new EventsStore(db);
  const isJoined =
    hooks.isJoined ??
    (async (userId: string, roomId: string) => (await currentState.selectRoomsForUser(userId, ["join"])).some((room) => room.roomId === roomId));
  const eventPosition =
    hooks.eventPosition ??
    (async (roomId: string, eventId: string) => {
      const event = (await events.selectEventsByIds([eventId])).get(eventId);
      return event !== undefined && event.roomId === roomId && !event.outlier ? event.streamOrdering : null;
    });

  const serverDefaults = new Map([[PUSH_RULES_ACCOUNT_DATA, defaultPushRulesContent]]);
  const accountData = new AccountDataService({ db, store: new AccountDataStore(db), notifier, serverDefaults });
  const filters = new FilterService({ db, store: new FiltersStore(db) });
  const typing = new TypingService({ isJoined, notifier, positions: typingPositions });
  const receipts = new ReceiptsService({ db, store: new ReceiptsStore(db), notifier, accountData, isJoined, eventPosition });
  // Presence content carries display names; a profile change re-sends presence: each needs the other.
  const presence: PresenceService = new PresenceService({
    db,
    store: new PresenceStore(db),
    notifier,
    usersSharingRoomWith: hooks.usersSharingRoomWith,
    profiles: (userIds) => profiles.getDisplayProfiles(userIds),
  });
  const profiles: ProfileService = new ProfileService({
    db,
    serverName: config.server_name,
    users: new UsersStore(db),
    fields: new ProfileFieldsStore(db),
    onProfileChanged: async (userId, profile) => {
      await presence.touch(userId);
      await hooks.onProfileChanged?.(userId, profile);
    },
  });
  const voip = new TurnServerService({
    uris: config.voip.turn_uris,
    sharedSecret: config.voip.turn_shared_secret,
    username: config.voip.turn_username,
    password: config.voip.turn_password,
    userLifetimeMs: config.voip.turn_user_lifetime_ms,
  });

  await accountData.start();
  await receipts.start();
  await presence.start();
  return {
    accountData,
    filters,
    presence,
    typing,
    receipts,
    profiles,
    voip,
    close: async () => {
      typing.close();
      await presence.close();
    },
  };
}
