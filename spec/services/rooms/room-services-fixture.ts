/**
 * The room verbs wired to a real EventPersister over a test database, with in-memory profiles,
 * aliases and room directory. Shared by the room-creation, membership and room-events specs.
 */
import type { DataSource } from "typeorm";
import { ErrCode, MatrixError } from "../../../src/matrix/errors.js";
import { EventPersister } from "../../../src/services/rooms/event-persister.js";
import { MembershipService } from "../../../src/services/rooms/membership.js";
import type { MemberProfile } from "../../../src/services/rooms/room-collaborators.js";
import { RoomCreationService } from "../../../src/services/rooms/room-creation.js";
import type { CreateRoomRequest } from "../../../src/services/rooms/room-creation-request.js";
import { RoomEventsService } from "../../../src/services/rooms/room-events.js";
import { Notifier } from "../../../src/sync/notifier.js";
import { testSigningKey } from "../../helpers/room-builder.js";
import { makeStores } from "./event-persister-fixture.js";

export const SERVER = "hearth.test";
export const ALICE = "@alice:hearth.test";
export const BOB = "@bob:hearth.test";
export const CAROL = "@carol:hearth.test";
export const REMOTE = "@rita:remote.test";

export interface RoomServices {
  persister: EventPersister;
  creation: RoomCreationService;
  membership: MembershipService;
  events: RoomEventsService;
  profiles: Map<string, MemberProfile>;
  /** alias → room ID */
  aliases: Map<string, string>;
  /** room ID → visibility set through the directory callback */
  directory: Map<string, "public" | "private">;
  /** createRoom for `creator`, returning the room ID. */
  createRoom(creator: string, req?: CreateRoomRequest): Promise<string>;
}

export function makeRoomServices(db: DataSource): RoomServices {
  let clock = 1_750_000_000_000;
  const stores = makeStores(db);
  const persister = new EventPersister({
    db,
    stores,
    notifier: new Notifier(),
    serverName: SERVER,
    signingKey: testSigningKey(SERVER),
    clock: { now: () => ++clock },
  });
  const profiles = new Map<string, MemberProfile>();
  const aliases = new Map<string, string>();
  const directory = new Map<string, "public" | "private">();
  const profileLookup = { getProfile: async (userId: string) => profiles.get(userId) ?? null };
  const creation = new RoomCreationService({
    serverName: SERVER,
    persister,
    reader: persister,
    profiles: profileLookup,
    aliases: {
      isAliasAvailable: async (alias) => !aliases.has(alias),
      reserveAlias: async (alias, roomId) => {
        if (aliases.has(alias)) return false;
        aliases.set(alias, roomId);
        return true;
      },
    },
    directory: { setRoomVisibility: async (roomId, visibility) => void directory.set(roomId, visibility) },
  });
  const membership = new MembershipService({
    serverName: SERVER,
    persister,
    reader: persister,
    profiles: profileLookup,
    rooms: stores.rooms,
    userRooms: stores.currentState,
  });
  const events = new RoomEventsService({ persister, reader: persister });
  return {
    persister,
    creation,
    membership,
    events,
    profiles,
    aliases,
    directory,
    createRoom: async (creator, req = {}) => (await creation.createRoom(creator, req)).room_id,
  };
}

/** The MatrixError `promise` rejects with (fails the test when it resolves or throws another error). */
export async function matrixErrorOf(promise: Promise<unknown>): Promise<MatrixError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MatrixError) return err;
    throw err;
  }
  throw new Error("expected a MatrixError, but the call succeeded");
}

/** Asserts that `promise` rejects with 403 M_FORBIDDEN. */
export async function expectForbidden(promise: Promise<unknown>): Promise<MatrixError> {
  const err = await matrixErrorOf(promise);
  if (err.status !== 403 || err.errcode !== ErrCode.Forbidden) {
    throw new Error(`expected 403 M_FORBIDDEN, got ${err.status} ${err.errcode}: ${err.message}`);
  }
  return err;
}
