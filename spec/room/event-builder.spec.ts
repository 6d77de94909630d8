import { expect } from "chai";
import { checkContentHash, computeReferenceHash } from "../../src/crypto/hashes.js";
import { verifyJsonSignature } from "../../src/crypto/json-signing.js";
import type { JsonObject, PduJson } from "../../src/matrix/pdu-json.js";
import { type BuildEventOptions, buildEvent, PREV_EVENTS_LIMIT } from "../../src/room/event-builder.js";
import { computeEventId, Pdu } from "../../src/room/pdu.js";
import { redactPduJson } from "../../src/room/redaction.js";
import { getRoomVersion, type RoomVersionRules } from "../../src/room/room-versions.js";
import { ALICE, RoomBuilder, testSigningKey } from "../helpers/room-builder.js";

function rules(id: string): RoomVersionRules {
  const found = getRoomVersion(id);
  if (found === null) throw new Error(`missing ${id}`);
  return found;
}

const key = testSigningKey("alpha.test");

function options(overrides: Partial<BuildEventOptions> = {}): BuildEventOptions {
  return {
    rules: rules("10"),
    roomId: "!r:alpha.test",
    sender: ALICE,
    type: "m.room.message",
    content: { msgtype: "m.text", body: "hello" },
    prevEvents: [],
    authEvents: [],
    originServerTs: 1_700_000_000_000,
    signingKey: key,
    serverName: "alpha.test",
    ...overrides,
  };
}

/** A stand-in event at `depth` (not signed; only its ID and depth matter here). */
function fakeEvent(depth: number, id: number): Pdu {
  return Pdu.fromJson(
    {
      room_id: "!r:alpha.test", sender: ALICE, type: "m.room.message", content: { n: id }, origin_server_ts: 1, depth,
      prev_events: [], auth_events: [], hashes: { sha256: String(id) }, signatures: {},
    },
    rules("10"),
  );
}

