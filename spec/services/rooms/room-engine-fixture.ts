/**
 * The whole room engine as app-rooms.ts builds it, over a test database, with a fake clock, the
 * test signing key, in-memory profiles and a settable set of server admins. Shared by the specs
 * of the room read services, aliases, directories and upgrades.
 */
import type { DataSource } from "typeorm";
import { buildRoomServices, type RoomServices } from "../../../src/app-rooms.js";
import type { Pdu } from "../../../src/room/pdu.js";
import type { MemberProfile } from "../../../src/services/rooms/room-collaborators.js";
import type { CreateRoomRequest } from "../../../src/services/rooms/room-creation-request.js";
import type { PositionedEvent } from "../../../src/services/rooms/visibility.js";
import type { HearthDataSource } from "../../../src/storage/data-source.js";
import { Notifier } from "../../../src/sync/notifier.js";
import { testSigningKey } from "../../helpers/room-builder.js";

export const SERVER = "hearth.test";
export const ALICE = "@alice:hearth.test";
export const BOB = "@bob:hearth.test";
export const CAROL = "@carol:hearth.test";
export const DAN = "@dan:hearth.test";

export interface RoomEngine extends RoomServices {
  profiles: Map<string, MemberProfile>;
  admins: Set<string>;
  clock: { now(): number; advance(ms: number): void };
  /** createRoom for `creator`; returns the room ID. */
  createRoom(creator: string, req?: CreateRoomRequest): Promise<string>;
  /** A message from `sender`, with its stream position. */
  say(sender: string, roomId: string, body: string): Promise<PositionedEvent>;
  /** A state event from `sender`, with its stream position. */
  setState(sender: string, roomId: string, type: string, content: Record<string, unknown>, stateKey?: string): Promise<PositionedEvent>;
  /** The stored event `eventId` with its stream position. */
  positioned(eventId: string): Promise<PositionedEvent>;
}

export function makeRoomEngine(db: DataSource): RoomEngine {
  let now = 1_750_000_000_000;
  const clock = { now: () => now++, advance: (ms: number) => void (now += ms) };
  const profiles = new Map<string, MemberProfile>();
  const admins = new Set<string>();
  const services = buildRoomServices(db as HearthDataSource, {
    serverName: SERVER,
    signingKey: testSigningKey(SERVER),
    notifier: new Notifier(),
    profiles: { getProfile: async (userId) => profiles.get(userId) ?? null },
    isServerAdmin: async (userId) => admins.has(userId),
    clock,
  });
  const positioned = async (eventId: string): Promise<PositionedEvent> => {
    const row = (await services.stores.events.selectEventsByIds([eventId])).get(eventId);
    const pdu: Pdu | null = await services.persister.getEvent(eventId);
    if (!row || !pdu) throw new Error(`no event ${eventId}`);
    return { pdu, streamOrdering: row.streamOrdering };
  };
  return {
    ...services,
    profiles,
    admins,
    clock,
    createRoom: async (creator, req = {}) => (await services.creation.createRoom(creator, req)).room_id,
    say: async (sender, roomId, body) => positioned(await services.events.sendMessage(sender, roomId, "m.room.message", { msgtype: "m.text", body })),
    setState: async (sender, roomId, type, content, stateKey = "") =>
      positioned(await services.events.sendStateEvent(sender, roomId, type, stateKey, content as never)),
    positioned,
  };
}
