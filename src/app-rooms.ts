/**
 * Part of the composition root (app.ts): the room engine — the event persister (the one writer
 * of room events) and the services over it: room creation, membership, sending, reading the
 * timeline and state with history visibility, aliases, the published room directory, room
 * upgrades and the user directory — and the dependencies of their routes.
 *
 * The stores are built once and shared, so the persister's caches (state groups, events) serve
 * the readers too.
 */
import type { RoomRoutesDeps } from "./api/client/room-routes.js";
import type { SigningKey } from "./crypto/signing-key.js";
import type { AppserviceRegistry } from "./services/appservices/appservice-registry.js";
import { AliasService } from "./services/rooms/alias-service.js";
import { BundledAggregations } from "./services/rooms/bundled-aggregations.js";
import { RoomDirectoryService } from "./services/rooms/directory.js";
import { EventPersister } from "./services/rooms/event-persister.js";
import type { Clock, EventPersisterOptions, EventPersisterStores } from "./services/rooms/event-persister-types.js";
import { ForgetRoomService } from "./services/rooms/forget-room.js";
import { MembershipService } from "./services/rooms/membership.js";
import type { ProfileLookup } from "./services/rooms/room-collaborators.js";
import { RoomCreationService } from "./services/rooms/room-creation.js";
import { RoomEventSerializer } from "./services/rooms/room-event-serializer.js";
import { RoomEventsService } from "./services/rooms/room-events.js";
import { RoomPositions } from "./services/rooms/room-positions.js";
import { RoomRelationsService } from "./services/rooms/relations.js";
import { RoomStateView } from "./services/rooms/room-state-view.js";
import { RoomSummaryService } from "./services/rooms/room-summary.js";
import { SpaceHierarchyService } from "./services/rooms/space-hierarchy.js";
import { RoomUpgradeService } from "./services/rooms/room-upgrade.js";
import { RoomTimelineService } from "./services/rooms/timeline.js";
import { UserDirectoryService } from "./services/rooms/user-directory.js";
import { RoomVisibility } from "./services/rooms/visibility.js";
import type { HearthDataSource } from "./storage/data-source.js";
import { CurrentStateStore } from "./storage/stores/current-state-store.js";
import { EventGraphStore } from "./storage/stores/event-graph-store.js";
import { EventRelationsStore } from "./storage/stores/event-relations-store.js";
import { EventTxnIdsStore } from "./storage/stores/event-txn-ids-store.js";
import { EventsStore } from "./storage/stores/events-store.js";
import { ForgottenRoomsStore } from "./storage/stores/forgotten-rooms-store.js";
import { RoomAliasesStore } from "./storage/stores/room-aliases-store.js";
import { RoomsStore } from "./storage/stores/rooms-store.js";
import { StateStore } from "./storage/stores/state-store.js";
import { UserDirectoryStore } from "./storage/stores/user-directory-store.js";
import type { Notifier } from "./sync/notifier.js";

export interface RoomServicesOptions {
  serverName: string;
  signingKey: SigningKey;
  notifier: Pick<Notifier, "notify">;
  /** Users' display names and avatars, copied into their member events. */
  profiles: ProfileLookup;
  /** Server admins may manage any alias and directory entry. */
  isServerAdmin: (userId: string) => Promise<boolean>;
  /** Application services' alias namespaces (M_EXCLUSIVE); none when absent. */
  appservices?: Pick<AppserviceRegistry, "findById" | "checkAliasNamespace">;
  clock?: Clock;
  persister?: EventPersisterOptions;
  /** The users a user ignores (`m.ignored_user_list`), left out of relations; none when absent. */
  ignoredUsers?: (userId: string) => Promise<ReadonlySet<string>>;
}