describe("buildEvent", () => {
  it("fills in the event fields", () => {
    const pdu = buildEvent(options({ stateKey: "", type: "m.room.topic", content: { topic: "t" } }));
    expect(pdu.json).to.include({ room_id: "!r:alpha.test", sender: ALICE, type: "m.room.topic", state_key: "", origin_server_ts: 1_700_000_000_000 });
    expect(pdu.content).to.deep.equal({ topic: "t" });
    expect(pdu.json).to.not.have.property("origin");
    expect(pdu.json).to.not.have.property("unsigned");
    expect(pdu.json).to.not.have.property("event_id");
  });

  it("sets depth to the deepest prev event plus one (1 without prev events)", () => {
    expect(buildEvent(options()).depth).to.equal(1);
    expect(buildEvent(options({ prevEvents: [fakeEvent(3, 1), fakeEvent(7, 2), fakeEvent(5, 3)] })).depth).to.equal(8);
  });

  it("caps depth at 2^53 − 1", () => {
    expect(buildEvent(options({ prevEvents: [fakeEvent(Number.MAX_SAFE_INTEGER, 1)] })).depth).to.equal(Number.MAX_SAFE_INTEGER);
  });

  it(`references at most the ${PREV_EVENTS_LIMIT} deepest prev events`, () => {
    const prevs = Array.from({ length: 15 }, (_, i) => fakeEvent(i + 1, i));
    const pdu = buildEvent(options({ prevEvents: prevs }));
    expect(pdu.prevEventIds).to.have.length(PREV_EVENTS_LIMIT);
    expect(new Set(pdu.prevEventIds)).to.deep.equal(new Set(prevs.slice(5).map((p) => p.eventId)));
    expect(pdu.depth).to.equal(16);
  });

  it("cites the auth events by ID", () => {
    const auth = [fakeEvent(1, 1), fakeEvent(2, 2)];
    expect(buildEvent(options({ authEvents: auth })).authEventIds).to.deep.equal(auth.map((a) => a.eventId));
  });

  it("adds a content hash covering the full event", () => {
    const pdu = buildEvent(options());
    expect(checkContentHash(pdu.json)).to.equal(true);
    expect(checkContentHash({ ...pdu.json, content: { body: "tampered" } })).to.equal(false);
  });

  it("signs the redacted form, so the signature survives redaction", () => {
    for (const version of ["1", "3", "6", "10", "11", "12"]) {
      const pdu = buildEvent(options({ rules: rules(version) }));
      const verifyKey = key.verifyKey();
      expect(verifyJsonSignature(redactPduJson(pdu.json as PduJson, rules(version)), "alpha.test", verifyKey), version).to.equal(true);
      expect(verifyJsonSignature(pdu.redact().json, "alpha.test", verifyKey), version).to.equal(true);
      // The full event is not what was signed: its content differs from the redacted content.
      expect(verifyJsonSignature(pdu.json, "alpha.test", verifyKey), version).to.equal(false);
    }
  });

  it("v3+: the event ID is the reference hash, unchanged by unsigned", () => {
    const plain = buildEvent(options());
    const withUnsigned = buildEvent(options({ unsigned: { age: 1, transaction_id: "t" } }));
    expect(withUnsigned.json.unsigned).to.deep.equal({ age: 1, transaction_id: "t" });
    expect(withUnsigned.eventId).to.equal(plain.eventId);
    const hash = computeReferenceHash(redactPduJson(plain.json as PduJson, rules("10")));
    expect(plain.eventId).to.equal("$" + hash.toString("base64url"));
  });

  it("v3+: the event ID is the one computed from the finished event, in every version", () => {
    for (const version of ["3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]) {
      const pdu = buildEvent(options({ rules: rules(version), content: { body: "x", msgtype: "m.text" } }));
      expect(pdu.eventId, version).to.equal(computeEventId(pdu.json as PduJson, rules(version)));
    }
  });

  it("v1/v2: a random $id:server event ID, and references as [id, {sha256: reference hash}]", () => {
    const previous = buildEvent(options({ rules: rules("2") }));
    expect(previous.eventId).to.match(/^\$[A-Za-z0-9]+:alpha\.test$/);
    expect(previous.json.event_id).to.equal(previous.eventId);
    const next = buildEvent(options({ rules: rules("2"), prevEvents: [previous], authEvents: [previous] }));
    const expectedHash = computeReferenceHash(redactPduJson(previous.json as PduJson, rules("2"))).toString("base64").replace(/=+$/, "");
    expect(next.json.prev_events).to.deep.equal([[previous.eventId, { sha256: expectedHash }]]);
    expect(next.json.auth_events).to.deep.equal([[previous.eventId, { sha256: expectedHash }]]);
    expect(next.eventId).to.not.equal(previous.eventId);
  });

  it("v12: the create event has no room_id and names the room by its own ID", () => {
    const create = buildEvent(options({ rules: rules("12"), roomId: undefined, type: "m.room.create", stateKey: "", content: { room_version: "12" } }));
    expect(create.json).to.not.have.property("room_id");
    expect(create.roomId).to.equal("!" + create.eventId.slice(1));
  });

  it("requires a room ID for every other event", () => {
    expect(() => buildEvent(options({ roomId: undefined }))).to.throw(/roomId is required/);
    expect(() => buildEvent(options({ rules: rules("11"), roomId: undefined, type: "m.room.create", stateKey: "", content: {} }))).to.throw(
      /roomId is required/,
    );
  });

  it("puts redacts at the top level up to v10 and in content from v11", () => {
    const old = buildEvent(options({ type: "m.room.redaction", content: { reason: "spam" }, redacts: "$target" }));
    expect(old.json.redacts).to.equal("$target");
    expect(old.content).to.deep.equal({ reason: "spam" });
    const current = buildEvent(options({ rules: rules("11"), type: "m.room.redaction", content: { reason: "spam" }, redacts: "$target" }));
    expect(current.json).to.not.have.property("redacts");
    expect(current.content).to.deep.equal({ reason: "spam", redacts: "$target" });
    expect(current.redacts).to.equal("$target");
  });

  it("leaves the caller's content and unsigned objects mutable", () => {
    const content: JsonObject = { msgtype: "m.text", body: "hi", nested: { a: 1 } };
    const unsigned: JsonObject = { transaction_id: "t" };
    const pdu = buildEvent(options({ content, unsigned }));
    expect(Object.isFrozen(pdu.content)).to.equal(true);
    expect(Object.isFrozen(content) || Object.isFrozen(content.nested) || Object.isFrozen(unsigned)).to.equal(false);
    content.body = "changed";
    expect(pdu.content.body).to.equal("hi");
  });

  it("includes origin when given", () => {
    expect(buildEvent(options({ origin: "alpha.test" })).json.origin).to.equal("alpha.test");
  });

  it("builds whole rooms whose events pass the authorization rules in every version", () => {
    for (const version of ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]) {
      const room = RoomBuilder.create({ version });
      expect(room.events.map((e) => e.type), version).to.deep.equal(["m.room.create", "m.room.member", "m.room.power_levels", "m.room.join_rules"]);
      expect(room.events.map((e) => e.depth)).to.deep.equal([1, 2, 3, 4]);
      const content: JsonObject = room.create.content;
      expect(content.room_version).to.equal(version);
    }
  });
});
