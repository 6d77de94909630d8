import { expect } from "chai";
import { ErrCode, MatrixError } from "../../../src/matrix/errors.js";
import { authorizeEvent } from "../../../src/room/auth/authorize.js";
import type { Pdu } from "../../../src/room/pdu.js";
import { getRoomVersion } from "../../../src/room/room-versions.js";
import { stateMapKey } from "../../../src/room/state-map.js";
import type { EventPersister } from "../../../src/services/rooms/event-persister.js";
import type { BatchStage } from "../../../src/services/rooms/event-persister-types.js";
import { StreamPositionsStore } from "../../../src/storage/stores/stream-positions-store.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejection } from "../../storage/rejection.js";
import { verifyJsonSignature } from "../../../src/crypto/json-signing.js";
import { redactPduJson } from "../../../src/room/redaction.js";
import { testSigningKey } from "../../helpers/room-builder.js";
import { createPublicRoom, LOCAL_ALICE, LOCAL_BOB, LOCAL_SERVER, makePersister } from "./event-persister-fixture.js";

withAllDatabases("EventPersister local events", (getDb) => {
  it("creates a v12 room whose ID derives from the create event, and an older room with a random ID", async () => {
    const { persister } = makePersister(getDb());
    const v12 = await persister.sendLocalEvent({ roomId: null, sender: LOCAL_ALICE, type: "m.room.create", stateKey: "", content: {} });
    expect(v12.pdu.roomId).to.equal("!" + v12.pdu.eventId.slice(1));
    expect((await persister.getRoomVersion(v12.pdu.roomId))?.id).to.equal("12");
    const v10 = await persister.sendLocalEvent({ roomId: null, roomVersion: "10", sender: LOCAL_ALICE, type: "m.room.create", stateKey: "", content: { creator: LOCAL_ALICE } });
    expect(v10.pdu.roomId).to.match(/^![A-Za-z0-9]+:hs\.test$/);
    expect(v10.pdu.json.room_id).to.equal(v10.pdu.roomId);
    expect((await persister.getRoomVersion(v10.pdu.roomId))?.id).to.equal("10");
  });

  it("persists events with prev events, auth events, state and the raw JSON byte for byte", async () => {
    const { persister, stores } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const topic = await persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.topic", stateKey: "", content: { topic: "hi" } });
    const message = await persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: "hello", msgtype: "m.text" } });
    expect(message.deduplicated).to.equal(false);
    expect(message.pdu.prevEventIds).to.deep.equal([topic.pdu.eventId]);
    expect(message.streamOrdering).to.be.greaterThan(topic.streamOrdering);
    const state = await persister.getCurrentState(roomId);
    expect(state.get(stateMapKey("m.room.topic", ""))).to.equal(topic.pdu.eventId);
    const authIds = new Set(message.pdu.authEventIds);
    expect(authIds).to.deep.equal(new Set([state.get(stateMapKey("m.room.power_levels", "")), state.get(stateMapKey("m.room.member", LOCAL_ALICE))]));
    const stored = (await stores.events.selectEventsByIds([message.pdu.eventId])).get(message.pdu.eventId)!;
    expect(stored.json).to.equal(JSON.stringify(message.pdu.json));
    expect(stored.streamOrdering).to.equal(message.streamOrdering);
    expect(await stores.graph.selectForwardExtremities(roomId)).to.deep.equal([message.pdu.eventId]);
    expect((await stores.currentState.selectCurrentState(roomId)).get(stateMapKey("m.room.topic", ""))).to.equal(topic.pdu.eventId);
    expect(await stores.currentState.selectRoomMembers(roomId)).to.deep.equal([LOCAL_ALICE]);
    expect((await persister.getStateBefore(topic.pdu.eventId))?.has(stateMapKey("m.room.topic", ""))).to.equal(false);
    expect((await persister.getStateAfter(topic.pdu.eventId))?.get(stateMapKey("m.room.topic", ""))).to.equal(topic.pdu.eventId);
    expect((await persister.getStateEvent(roomId, "m.room.topic", ""))?.content).to.deep.equal({ topic: "hi" });
    expect((await persister.getEvent(message.pdu.eventId))?.eventId).to.equal(message.pdu.eventId);
  });

  it("stores, caches and returns local events with their real signatures, however many share a batch", async () => {
    const { persister, stores } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const sent = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: i % 3 === 0 ? "m.room.topic" : "m.room.message", stateKey: i % 3 === 0 ? "" : undefined, content: { body: `${i}`, topic: `${i}` } })));
    const verifyKey = testSigningKey(LOCAL_SERVER).verifyKey();
    const stored = await stores.events.selectEventsByIds(sent.map((e) => e.pdu.eventId));
    for (const { pdu } of sent) {
      expect(verifyJsonSignature(redactPduJson(pdu.json, pdu.rules), LOCAL_SERVER, verifyKey), pdu.eventId).to.equal(true);
      expect(stored.get(pdu.eventId)?.json).to.equal(JSON.stringify(pdu.json));
      expect((await persister.getEvent(pdu.eventId))?.json).to.deep.equal(pdu.json);
    }
  });

  it("answers a repeated transaction ID with the first event and stores it once", async () => {
    const { persister, stores } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const req = { roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: "once" }, txn: { deviceId: "DEV", txnId: "t1" } };
    const [first, concurrent] = await Promise.all([persister.sendLocalEvent(req), persister.sendLocalEvent(req)]);
    const later = await persister.sendLocalEvent(req);
    expect(concurrent.pdu.eventId).to.equal(first.pdu.eventId);
    expect(concurrent.deduplicated).to.equal(true);
    expect(later).to.deep.include({ deduplicated: true, streamOrdering: first.streamOrdering });
    expect(later.pdu.eventId).to.equal(first.pdu.eventId);
    // A restarted persister finds it in storage.
    const again = await makePersister(getDb()).persister.sendLocalEvent(req);
    expect(again.pdu.eventId).to.equal(first.pdu.eventId);
    expect(await stores.events.selectEventsInRoomAfter(roomId, first.streamOrdering - 1, { limit: 10 })).to.have.length(1);
    const other = await persister.sendLocalEvent({ ...req, txn: { deviceId: "OTHER", txnId: "t1" } });
    expect(other.pdu.eventId).to.not.equal(first.pdu.eventId);
  });

  it("answers a retry from memory once the first send has committed, without reading storage", async () => {
    const { persister, stores } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const reads: string[][] = [];
    const select = stores.txnIds.selectEventIdsByTxnIds.bind(stores.txnIds);
    stores.txnIds.selectEventIdsByTxnIds = (userId, deviceId, txnIds, em) => {
      reads.push([...txnIds]);
      return select(userId, deviceId, txnIds, em);
    };
    const req = { roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: "once" }, txn: { deviceId: "DEV", txnId: "t1" } };
    const first = await persister.sendLocalEvent(req);
    expect(reads).to.deep.equal([["t1"]]);
    const retry = await persister.sendLocalEvent(req);
    expect(retry).to.deep.include({ deduplicated: true, streamOrdering: first.streamOrdering });
    expect(reads).to.have.length(1);
  });

  it("answers a retry whose transaction has left the memory from storage", async () => {
    const { persister } = makePersister(getDb(), { txnCacheSize: 1 });
    const roomId = await createPublicRoom(persister);
    const send = (txnId: string) => persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: txnId }, txn: { deviceId: "DEV", txnId } });
    const first = await send("t1");
    await send("t2");
    const retry = await send("t1");
    expect(retry).to.deep.include({ deduplicated: true, streamOrdering: first.streamOrdering });
  });

  it("reads storage once per device for a batch's transaction IDs, and answers a repeat after a restart beside new sends", async () => {
    const db = getDb();
    const { persister } = makePersister(db);
    const roomId = await createPublicRoom(persister);
    const send = (p: EventPersister, txnId: string, deviceId = "DEV") =>
      p.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: txnId }, txn: { deviceId, txnId } });
    const old = await send(persister, "old");
    await persister.idle();

    const restarted = makePersister(db);
    const reads: string[][] = [];
    const select = restarted.stores.txnIds.selectEventIdsByTxnIds.bind(restarted.stores.txnIds);
    restarted.stores.txnIds.selectEventIdsByTxnIds = (userId, deviceId, txnIds, em) => {
      reads.push([deviceId, ...txnIds]);
      return select(userId, deviceId, txnIds, em);
    };
    const before = restarted.notifications.length;
    const [repeat, a, b, c] = await Promise.all([send(restarted.persister, "old"), send(restarted.persister, "a"), send(restarted.persister, "b"), send(restarted.persister, "c", "PHONE")]);
    expect(reads).to.deep.equal([["DEV", "old", "a", "b"], ["PHONE", "c"]]);
    expect(repeat).to.deep.include({ deduplicated: true, streamOrdering: old.streamOrdering });
    expect(repeat.pdu.eventId).to.equal(old.pdu.eventId);
    expect([a, b, c].map((e) => e.deduplicated)).to.deep.equal([false, false, false]);
    expect(restarted.notifications.length - before).to.equal(1);
  });

  it("fails every send of a batch whose transaction fails, and goes on afterwards", async () => {
    const { persister, stores } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const heads = await persister.getForwardExtremities(roomId);
    const select = stores.txnIds.selectEventIdsByTxnIds.bind(stores.txnIds);
    stores.txnIds.selectEventIdsByTxnIds = async () => {
      throw new Error("disk on fire");
    };
    const send = (body: string, txnId?: string) =>
      persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body }, txn: txnId === undefined ? undefined : { deviceId: "DEV", txnId } });
    const results = await Promise.allSettled([send("plain"), send("with txn", "t1"), send("after")]);
    expect(results.map((r) => r.status === "rejected" && (r.reason as Error).message)).to.deep.equal(["disk on fire", "disk on fire", "disk on fire"]);
    stores.txnIds.selectEventIdsByTxnIds = select;
    const again = await send("with txn", "t1");
    expect(again.deduplicated).to.equal(false);
    // Nothing of the failed batch is in the room.
    expect(again.pdu.prevEventIds).to.deep.equal(heads);
  });

  it("refuses an unauthorized event with 403 M_FORBIDDEN and the reason, storing nothing", async () => {
    const { persister, stores, notifications } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const before = await stores.events.selectMaxStreamOrdering();
    const notified = notifications.length;
    const err = await rejection(persister.sendLocalEvent({ roomId, sender: LOCAL_BOB, type: "m.room.message", content: { body: "not joined" } }));
    expect(err).to.be.instanceOf(MatrixError);
    expect((err as MatrixError).status).to.equal(403);
    expect((err as MatrixError).errcode).to.equal(ErrCode.Forbidden);
    expect((err as MatrixError).message).to.match(/not joined/);
    expect(await stores.events.selectMaxStreamOrdering()).to.equal(before);
    expect(notifications.length).to.equal(notified);
    // The room goes on normally afterwards.
    await persister.sendLocalEvent({ roomId, sender: LOCAL_BOB, type: "m.room.member", stateKey: LOCAL_BOB, content: { membership: "join" } });
    await persister.sendLocalEvent({ roomId, sender: LOCAL_BOB, type: "m.room.message", content: { body: "joined now" } });
  });

  it("refuses content without canonical JSON (400) and unknown rooms (404)", async () => {
    const { persister } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const float = await rejection(persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { n: 1.5 } }));
    expect((float as MatrixError).status).to.equal(400);
    const unknown = await rejection(persister.sendLocalEvent({ roomId: "!nope:hs.test", sender: LOCAL_ALICE, type: "m.room.message", content: {} }));
    expect((unknown as MatrixError).status).to.equal(404);
  });

  it("marks the target of an applicable redaction as redacted", async () => {
    const { persister, stores } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    await persister.sendLocalEvent({ roomId, sender: LOCAL_BOB, type: "m.room.member", stateKey: LOCAL_BOB, content: { membership: "join" } });
    const message = await persister.sendLocalEvent({ roomId, sender: LOCAL_BOB, type: "m.room.message", content: { body: "oops" } });
    const redaction = await persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.redaction", content: {}, redacts: message.pdu.eventId });
    expect(redaction.pdu.redacts).to.equal(message.pdu.eventId);
    const stored = (await stores.events.selectEventsByIds([message.pdu.eventId])).get(message.pdu.eventId)!;
    expect(stored.redactedBy).to.equal(redaction.pdu.eventId);
  });

  it("notifies after commit with the room, naming the target of membership changes", async () => {
    const { persister, notifications } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    notifications.length = 0;
    const join = await persister.sendLocalEvent({ roomId, sender: LOCAL_BOB, type: "m.room.member", stateKey: LOCAL_BOB, content: { membership: "join" } });
    expect(notifications).to.deep.equal([{ stream: "pdu", position: join.streamOrdering, targets: { roomIds: [roomId], userIds: [LOCAL_BOB] } }]);
  });

  it("authorizes each event of a group commit against the state after the ones before it", async () => {
    const { persister } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    // Queued together: Bob's message is only allowed because his join comes first in the batch.
    const results = await Promise.allSettled([
      persister.sendLocalEvent({ roomId, sender: LOCAL_BOB, type: "m.room.member", stateKey: LOCAL_BOB, content: { membership: "join" } }),
      persister.sendLocalEvent({ roomId, sender: LOCAL_BOB, type: "m.room.message", content: { body: "in" } }),
      persister.sendLocalEvent({ roomId, sender: LOCAL_BOB, type: "m.room.member", stateKey: LOCAL_BOB, content: { membership: "leave" } }),
      persister.sendLocalEvent({ roomId, sender: LOCAL_BOB, type: "m.room.message", content: { body: "out" } }),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(["fulfilled", "fulfilled", "fulfilled", "rejected"]);
    const rules = getRoomVersion("12")!;
    for (const result of results) {
      if (result.status !== "fulfilled") continue;
      const before = (await persister.getStateBefore(result.value.pdu.eventId))!;
      const events = new Map<string, NonNullable<Awaited<ReturnType<EventPersister["getEvent"]>>>>();
      for (const eventId of before.values()) events.set(eventId, (await persister.getEvent(eventId))!);
      expect(() => authorizeEvent(result.value.pdu, (type, stateKey) => events.get(before.get(stateMapKey(type, stateKey)) ?? ""), rules)).to.not.throw();
    }
  });
});

