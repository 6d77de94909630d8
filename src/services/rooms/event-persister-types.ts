/**
 * The event persister's public types: what callers (room operations, the client and federation
 * APIs) hand it and get back. See event-persister.ts.
 */
import type { DataSource, EntityManager } from "typeorm";
import type { SigningKey, VerifyKey } from "../../crypto/signing-key.js";
import type { JsonObject, PduJson } from "../../matrix/pdu-json.js";
import type { Pdu } from "../../room/pdu.js";
import type { CurrentStateStore } from "../../storage/stores/current-state-store.js";
import type { EventGraphStore } from "../../storage/stores/event-graph-store.js";
import type { EventRelationsStore } from "../../storage/stores/event-relations-store.js";
import type { EventTxnIdsStore } from "../../storage/stores/event-txn-ids-store.js";
import type { EventsStore } from "../../storage/stores/events-store.js";
import type { RoomsStore } from "../../storage/stores/rooms-store.js";
import type { StateStore } from "../../storage/stores/state-store.js";
import type { Notifier } from "../../sync/notifier.js";

/** Milliseconds since the epoch; a fake in tests. */
export interface Clock {
  now(): number;
}

/** The stores the persister writes and reads (it is their only writer for room events). */
export interface EventPersisterStores {
  events: EventsStore;
  state: StateStore;
  graph: EventGraphStore;
  currentState: CurrentStateStore;
  rooms: RoomsStore;
  txnIds: EventTxnIdsStore;
  /** Relations (m.relates_to), written with their events. */
  relations: EventRelationsStore;
}

export interface EventPersisterOptions {
  /** Parsed events kept in memory. Default 2,000 (state-accessor.ts). */
  eventCacheSize?: number;
  /** Client transaction IDs of recently sent events kept in memory (retries are answered without a read). Default 1,000 (~240 B each). */
  txnCacheSize?: number;
  /** Most events one transaction persists (group commit). Default 1,000. */
  maxBatchEvents?: number;
  /**
   * Transactions running at once (each over different rooms). Default 1 on SQLite, whose
   * writer is single anyway (one transaction then carries every ready room), 4 on PostgreSQL.
   */
  concurrentBatches?: number;
}

export interface EventPersisterDeps {
  db: DataSource;
  stores: EventPersisterStores;
  notifier: Pick<Notifier, "notify">;
  /** This server's name: local events are signed as it, and v1–v11 room IDs end with it. */
  serverName: string;
  signingKey: SigningKey;
  clock: Clock;
  options?: EventPersisterOptions;
}

/** An event of a batch being written, as a BatchStage sees it. */
export interface StageEvent {
  readonly pdu: Pdu;
  readonly streamOrdering: number;
  /** Its state groups; null for an outlier. */
  readonly groups: { readonly before: number; readonly after: number } | null;
  /** Accepted into the room's timeline (not an outlier, rejected or soft-failed). */
  readonly visible: boolean;
}

/** What a BatchStage prepared: one of the two is called once the transaction has ended. */
export interface StagedWork {
  committed(): void;
  rolledBack(): void;
}

/**
 * Work that commits with each batch of events (the push actions, PushActionsWorker.stage; the
 * search index, EventSearchIndexer.stage): run inside the batch's transaction once its events
 * are written, after the stages added before it. `reader` reads the batch's events as well as
 * stored ones. An error fails the batch: every stage's StagedWork is then rolled back.
 */
export interface BatchStage {
  stage(
    tx: EntityManager,
    events: readonly StageEvent[],
    reader: { getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>> },
  ): Promise<StagedWork | null>;
}

/** Where BatchStages are added (the event persister): each runs in every batch's transaction. */
export interface BatchStages {
  addBatchStage(stage: BatchStage): void;
  removeBatchStage(stage: BatchStage): void;
}

/**
 * A visible event (not an outlier, rejected or soft-failed) just committed, with what readers
 * would otherwise read back from storage: for in-process caches (the sync module's), told of each
 * batch after its commit and before the notifier announces it.
 */
export interface CommittedEvent {
  readonly pdu: Pdu;
  readonly streamOrdering: number;
  readonly topologicalOrdering: number;
  /** The client transaction that sent it (its sender's), or null. */
  readonly txn: { readonly deviceId: string; readonly txnId: string } | null;
  readonly stateGroups: { readonly before: number; readonly after: number };
}

export type CommittedEventsListener = (events: readonly CommittedEvent[]) => void;

/** A new event from a local user. */
export interface LocalEventRequest {
  /** Null only for `m.room.create`, which makes a new room. */
  roomId: string | null;
  /** For `m.room.create`: the new room's version (default DEFAULT_ROOM_VERSION). */
  roomVersion?: string;
  sender: string;
  type: string;
  stateKey?: string;
  content: JsonObject;
  /** For `m.room.redaction`. */
  redacts?: string;
  /** Client transaction ID: a retry with the same (sender, device, txnId) returns the first event. */
  txn?: { deviceId: string; txnId: string };
  /** Default: the clock's now. */
  originServerTs?: number;
  /** Not hashed or signed. */
  unsigned?: JsonObject;
}

export interface PersistedEvent {
  pdu: Pdu;
  /** Global stream ordering (sync position) the event was stored at. */
  streamOrdering: number;
  /** True when `txn` matched an event sent before: `pdu` is that event. */
  deduplicated: boolean;
}

/**
 * A remote server's verify key, or null when unknown (or expired at `atTs`). `atTs` is the
 * event's `origin_server_ts` in room versions that enforce key validity (v5+), null otherwise.
 */
export type VerifiedKeyLookup = (serverName: string, keyId: string, atTs: number | null) => Promise<VerifyKey | null>;

/** Fetches events of a room from other servers (`/event`, `/get_missing_events`, `/event_auth`). */
export type FetchMissingEvents = (roomId: string, eventIds: string[]) => Promise<PduJson[]>;

export interface ReceivePduOptions {
  /** The server that sent the transaction (for logs and error messages). */
  origin: string;
  verifiedKeys: VerifiedKeyLookup;
  /**
   * Store the event as an outlier: checks 1–4 only, no state, not in the timeline, never a
   * forward extremity (auth chains and `/state` responses).
   */
  outlier?: boolean;
  /** Without it, events with auth or prev events we do not have are rejected. */
  fetchMissing?: FetchMissingEvents;
}

export type ReceivePduStatus = "accepted" | "soft_failed" | "rejected" | "duplicate";

export interface ReceivePduResult {
  status: ReceivePduStatus;
  /** As stored: the redacted form when the content hash did not match. */
  pdu: Pdu;
  /** Why the event was rejected or soft-failed. */
  reason?: string;
  /** Where it was stored (for "duplicate": where the first copy was). */
  streamOrdering: number;
  /** Stored without state: an outlier by request, or because its state could not be known. */
  outlier: boolean;
}
