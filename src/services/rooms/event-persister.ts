/**
 * The event persister: the ONLY writer of room events, local or received (DESIGN.md). For each
 * room it serializes writers, checks auth against the state before each event and against the
 * current state (soft failure), resolves state over the forward extremities, persists in one
 * transaction and then tells the notifier.
 *
 * Writes go through a KeyedBatchQueue keyed by room ID: one batch at a time per room, different
 * rooms concurrently, and group commit: sends that arrive while a room's transaction runs are
 * built and persisted together in the next one, each authorized in order against the state
 * after the one before. On SQLite (one writer) a single batch carries every ready room.
 *
 * Writes reach that queue once per turn of the event loop (setImmediate), all of the turn's
 * together: requests read from different sockets in one turn each run in their own I/O callback,
 * and on SQLite a batch runs to its commit without yielding to I/O (better-sqlite3 is
 * synchronous), so a batch started at once would carry only the first of them. Waiting for the
 * check phase lets every request of the turn arrive, and the sync wake-ups of the previous
 * batch, queued before, run first.
 *
 * Received PDUs go through the numbered checks of inbound-pdu-handler.ts first; only their last
 * step (soft failure against the current state) and the write happen under the room's writer.
 */
import { randomString } from "../../crypto/random-string.js";
import type { EntityManager } from "typeorm";
import { CanonicalJsonError } from "../../crypto/canonical-json.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { PduJson } from "../../matrix/pdu-json.js";
import { buildEvent } from "../../room/event-builder.js";
import type { Pdu } from "../../room/pdu.js";
import { DEFAULT_ROOM_VERSION, getRoomVersion, type RoomVersionRules } from "../../room/room-versions.js";
import { parseStateMapKey, stateMapKey } from "../../room/state-map.js";
import { engineOf } from "../../storage/dialect.js";
import { onCommit, runInTransaction } from "../../storage/transaction.js";
import { KeyedBatchQueue } from "../../util/keyed-batch-queue.js";
import { EventBatch, membershipOf, type BatchEvent } from "./event-persister-batch.js";
import { StreamOrderingTracker, type PendingNotification } from "./event-persister-positions.js";
import { BatchProcessor, type InboundEvent } from "./event-persister-process.js";
import type {
  BatchStage,
  CommittedEvent,
  CommittedEventsListener,
  EventPersisterDeps,
  LocalEventRequest,
  PersistedEvent,
  ReceivePduOptions,
  ReceivePduResult,
  StageEvent,
  StagedWork,
} from "./event-persister-types.js";
import { SentTxnIds, txnKey, type SentTxn } from "./event-persister-txn-ids.js";
import { InboundPduHandler } from "./inbound-pdu-handler.js";
import { StateAccessor } from "./state-accessor.js";
import { StateResolver } from "./state-resolver.js";
import { RoomHeadCache } from "./state-room-head.js";

export type * from "./event-persister-types.js";

interface LocalItem {
  kind: "local";
  req: LocalEventRequest;
  roomId: string;
  create: Pdu | null;
  txn?: BatchEvent["txn"];
  settle: Settle<PersistedEvent>;
}

type InboundResult = { entry: BatchEvent; softFailReason: string | null };
type InboundItem = { kind: "inbound"; event: InboundEvent; settle: Settle<InboundResult> };
type WorkItem = LocalItem | InboundItem;

interface Settle<T> {
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

export class EventPersister {
  private readonly accessor: StateAccessor;
  private readonly resolver: StateResolver;
  private readonly heads: RoomHeadCache;
  private readonly queue: KeyedBatchQueue<string, WorkItem>;
  private readonly tracker = new StreamOrderingTracker();
  private readonly inbound: InboundPduHandler;
  /** Sends with a client transaction ID still being persisted, by txnKey. */
  private readonly inFlightTxns = new Map<string, Promise<PersistedEvent>>();
  private readonly txnIds: SentTxnIds;
  /** Serializes the events insert of concurrent batches (see event-persister-positions.ts). */
  private insertTail: Promise<unknown> = Promise.resolve();
  /** Writes of this turn of the event loop, handed to the queue together at its check phase. */
  private turn: Array<{ roomId: string; item: WorkItem }> = [];
  /** Settles once this turn's writes are in the queue; null when none are waiting. */
  private turnHandedOver: Promise<void> | null = null;
  private readonly committedListeners = new Set<CommittedEventsListener>();
  /** Run in order in every batch's transaction (addBatchStage). */
  private stages: BatchStage[] = [];