/** Runs `fn` from `count` separate callbacks of one turn of the event loop, as requests read from different sockets are. */
function fromSeparateCallbacks<T>(count: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => new Promise<T>((resolve, reject) => setImmediate(() => fn(i).then(resolve, reject)))));
}

withAllDatabases("EventPersister group commit", (getDb) => {
  // On SQLite a batch runs to its commit without waiting for I/O: started at once, each of
  // these sends would take a transaction of its own (one notification each).
  it("persists the sends of separate callbacks of one turn in one batch", async () => {
    const { persister, notifications } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const before = notifications.length;
    const sent = await fromSeparateCallbacks(5, (i) =>
      persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: `m${i}` }, txn: { deviceId: "DEV", txnId: `t${i}` } }));
    expect(notifications.length - before).to.equal(1);
    expect(new Set(sent.map((s) => s.pdu.eventId)).size).to.equal(5);
    expect(sent.map((s) => s.streamOrdering)).to.deep.equal([...sent.map((s) => s.streamOrdering)].sort((a, b) => a - b));
  });

  it("announces a batch over several rooms in one notification, at its highest position", async () => {
    const { persister, notifications } = makePersister(getDb());
    const [first, second] = await Promise.all([createPublicRoom(persister), createPublicRoom(persister)]);
    notifications.length = 0;
    const sent = await Promise.all([
      persister.sendLocalEvent({ roomId: first, sender: LOCAL_ALICE, type: "m.room.message", content: { body: "1" } }),
      persister.sendLocalEvent({ roomId: second, sender: LOCAL_BOB, type: "m.room.member", stateKey: LOCAL_BOB, content: { membership: "join" } }),
      persister.sendLocalEvent({ roomId: first, sender: LOCAL_ALICE, type: "m.room.message", content: { body: "2" } }),
    ]);
    expect(notifications).to.have.length(1);
    expect(notifications[0]!.position).to.equal(Math.max(...sent.map((e) => e.streamOrdering)));
    expect(new Set(notifications[0]!.targets.roomIds)).to.deep.equal(new Set([first, second]));
    expect(notifications[0]!.targets.userIds).to.deep.equal([LOCAL_BOB]);
  });

  it("tells onCommitted listeners of a batch's visible events after commit, before announcing them", async () => {
    const { persister, stores, notifications } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const seen: Array<{ events: Array<Record<string, unknown>>; announced: number }> = [];
    persister.onCommitted(() => {
      throw new Error("a broken listener changes nothing");
    });
    const unsubscribe = persister.onCommitted((events) =>
      seen.push({ announced: notifications.length, events: events.map((e) => ({ ...e, pdu: e.pdu.eventId })) }));
    const before = notifications.length;
    const [message, refused] = await Promise.allSettled([
      persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: "hi" }, txn: { deviceId: "DEV", txnId: "t1" } }),
      persister.sendLocalEvent({ roomId, sender: LOCAL_BOB, type: "m.room.message", content: { body: "not joined" } }),
    ]);
    const redaction = await persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.redaction", content: {}, redacts: (message as PromiseFulfilledResult<{ pdu: Pdu }>).value.pdu.eventId });
    expect(refused.status).to.equal("rejected");
    const sent = (message as PromiseFulfilledResult<Awaited<ReturnType<EventPersister["sendLocalEvent"]>>>).value;
    const groups = (await stores.state.selectEventStateGroups([sent.pdu.eventId])).get(sent.pdu.eventId)!;
    expect(seen[0]).to.deep.equal({
      announced: before,
      events: [{
        pdu: sent.pdu.eventId,
        streamOrdering: sent.streamOrdering,
        topologicalOrdering: sent.pdu.depth,
        txn: { deviceId: "DEV", txnId: "t1" },
        stateGroups: { before: groups.stateGroupBefore, after: groups.stateGroupAfter },
      }],
    });
    expect(seen[1]!.events.map((e) => [e.pdu, e.txn])).to.deep.equal([[redaction.pdu.eventId, null]]);
    unsubscribe();
    await persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: "unheard" } });
    expect(seen).to.have.length(2);
  });

  it("starts a turn's batch only after that turn's callbacks have run", async () => {
    const { persister } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const order: string[] = [];
    const sent = fromSeparateCallbacks(3, async (i) => {
      order.push(`callback ${i}`);
      const event = await persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: `${i}` } });
      order.push(`sent ${i}`);
      return event;
    });
    await sent;
    expect(order).to.deep.equal(["callback 0", "callback 1", "callback 2", "sent 0", "sent 1", "sent 2"]);
  });

  it("idle() waits for writes not yet handed to a batch", async () => {
    const { persister, stores } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const sending = persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: "later" } });
    await persister.idle();
    const max = await stores.events.selectMaxStreamOrdering();
    expect((await sending).streamOrdering).to.equal(max);
  });
});

