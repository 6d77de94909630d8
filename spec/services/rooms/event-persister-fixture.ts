/**
 * An EventPersister over a test database, with a recording notifier and a fake clock, for the
 * persister's specs and benchmark. The local server is "hs.test"; remote servers sign with the
 * RoomBuilder's fixed test keys (spec/helpers/room-builder.ts).
 */
import type { DataSource } from "typeorm";
import { VerifyKey } from "../../../src/crypto/signing-key.js";
import { EventPersister } from "../../../src/services/rooms/event-persister.js";
import type { JsonObject } from "../../../src/matrix/pdu-json.js";
import type { EventPersisterOptions, EventPersisterStores, VerifiedKeyLookup } from "../../../src/services/rooms/event-persister-types.js";
import { CurrentStateStore } from "../../../src/storage/stores/current-state-store.js";
import { EventGraphStore } from "../../../src/storage/stores/event-graph-store.js";
import { EventRelationsStore } from "../../../src/storage/stores/event-relations-store.js";
import { EventTxnIdsStore } from "../../../src/storage/stores/event-txn-ids-store.js";
import { EventsStore } from "../../../src/storage/stores/events-store.js";
import { RoomsStore } from "../../../src/storage/stores/rooms-store.js";
import { StateStore } from "../../../src/storage/stores/state-store.js";
import type { NotifyTargets } from "../../../src/sync/notifier.js";
import { testSigningKey } from "../../helpers/room-builder.js";

export const LOCAL_SERVER = "hs.test";
export const LOCAL_ALICE = "@alice:hs.test";
export const LOCAL_BOB = "@bob:hs.test";

export interface RecordedNotification {
  stream: string;
  position: number;
  targets: NotifyTargets;
}

export interface PersisterFixture {
  persister: EventPersister;
  stores: EventPersisterStores;
  notifications: RecordedNotification[];
  clock: { now(): number; advance(ms: number): void };
}

export function makeStores(db: DataSource): EventPersisterStores {
  return {
    events: new EventsStore(db),
    state: new StateStore(db),
    graph: new EventGraphStore(db),
    currentState: new CurrentStateStore(db),
    rooms: new RoomsStore(db),
    txnIds: new EventTxnIdsStore(db),
    relations: new EventRelationsStore(db),
  };
}

export function makePersister(db: DataSource, options: EventPersisterOptions = {}): PersisterFixture {
  const stores = makeStores(db);
  const notifications: RecordedNotification[] = [];
  let now = 1_750_000_000_000;
  const clock = { now: () => now++, advance: (ms: number) => void (now += ms) };
  const persister = new EventPersister({
    db,
    stores,
    notifier: { notify: (stream, position, targets = {}) => void notifications.push({ stream, position, targets }) },
    serverName: LOCAL_SERVER,
    signingKey: testSigningKey(LOCAL_SERVER),
    clock,
    options,
  });
  return { persister, stores, notifications, clock };
}

/** Key lookup that knows every server's fixed test key (as RoomBuilder signs with). */
export const testKeys: VerifiedKeyLookup = async (serverName, keyId) => {
  const key = testSigningKey(serverName);
  if (keyId !== key.keyId) return null;
  return new VerifyKey(key.keyId, key.publicKey);
};

/** A public room made by `creator` with the usual first events; returns its ID. */
export async function createPublicRoom(persister: EventPersister, creator = LOCAL_ALICE, version = "12"): Promise<string> {
  const create = await persister.sendLocalEvent({ roomId: null, roomVersion: version, sender: creator, type: "m.room.create", stateKey: "", content: version === "12" || Number(version) >= 11 ? {} : { creator } });
  const roomId = create.pdu.roomId;
  await persister.sendLocalEvent({ roomId, sender: creator, type: "m.room.member", stateKey: creator, content: { membership: "join" } });
  const users: JsonObject = version === "12" ? {} : { [creator]: 100 };
  await persister.sendLocalEvent({ roomId, sender: creator, type: "m.room.power_levels", stateKey: "", content: { users } });
  await persister.sendLocalEvent({ roomId, sender: creator, type: "m.room.join_rules", stateKey: "", content: { join_rule: "public" } });
  return roomId;
}