  constructor(private readonly deps: EventPersisterDeps) {
    const options = deps.options ?? {};
    this.accessor = new StateAccessor(deps.stores, options.eventCacheSize);
    this.resolver = new StateResolver(this.accessor, deps.stores);
    this.heads = new RoomHeadCache(this.accessor, deps.stores);
    const sqlite = engineOf(deps.db) === "sqlite";
    this.queue = new KeyedBatchQueue((batch) => this.runBatch(batch), {
      concurrency: options.concurrentBatches ?? (sqlite ? 1 : 4),
      maxItems: options.maxBatchEvents ?? 1000,
    });
    this.txnIds = new SentTxnIds(deps.stores.txnIds, options.txnCacheSize ?? 1_000);
    this.inbound = new InboundPduHandler(this.accessor, this.resolver, (event) => this.persistInbound(event));
  }

  /**
   * Builds, signs, authorizes and persists an event from a local user (see LocalEventRequest).
   * Throws MatrixError: 403 M_FORBIDDEN with the authorization rules' reason, 404 for an unknown
   * room, 400/413 for a malformed event; nothing is stored then.
   */
  async sendLocalEvent(req: LocalEventRequest): Promise<PersistedEvent> {
    if (!req.txn) return this.persistLocal(req);
    const txn = { userId: req.sender, deviceId: req.txn.deviceId, txnId: req.txn.txnId };
    const key = txnKey(txn);
    const inFlight = this.inFlightTxns.get(key);
    if (inFlight) return { ...(await inFlight), deduplicated: true };
    const recent = this.txnIds.recentEventId(txn);
    if (recent !== undefined) return this.sentBefore(recent);
    // Not sent recently by this process: the batch looks in storage (see event-persister-txn-ids.ts).
    const promise = this.persistLocal(req);
    this.inFlightTxns.set(key, promise);
    try {
      return await promise;
    } finally {
      this.inFlightTxns.delete(key);
    }
  }

  /** Runs the checks on receipt of a PDU and persists it accordingly (inbound-pdu-handler.ts). */
  receivePdu(json: PduJson, roomVersion: RoomVersionRules, opts: ReceivePduOptions): Promise<ReceivePduResult> {
    return this.inbound.receivePdu(json, roomVersion, opts);
  }

  /** A stored event (rejected ones too), from a small LRU of parsed events. */
  getEvent(eventId: string): Promise<Pdu | null> {
    return this.accessor.getEvent(eventId);
  }

  /** Stored events by ID (missing ones are absent): the cached ones, and one query for the rest. */
  async getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>> {
    const out = new Map<string, Pdu>();
    for (const [eventId, entry] of await this.accessor.getEntries(eventIds)) out.set(eventId, entry.pdu);
    return out;
  }

  /**
   * The room's current state (stateMapKey → event ID), from memory once loaded; empty for an
   * unknown room. Read-only: it is the persister's own map (copy it to change it).
   */
  async getCurrentState(roomId: string): Promise<ReadonlyMap<string, string>> {
    return (await this.heads.get(roomId))?.currentState ?? new Map();
  }

  /** The current state event of `(type, stateKey)`, or null. */
  async getStateEvent(roomId: string, type: string, stateKey: string): Promise<Pdu | null> {
    const eventId = (await this.getCurrentState(roomId)).get(stateMapKey(type, stateKey));
    return eventId === undefined ? null : this.accessor.getEvent(eventId);
  }

  /** The room's forward extremities, deepest first. */
  async getForwardExtremities(roomId: string): Promise<string[]> {
    return ((await this.heads.get(roomId))?.extremities ?? []).map((e) => e.eventId);
  }

  getStateAfter(eventId: string): Promise<ReadonlyMap<string, string> | null> {
    return this.accessor.getStateAfter(eventId);
  }

  getStateBefore(eventId: string): Promise<ReadonlyMap<string, string> | null> {
    return this.accessor.getStateBefore(eventId);
  }