/** Every timeline event of the room passes the authorization rules against the state before it. */
async function expectEveryEventAuthorized(persister: EventPersister, stores: ReturnType<typeof makePersister>["stores"], roomId: string): Promise<number> {
  const events = await stores.events.selectEventsInRoomAfter(roomId, 0, { limit: 100_000 });
  for (const stored of events) {
    const pdu = (await persister.getEvent(stored.eventId))!;
    const before = (await persister.getStateBefore(stored.eventId))!;
    const lookup = new Map<string, Pdu>();
    for (const eventId of before.values()) lookup.set(eventId, (await persister.getEvent(eventId))!);
    expect(() => authorizeEvent(pdu, (type, stateKey) => lookup.get(before.get(stateMapKey(type, stateKey)) ?? ""))).to.not.throw();
    for (const prev of pdu.prevEventIds) expect(await persister.getEvent(prev)).to.not.equal(null);
  }
  return events.length;
}

withAllDatabases("EventPersister concurrency", (getDb) => {
  it("50 concurrent senders into one room: nothing lost, orderings unique, every event authorized", async () => {
    const { persister, stores, notifications } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const users = Array.from({ length: 50 }, (_, i) => `@user${i}:hs.test`);
    const sent = await Promise.all(users.map(async (user) => {
      const join = await persister.sendLocalEvent({ roomId, sender: user, type: "m.room.member", stateKey: user, content: { membership: "join" } });
      const messages = await Promise.all([1, 2, 3].map((n) => persister.sendLocalEvent({ roomId, sender: user, type: "m.room.message", content: { body: `${user} ${n}` } })));
      return [join, ...messages];
    }));
    const orderings = sent.flat().map((e) => e.streamOrdering);
    expect(new Set(orderings).size).to.equal(200);
    expect(await expectEveryEventAuthorized(persister, stores, roomId)).to.equal(4 + 200);
    expect(await stores.currentState.selectRoomMembers(roomId)).to.have.length(51);
    expect(await persister.getForwardExtremities(roomId)).to.have.length(1);
    const positions = notifications.map((n) => n.position);
    expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
  });

  it("50 rooms written concurrently: nothing lost, orderings unique, notifications in order", async () => {
    const { persister, stores, notifications } = makePersister(getDb(), { concurrentBatches: 4 });
    const rooms = await Promise.all(Array.from({ length: 50 }, () => createPublicRoom(persister)));
    const sent = await Promise.all(rooms.flatMap((roomId) => [1, 2, 3, 4].map((n) =>
      persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: `${n}` } }))));
    expect(new Set(sent.map((e) => e.streamOrdering)).size).to.equal(200);
    for (const roomId of rooms) expect(await expectEveryEventAuthorized(persister, stores, roomId)).to.equal(8);
    const positions = notifications.map((n) => n.position);
    expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
    expect(Math.max(...positions)).to.equal(await stores.events.selectMaxStreamOrdering());
  });
});

