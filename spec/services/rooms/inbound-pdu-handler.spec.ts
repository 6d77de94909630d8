import { expect } from "chai";
import { MatrixError } from "../../../src/matrix/errors.js";
import type { PduJson } from "../../../src/matrix/pdu-json.js";
import type { Pdu } from "../../../src/room/pdu.js";
import { resolveState } from "../../../src/room/state-res/resolve.js";
import { stateMapKey } from "../../../src/room/state-map.js";
import type { EventPersister, ReceivePduOptions } from "../../../src/services/rooms/event-persister.js";
import { checkEventSignatures } from "../../../src/services/rooms/inbound-pdu-checks.js";
import { mkMembership, mkMessage, mkPowerLevels, mkState } from "../../helpers/event-builders.js";
import { ALICE, BOB, CAROL, RoomBuilder } from "../../helpers/room-builder.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejection } from "../../storage/rejection.js";
import { makePersister, testKeys } from "./event-persister-fixture.js";

const OPTS: ReceivePduOptions = { origin: "alpha.test", verifiedKeys: testKeys };

function json(pdu: Pdu): PduJson {
  return structuredClone(pdu.json) as PduJson;
}

/** A public v12 room on alpha.test where Bob (beta.test) has joined; Alice has power 100 as creator. */
function publicRoom(version = "12"): RoomBuilder {
  const room = RoomBuilder.create({ version, joinRule: "public", powerLevels: version === "12" ? { users: { [BOB]: 50 } } : undefined });
  room.join(BOB);
  return room;
}

async function receiveAll(persister: EventPersister, room: RoomBuilder, events: readonly Pdu[] = room.events): Promise<void> {
  for (const pdu of events) {
    const result = await persister.receivePdu(json(pdu), room.rules, OPTS);
    expect(result.status, `${pdu.type} ${result.reason ?? ""}`).to.equal("accepted");
  }
}