  getRoomVersion(roomId: string): Promise<RoomVersionRules | null> {
    return this.accessor.getRoomVersion(roomId);
  }

  /**
   * Tells `listener` of every batch's visible events once committed, before they are announced
   * (see CommittedEvent). A listener that throws is ignored. Returns the unsubscribe function.
   */
  onCommitted(listener: CommittedEventsListener): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  /**
   * Runs `stage` in every batch's transaction from now on, after its events are written and
   * after the stages added before it (the push actions and the search index, which then commit
   * with the events). Adding a stage twice runs it once.
   */
  addBatchStage(stage: BatchStage): void {
    if (!this.stages.includes(stage)) this.stages = [...this.stages, stage];
  }

  /** Stops running `stage` (batches already running may still call it). */
  removeBatchStage(stage: BatchStage): void {
    this.stages = this.stages.filter((s) => s !== stage);
  }

  /** Resolves once every write asked for so far has been persisted (tests, shutdown). */
  async idle(): Promise<void> {
    if (this.turnHandedOver !== null) await this.turnHandedOver;
    await this.queue.idle();
  }

  /** Queues a write with the rest of this turn's (see the top of this file). */
  private enqueue(roomId: string, item: WorkItem): void {
    this.turn.push({ roomId, item });
    this.turnHandedOver ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        const writes = this.turn;
        this.turn = [];
        this.turnHandedOver = null;
        for (const write of writes) this.queue.push(write.roomId, write.item);
        resolve();
      }),
    );
  }

  private async persistLocal(req: LocalEventRequest): Promise<PersistedEvent> {
    if (!req.sender.endsWith(`:${this.deps.serverName}`)) {
      throw new MatrixError(403, ErrCode.Forbidden, `${req.sender} is not a user of ${this.deps.serverName}`);
    }
    const txn = req.txn ? { userId: req.sender, deviceId: req.txn.deviceId, txnId: req.txn.txnId } : undefined;
    let create: Pdu | null = null;
    let roomId: string;
    if (req.type === "m.room.create" && req.stateKey === "") {
      if (req.roomId !== null) throw new MatrixError(400, ErrCode.InvalidParam, "m.room.create makes a new room: roomId must be null");
      create = this.buildCreate(req);
      roomId = create.roomId;
    } else {
      if (req.roomId === null) throw new MatrixError(400, ErrCode.InvalidParam, "roomId is required");
      roomId = req.roomId;
    }
    return new Promise<PersistedEvent>((resolve, reject) => {
      this.enqueue(roomId, { kind: "local", req, roomId, create, txn, settle: { resolve, reject } });
    });
  }

  /** The answer to a send whose transaction ID was used for `eventId` already. */
  private async sentBefore(eventId: string): Promise<PersistedEvent> {
    const entry = await this.accessor.getEntry(eventId);
    // Events are never deleted, so this is a broken database rather than a client error.
    if (!entry) throw new Error(`event ${eventId} of a client transaction is not stored`);
    return { pdu: entry.pdu, streamOrdering: entry.streamOrdering, deduplicated: true };
  }

  private buildCreate(req: LocalEventRequest): Pdu {
    const rules = getRoomVersion(req.roomVersion ?? DEFAULT_ROOM_VERSION);
    if (rules === null) throw new MatrixError(400, ErrCode.UnsupportedRoomVersion, `unsupported room version ${req.roomVersion}`);
    return withBadJsonAsError(() =>
      buildEvent({
        rules,
        roomId: rules.roomIdFormat === "server" ? `!${randomString(18)}:${this.deps.serverName}` : undefined,
        sender: req.sender,
        type: req.type,
        stateKey: "",
        content: req.content,
        prevEvents: [],
        authEvents: [],
        originServerTs: req.originServerTs ?? this.deps.clock.now(),
        signingKey: this.deps.signingKey,
        serverName: this.deps.serverName,
        unsigned: req.unsigned,
      }),
    );
  }

  private persistInbound(event: InboundEvent): Promise<InboundResult> {
    return new Promise((resolve, reject) => this.enqueue(event.pdu.roomId, { kind: "inbound", event, settle: { resolve, reject } }));
  }

  /** One transaction for every item of `rooms`; settles each item. Never rejects. */
  private async runBatch(rooms: Map<string, WorkItem[]>): Promise<void> {
    /** How to answer each item added to the batch, once it has committed. */
    const answers: Array<() => void> = [];
    /** Sends whose transaction ID was used before: answered with that event, outside the transaction. */
    const repeated: Array<{ item: LocalItem; eventId: string }> = [];
    /** Items answered whatever becomes of the batch (refused ones, repeated sends). */
    const settled = new Set<WorkItem>();
    let batch: EventBatch | null = null;
    let range: [number, number] | null = null;
    /** What the stages prepared, each told once the transaction has ended. */
    const staged: StagedWork[] = [];
    try {
      await runInTransaction(this.deps.db, async (tx) => {
        batch = new EventBatch();
        const processor = new BatchProcessor(this.deps, this.accessor, this.resolver, this.heads, batch, tx);
        const stored = await this.storedTxns(tx, rooms);
        for (const items of rooms.values()) {
          for (const item of items) {
            try {
              if (item.kind === "inbound") {
                const result = await processor.addInbound(item.event);
                answers.push(() => item.settle.resolve(result));
                continue;
              }
              const sent = item.txn === undefined ? undefined : stored.get(txnKey(item.txn));
              if (sent !== undefined) {
                repeated.push({ item, eventId: sent });
                settled.add(item);
                continue;
              }
              const entry = item.create ? await processor.addCreate(item.create, item.txn) : await processor.addLocal(item.req, item.roomId, item.txn);
              answers.push(() => item.settle.resolve({ pdu: entry.pdu, streamOrdering: entry.streamOrdering, deduplicated: false }));
            } catch (err) {
              // Refused before writing anything for this item (auth, format): only it fails.
              const refusal = asRefusal(err);
              if (refusal === null) throw err;
              settled.add(item);
              item.settle.reject(refusal);
            }
          }
        }
        if (batch.events.length === 0) return;
        const changes = await processor.currentStateChanges();
        await batch.flush(tx, this.deps.stores, changes, (insert) => this.serializeInsert(async () => {
          const orderings = await insert();
          let min = Infinity;
          let max = -Infinity;
          for (const ordering of orderings) {
            if (ordering < min) min = ordering;
            if (ordering > max) max = ordering;
          }
          range = [min, max];
          this.tracker.register(min, max);
          return orderings;
        }));
        if (this.stages.length > 0) {
          const events = stageEvents(batch);
          const reader = this.batchReader(batch);
          for (const stage of this.stages) {
            const work = await stage.stage(tx, events, reader);
            if (work !== null) staged.push(work);
          }
        }
        const committed = batch;
        onCommit(tx, () => this.install(committed));
      });
    } catch (err) {
      for (const work of staged) work.rolledBack();
      for (const roomId of rooms.keys()) this.heads.forget(roomId);
      if (range !== null) this.tracker.settle(range[0], range[1], []);
      // Every other item fails with the batch (those after the failure too).
      for (const items of rooms.values()) for (const item of items) if (!settled.has(item)) item.settle.reject(err);
      this.answerRepeated(repeated);
      return;
    }
    for (const work of staged) work.committed();
    for (const answer of answers) answer();
    this.answerRepeated(repeated);
    if (batch !== null) this.tellCommitted(batch);
    if (range !== null && batch !== null) this.tracker.settle(range[0], range[1], this.notifications(batch));
  }

  /** The client transactions of the batch's local sends that storage already has (txnKey → event ID). */
  private storedTxns(tx: EntityManager, rooms: Map<string, WorkItem[]>): Promise<Map<string, string>> {
    const txns: SentTxn[] = [];
    for (const items of rooms.values()) for (const item of items) if (item.kind === "local" && item.txn !== undefined) txns.push(item.txn);
    return this.txnIds.findStored(tx, txns);
  }

  private answerRepeated(repeated: ReadonlyArray<{ item: LocalItem; eventId: string }>): void {
    for (const { item, eventId } of repeated) this.sentBefore(eventId).then(item.settle.resolve, item.settle.reject);
  }

  /** Reads the events of `batch` (not committed yet) as well as stored ones. */
  private batchReader(batch: EventBatch): { getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>> } {
    return {
      getEvents: async (eventIds) => {
        const out = new Map<string, Pdu>();
        const rest: string[] = [];
        for (const eventId of eventIds) {
          const entry = batch.overlay.get(eventId);
          if (entry === undefined) rest.push(eventId);
          else out.set(eventId, entry.pdu);
        }
        if (rest.length > 0) for (const [eventId, pdu] of await this.getEvents(rest)) out.set(eventId, pdu);
        return out;
      },
    };
  }

  /** After commit: the new heads, cached events and room versions. */
  private install(batch: EventBatch): void {
    for (const room of batch.rooms.values()) this.heads.set(room.head);
    for (const room of batch.newRooms) {
      const rules = getRoomVersion(room.roomVersion);
      if (rules) this.accessor.rememberRoomVersion(room.roomId, rules);
    }
    for (const entry of batch.overlay.values()) this.accessor.cacheEntry(entry);
    for (const event of batch.events) if (event.txn !== undefined) this.txnIds.remember(event.txn, event.pdu.eventId);
  }

  private tellCommitted(batch: EventBatch): void {
    if (this.committedListeners.size === 0) return;
    const events: CommittedEvent[] = [];
    for (const event of batch.events) {
      if (event.outlier || event.rejectedReason !== null || event.softFailed || event.groups === null) continue;
      const txn = event.txn === undefined ? null : { deviceId: event.txn.deviceId, txnId: event.txn.txnId };
      // flush() stores events at their depth as topological ordering.
      const { pdu, streamOrdering } = event;
      events.push({ pdu, streamOrdering, topologicalOrdering: pdu.depth, txn, stateGroups: event.groups });
    }
    if (events.length === 0) return;
    for (const listener of this.committedListeners) {
      try {
        listener(events);
      } catch {
        // A cache that failed to take the events reads them from storage instead.
      }
    }
  }

  /**
   * One "pdu" notification for the whole batch, at its highest visible position: every room with
   * visible events, and the users whose membership changed. One call, so that every listener
   * (sync waits, push, the Redis bridge) takes the batch in at once rather than room by room.
   */
  private notifications(batch: EventBatch): PendingNotification[] {
    const roomIds = new Set<string>();
    const userIds = new Set<string>();
    let position = 0;
    for (const event of batch.events) {
      if (event.outlier || event.rejectedReason !== null || event.softFailed) continue;
      roomIds.add(event.pdu.roomId);
      if (event.streamOrdering > position) position = event.streamOrdering;
      if (membershipOf(event.pdu) !== null) userIds.add(event.pdu.stateKey!);
    }
    if (roomIds.size === 0) return [];
    // Memberships that changed through state resolution concern their users too.
    for (const [roomId, changes] of batch.currentChanges) {
      if (!roomIds.has(roomId)) continue;
      for (const key of changes.keys()) {
        const { type, stateKey } = parseStateMapKey(key);
        if (type === "m.room.member") userIds.add(stateKey);
      }
    }
    const notifier = this.deps.notifier;
    return [{ position, send: () => notifier.notify("pdu", position, { roomIds: [...roomIds], userIds: [...userIds] }) }];
  }

  private async serializeInsert<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.insertTail;
    let release!: () => void;
    this.insertTail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** The batch's events as a BatchStage sees them, in stream order. */
function stageEvents(batch: EventBatch): StageEvent[] {
  const events = batch.events.map((event) => ({
    pdu: event.pdu,
    streamOrdering: event.streamOrdering,
    groups: event.groups,
    visible: !event.outlier && event.rejectedReason === null && !event.softFailed,
  }));
  return events.sort((a, b) => a.streamOrdering - b.streamOrdering);
}

/**
 * The error to answer one refused item with, or null for a failure of the whole batch. Content
 * that has no canonical JSON form (floats, huge integers) is the client's mistake.
 */
function asRefusal(err: unknown): MatrixError | null {
  if (err instanceof MatrixError) return err;
  if (err instanceof CanonicalJsonError) return new MatrixError(400, ErrCode.BadJson, err.message);
  return null;
}

function withBadJsonAsError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asRefusal(err) ?? err;
  }
}