export interface RoomServices {
  readonly stores: EventPersisterStores;
  readonly persister: EventPersister;
  readonly visibility: RoomVisibility;
  readonly serializer: RoomEventSerializer;
  /** Bundled aggregations (`unsigned.m.relations`), for /sync too. */
  readonly aggregations: BundledAggregations;
  readonly creation: RoomCreationService;
  readonly membership: MembershipService;
  readonly events: RoomEventsService;
  readonly forget: ForgetRoomService;
  readonly timeline: RoomTimelineService;
  readonly state: RoomStateView;
  readonly aliases: AliasService;
  readonly directory: RoomDirectoryService;
  readonly upgrade: RoomUpgradeService;
  readonly userDirectory: UserDirectoryService;
  /** What room-routes.ts needs. */
  readonly routes: RoomRoutesDeps;
}

export function buildRoomServices(db: HearthDataSource, options: RoomServicesOptions): RoomServices {
  const { serverName, profiles, isServerAdmin } = options;
  const clock = options.clock ?? { now: () => Date.now() };
  const stores: EventPersisterStores = {
    events: new EventsStore(db),
    state: new StateStore(db),
    graph: new EventGraphStore(db),
    currentState: new CurrentStateStore(db),
    rooms: new RoomsStore(db),
    txnIds: new EventTxnIdsStore(db),
    relations: new EventRelationsStore(db),
  };
  const persister = new EventPersister({
    db,
    stores,
    notifier: options.notifier,
    serverName,
    signingKey: options.signingKey,
    clock,
    options: options.persister,
  });
  const forgottenStore = new ForgottenRoomsStore(db);
  const visibility = new RoomVisibility({ reader: persister, state: stores.state, memberships: stores.currentState, forgotten: forgottenStore });
  const aggregations = new BundledAggregations({ relations: stores.relations, reader: persister, ignoredUsers: options.ignoredUsers, visibility, events: stores.events });
  const serializer = new RoomEventSerializer({ reader: persister, events: stores.events, clock, aggregations });
  const positions = new RoomPositions(stores.events);
  const relations = new RoomRelationsService({ reader: persister, events: stores.events, relations: stores.relations, positions, visibility, serializer, ignoredUsers: options.ignoredUsers });

  const aliases = new AliasService({
    db,
    serverName,
    store: new RoomAliasesStore(db),
    members: stores.currentState,
    reader: persister,
    persister,
    visibility,
    isServerAdmin,
    clock,
    appservices: options.appservices,
  });
  const directory = new RoomDirectoryService({ db, serverName, rooms: stores.rooms, members: stores.currentState, reader: persister, isServerAdmin });
  const creation = new RoomCreationService({ serverName, persister, reader: persister, profiles, aliases, directory });
  const membership = new MembershipService({ serverName, persister, reader: persister, profiles, rooms: stores.rooms, userRooms: stores.currentState });
  const events = new RoomEventsService({ persister, reader: persister, aliases });
  const forget = new ForgetRoomService({ db, reader: persister, store: forgottenStore });
  const timeline = new RoomTimelineService({ reader: persister, events: stores.events, positions, visibility, serializer, ignoredUsers: options.ignoredUsers });
  const state = new RoomStateView({ reader: persister, events: stores.events, positions, visibility, serializer });
  const upgrade = new RoomUpgradeService({ persister, reader: persister, creation, aliases, directory });
  const userDirectory = new UserDirectoryService({ store: new UserDirectoryStore(db) });
  const spaces = new SpaceHierarchyService({ reader: persister, members: stores.currentState });
  const summaries = new RoomSummaryService({ reader: persister, members: stores.currentState });

  return {
    stores,
    persister,
    visibility,
    serializer,
    aggregations,
    creation,
    membership,
    events,
    forget,
    timeline,
    state,
    aliases,
    directory,
    upgrade,
    userDirectory,
    routes: {
      creation,
      membership: { membership, forget, aliases },
      send: events,
      timeline,
      state,
      aliases,
      directory,
      upgrade,
      userDirectory,
      relations,
      spaces,
      summary: { summaries, aliases },
    },
  };
}