withAllDatabases("EventPersister batch stages", (getDb) => {
  /** A stage that records its calls in `log` and writes the batch's last position to its own counter. */
  function recordingStage(name: string, log: string[], opts: { fail?: boolean } = {}): BatchStage {
    const positions = new StreamPositionsStore(getDb());
    return {
      stage: async (tx, events) => {
        log.push(`${name} stage ${events.map((e) => e.pdu.content.body ?? e.pdu.type).join(",")}`);
        await positions.advanceStreamPosition(tx, `test_stage_${name}`, events[events.length - 1]!.streamOrdering);
        if (opts.fail) throw new Error(`${name} fails`);
        return { committed: () => void log.push(`${name} committed`), rolledBack: () => void log.push(`${name} rolled back`) };
      },
    };
  }
  const stored = (name: string) => new StreamPositionsStore(getDb()).selectStreamPosition(`test_stage_${name}`);

  it("runs every stage in order in the batch's transaction, and tells each of the commit", async () => {
    const { persister } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const log: string[] = [];
    const first = recordingStage("first", log);
    persister.addBatchStage(first);
    persister.addBatchStage(recordingStage("second", log));
    // Added twice, run once.
    persister.addBatchStage(first);
    const sent = await persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: "staged" } });
    expect(log).to.deep.equal(["first stage staged", "second stage staged", "first committed", "second committed"]);
    expect(await stored("first")).to.equal(sent.streamOrdering);
    expect(await stored("second")).to.equal(sent.streamOrdering);
  });

  it("fails the batch when a later stage throws: the events and every stage's writes roll back", async () => {
    const { persister, stores, notifications } = makePersister(getDb());
    const roomId = await createPublicRoom(persister);
    const log: string[] = [];
    const failing = recordingStage("failing", log, { fail: true });
    persister.addBatchStage(recordingStage("earlier", log));
    persister.addBatchStage(failing);
    const announced = notifications.length;
    const maxBefore = await stores.events.selectMaxStreamOrdering();
    const before = await stored("earlier");
    const error = await persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: "lost" } }).then(() => null, (err: unknown) => err);
    expect((error as Error | null)?.message).to.equal("failing fails");
    expect(log).to.deep.equal(["earlier stage lost", "failing stage lost", "earlier rolled back"]);
    expect(await stored("earlier")).to.equal(before);
    expect(await stored("failing")).to.equal(0);
    expect(notifications.length).to.equal(announced);
    expect(await stores.events.selectMaxStreamOrdering()).to.equal(maxBefore);

    // Removed, the stage runs no more and batches commit again.
    persister.removeBatchStage(failing);
    log.length = 0;
    const sent = await persister.sendLocalEvent({ roomId, sender: LOCAL_ALICE, type: "m.room.message", content: { body: "kept" } });
    expect(log).to.deep.equal(["earlier stage kept", "earlier committed"]);
    expect(await stored("earlier")).to.equal(sent.streamOrdering);
  });
});