withAllDatabases("EventPersister.receivePdu", (getDb) => {
  it("accepts a room's events in order, building the same state as the sender", async () => {
    const { persister, stores, notifications } = makePersister(getDb());
    const room = publicRoom();
    room.send(BOB, mkMessage("hi"));
    await receiveAll(persister, room);
    const state = await persister.getCurrentState(room.roomId);
    expect(new Map(state)).to.deep.equal(new Map([...room.state].map(([key, pdu]) => [key, pdu.eventId])));
    expect(await persister.getForwardExtremities(room.roomId)).to.deep.equal([room.latest.eventId]);
    expect(await stores.currentState.selectRoomMembers(room.roomId)).to.deep.equal([ALICE, BOB].sort());
    expect(notifications.at(-1)?.targets.roomIds).to.deep.equal([room.roomId]);
    const again = await persister.receivePdu(json(room.latest), room.rules, OPTS);
    expect(again.status).to.equal("duplicate");
  });

  it("step 1: drops a malformed event without storing it", async () => {
    const { persister, stores } = makePersister(getDb());
    const room = publicRoom();
    const bad = { ...json(room.latest), depth: "deep" } as unknown as PduJson;
    const err = await rejection(persister.receivePdu(bad, room.rules, OPTS));
    expect(err).to.be.instanceOf(MatrixError);
    expect((err as MatrixError).status).to.equal(400);
    expect(await stores.events.selectMaxStreamOrdering()).to.equal(0);
  });

  it("step 2: drops an event with a bad signature or no signature by a known key", async () => {
    const { persister, stores } = makePersister(getDb());
    const room = publicRoom();
    await receiveAll(persister, room);
    const message = room.build(BOB, mkMessage("forged"));
    const forged = json(message);
    const sig = forged.signatures["beta.test"]!;
    const keyId = Object.keys(sig)[0]!;
    forged.origin_server_ts += 1; // signed field changed after signing
    const bad = await rejection(persister.receivePdu(forged, room.rules, OPTS));
    expect((bad as MatrixError).status).to.equal(403);
    expect((bad as MatrixError).message).to.match(/invalid signature/);
    const unknownKey = json(message);
    unknownKey.signatures = { "beta.test": { "ed25519:other": sig[keyId]! } };
    const unknown = await rejection(persister.receivePdu(unknownKey, room.rules, OPTS));
    expect((unknown as MatrixError).message).to.match(/no signature of beta\.test/);
    const before = await stores.events.selectMaxStreamOrdering();
    expect(await stores.events.selectEventIdsExisting([message.eventId])).to.have.property("size", 0);
    expect(await stores.events.selectMaxStreamOrdering()).to.equal(before);
  });

  it("step 3: stores the redacted form of an event whose content hash does not match", async () => {
    const { persister, stores } = makePersister(getDb());
    const room = publicRoom();
    await receiveAll(persister, room);
    const message = room.send(BOB, mkMessage("original"));
    const tampered = json(message);
    tampered.content = { msgtype: "m.text", body: "tampered" };
    const result = await persister.receivePdu(tampered, room.rules, OPTS);
    expect(result.status).to.equal("accepted");
    expect(result.pdu.eventId).to.equal(message.eventId);
    expect(result.pdu.content).to.deep.equal({});
    const stored = (await stores.events.selectEventsByIds([message.eventId])).get(message.eventId)!;
    expect(JSON.parse(stored.json).content).to.deep.equal({});
    // The stored form still carries a valid signature.
    await checkEventSignatures((await persister.getEvent(message.eventId))!, testKeys);
  });

  it("step 4: rejects an event its auth events do not allow, stores it rejected and never uses it", async () => {
    const { persister, stores } = makePersister(getDb());
    const room = publicRoom();
    await receiveAll(persister, room);
    // Carol never joined: her topic fails the rules against its own auth events.
    const topic = room.build(CAROL, mkState("m.room.topic", "", { topic: "intruder" }));
    const result = await persister.receivePdu(json(topic), room.rules, OPTS);
    expect(result.status).to.equal("rejected");
    expect(result.reason).to.match(/not joined/);
    const stored = (await stores.events.selectEventsByIds([topic.eventId])).get(topic.eventId)!;
    expect(stored.rejectedReason).to.match(/not joined/);
    expect((await persister.getCurrentState(room.roomId)).has(stateMapKey("m.room.topic", ""))).to.equal(false);
    expect(await persister.getForwardExtremities(room.roomId)).to.deep.equal([room.latest.eventId]);
    expect(await stores.events.selectEventsInRoomAfter(room.roomId, stored.streamOrdering - 1, { limit: 5 })).to.have.length(0);
    // An event citing the rejected one as an auth event is rejected too.
    const citing = room.build(BOB, mkMessage("x"), { authEvents: [...room.selectAuthEvents(BOB, mkMessage("x")), topic] });
    expect((await persister.receivePdu(json(citing), room.rules, OPTS)).status).to.equal("rejected");
  });

  it("step 4: rejects an event whose auth events are missing when nothing can fetch them", async () => {
    const { persister } = makePersister(getDb());
    const room = publicRoom();
    await receiveAll(persister, room, room.events.slice(0, -1)); // not Bob's join
    const message = room.build(BOB, mkMessage("hi"));
    const result = await persister.receivePdu(json(message), room.rules, OPTS);
    expect(result.status).to.equal("rejected");
    expect(result.reason).to.match(/unknown/);
  });

  it("step 4: fetches missing auth events and stores them as outliers", async () => {
    const { persister, stores } = makePersister(getDb());
    const room = publicRoom();
    const join = room.latest;
    await receiveAll(persister, room, room.events.slice(0, -1));
    const fetched: string[][] = [];
    const fetchMissing = async (_roomId: string, ids: string[]) => {
      fetched.push(ids);
      return room.events.filter((e) => ids.includes(e.eventId)).map(json);
    };
    const message = room.build(BOB, mkMessage("hi"), { prevEvents: [room.events.at(-2)!] });
    const result = await persister.receivePdu(json(message), room.rules, { ...OPTS, fetchMissing });
    expect(fetched).to.deep.equal([[join.eventId]]);
    expect(result.status).to.equal("rejected"); // state before (without the join) does not allow it
    expect(result.reason).to.match(/not joined/);
    const stored = (await stores.events.selectEventsByIds([join.eventId])).get(join.eventId)!;
    expect(stored.outlier).to.equal(true);
  });

  it("step 5: rejects an event allowed by its auth events but not by the state before it", async () => {
    const { persister } = makePersister(getDb());
    const room = publicRoom();
    const bobJoin = room.latest;
    room.send(ALICE, mkMembership(BOB, "ban"));
    await receiveAll(persister, room);
    // Bob cites his old join as auth event but builds on the ban.
    const message = room.build(BOB, mkMessage("evading"), { authEvents: [room.get("m.room.power_levels", "")!, bobJoin], check: false });
    const result = await persister.receivePdu(json(message), room.rules, OPTS);
    expect(result.status).to.equal("rejected");
    expect(result.reason).to.match(/not joined/);
  });

  it("step 6: soft-fails an event the current state does not allow: stored, not in the timeline, not an extremity", async () => {
    const { persister, stores } = makePersister(getDb());
    const room = publicRoom();
    const beforeBan = room.latest;
    const ban = room.send(ALICE, mkMembership(BOB, "ban"));
    await receiveAll(persister, room);
    const evading = room.build(BOB, mkState("m.room.topic", "", { topic: "evading" }), {
      prevEvents: [beforeBan],
      authEvents: [room.get("m.room.power_levels", "")!, beforeBan],
    });
    const result = await persister.receivePdu(json(evading), room.rules, OPTS);
    expect(result.status).to.equal("soft_failed");
    const stored = (await stores.events.selectEventsByIds([evading.eventId])).get(evading.eventId)!;
    expect(stored.softFailed).to.equal(true);
    expect(await stores.events.selectEventsInRoomAfter(room.roomId, stored.streamOrdering - 1, { limit: 5 })).to.have.length(0);
    expect(await persister.getForwardExtremities(room.roomId)).to.deep.equal([ban.eventId]);
    expect((await persister.getCurrentState(room.roomId)).has(stateMapKey("m.room.topic", ""))).to.equal(false);
    expect((await persister.getStateAfter(evading.eventId))?.get(stateMapKey("m.room.topic", ""))).to.equal(evading.eventId);
  });

  it("stores an event whose prev events are unknown as an outlier when nothing can fetch them", async () => {
    const { persister } = makePersister(getDb());
    const room = publicRoom();
    await receiveAll(persister, room);
    room.send(BOB, mkMessage("1"));
    const m2 = room.send(BOB, mkMessage("2"));
    const blind = await persister.receivePdu(json(m2), room.rules, OPTS);
    expect(blind).to.deep.include({ status: "accepted", outlier: true });
    expect(await persister.getForwardExtremities(room.roomId)).to.deep.equal([room.events.at(-3)!.eventId]);
    expect(await persister.getStateAfter(m2.eventId)).to.equal(null);
  });

  it("fetches missing prev events and persists them in order before the event", async () => {
    const { persister, stores } = makePersister(getDb());
    const room = publicRoom();
    await receiveAll(persister, room);
    const m1 = room.send(BOB, mkMessage("1"));
    room.send(BOB, mkMessage("2"));
    const m3 = room.send(BOB, mkMessage("3"));
    const asked: string[][] = [];
    const fetchMissing = async (_roomId: string, ids: string[]) => {
      asked.push(ids);
      return room.events.filter((e) => ids.includes(e.eventId)).map(json);
    };
    const result = await persister.receivePdu(json(m3), room.rules, { ...OPTS, fetchMissing });
    expect(result).to.deep.include({ status: "accepted", outlier: false });
    expect(asked).to.have.length(2);
    expect(await persister.getForwardExtremities(room.roomId)).to.deep.equal([m3.eventId]);
    const m1Stored = (await stores.events.selectEventsByIds([m1.eventId])).get(m1.eventId)!;
    expect(m1Stored.outlier).to.equal(false);
    expect(m1Stored.streamOrdering).to.be.lessThan(result.streamOrdering);
  });

  it("merges forks from two servers with state resolution, as resolveState computes it", async () => {
    const { persister, stores, notifications } = makePersister(getDb());
    const room = publicRoom("10");
    await receiveAll(persister, room);
    const base = room.latest;
    // alpha.test changes the topic and power levels; beta.test (Bob, power 0) also sets a topic.
    const alphaTopic = room.send(ALICE, mkState("m.room.topic", "", { topic: "alpha" }), { prevEvents: [base] });
    const alphaPower = room.send(ALICE, mkPowerLevels({ users: { [ALICE]: 100, [BOB]: 50 } }), { prevEvents: [alphaTopic] });
    const betaSide = new RoomBuilder(room.rules);
    for (const pdu of room.events.slice(0, room.events.indexOf(base) + 1)) betaSide.add(pdu);
    const betaName = betaSide.send(ALICE, mkState("m.room.name", "", { name: "beta" }), { prevEvents: [base] });
    for (const pdu of [alphaTopic, alphaPower, betaName]) {
      expect((await persister.receivePdu(json(pdu), room.rules, OPTS)).status).to.equal("accepted");
    }
    expect(new Set(await persister.getForwardExtremities(room.roomId))).to.deep.equal(new Set([alphaPower.eventId, betaName.eventId]));
    const all = new Map([...room.events, ...betaSide.events].map((e) => [e.eventId, e]));
    const expected = await resolveState(
      room.rules,
      [(await persister.getStateAfter(alphaPower.eventId))!, (await persister.getStateAfter(betaName.eventId))!],
      {
        fetchEvent: async (id) => all.get(id),
        fetchAuthChain: async (ids) => {
          const chain = new Set<string>();
          const stack = [...ids];
          while (stack.length > 0) {
            for (const authId of all.get(stack.pop()!)?.authEventIds ?? []) {
              if (chain.has(authId)) continue;
              chain.add(authId);
              stack.push(authId);
            }
          }
          return chain;
        },
      },
    );
    const current = await persister.getCurrentState(room.roomId);
    expect(new Map(current)).to.deep.equal(expected);
    expect(current.get(stateMapKey("m.room.name", ""))).to.equal(betaName.eventId);
    expect(current.get(stateMapKey("m.room.topic", ""))).to.equal(alphaTopic.eventId);
    expect(await stores.currentState.selectCurrentState(room.roomId)).to.deep.equal(expected);
    expect(notifications.at(-1)?.targets.roomIds).to.deep.equal([room.roomId]);

    // A local event now builds on both extremities, with the resolved state before it.
    const join = await persister.sendLocalEvent({ roomId: room.roomId, sender: "@dan:hs.test", type: "m.room.member", stateKey: "@dan:hs.test", content: { membership: "join" } });
    expect(new Set(join.pdu.prevEventIds)).to.deep.equal(new Set([alphaPower.eventId, betaName.eventId]));
    expect(new Map((await persister.getStateBefore(join.pdu.eventId))!)).to.deep.equal(expected);
    expect(await persister.getForwardExtremities(room.roomId)).to.deep.equal([join.pdu.eventId]);
    const remote = await rejection(persister.sendLocalEvent({ roomId: room.roomId, sender: ALICE, type: "m.room.message", content: {} }));
    expect((remote as MatrixError).status).to.equal(403);
  });
});
