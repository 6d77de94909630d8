import { expect } from "chai";
import { createHash } from "node:crypto";
import { canonicalJson } from "../../src/crypto/canonical-json.js";
import type { JsonObject, PduJson } from "../../src/matrix/pdu-json.js";
import { computeEventId, Pdu } from "../../src/room/pdu.js";
import { PduFormatError } from "../../src/room/pdu-format-error.js";
import { redactPduJson } from "../../src/room/redaction.js";
import { getRoomVersion, type RoomVersionRules } from "../../src/room/room-versions.js";
import { stateMapKey } from "../../src/room/state-map.js";
import { ALICE, RoomBuilder } from "../helpers/room-builder.js";
import { mkMessage, mkRedaction } from "../helpers/event-builders.js";

function rules(id: string): RoomVersionRules {
  const found = getRoomVersion(id);
  if (found === null) throw new Error(`missing ${id}`);
  return found;
}

function pduJson(overrides: JsonObject = {}): PduJson {
  return {
    room_id: "!r:example.org",
    sender: "@a:example.org",
    type: "m.room.message",
    content: { body: "hello", msgtype: "m.text" },
    origin_server_ts: 1_000,
    depth: 4,
    prev_events: ["$p1", "$p2"],
    auth_events: ["$a1"],
    hashes: { sha256: "abc" },
    signatures: { "example.org": { "ed25519:k": "sig" } },
    ...overrides,
  } as PduJson;
}

/** The reference hash by the spec's four steps, independently of src/crypto/hashes.ts. */
function referenceHash(json: PduJson, r: RoomVersionRules): Buffer {
  const redacted = redactPduJson(json, r) as unknown as JsonObject;
  delete redacted.signatures;
  delete redacted.unsigned;
  return createHash("sha256").update(canonicalJson(redacted), "utf8").digest();
}

describe("Pdu", () => {
  describe("event IDs", () => {
    it("v1/v2: takes the event_id field", () => {
      for (const version of ["1", "2"]) {
        const json = pduJson({ event_id: "$abc:example.org", prev_events: [["$p1", { sha256: "x" }]], auth_events: [["$a1", { sha256: "y" }]] });
        const pdu = Pdu.fromJson(json, rules(version));
        expect(pdu.eventId).to.equal("$abc:example.org");
        expect(pdu.prevEventIds).to.deep.equal(["$p1"]);
        expect(pdu.authEventIds).to.deep.equal(["$a1"]);
      }
    });

    it("v1: refuses an event without event_id", () => {
      expect(() => Pdu.fromJson(pduJson({ prev_events: [], auth_events: [] }), rules("1"))).to.throw(PduFormatError, /event_id/);
    });

    it("v1: refuses references that are not [id, hashes] pairs", () => {
      expect(() => Pdu.fromJson(pduJson({ event_id: "$e:x" }), rules("1"))).to.throw(PduFormatError, /prev_events\[0\]/);
    });

    it("v3: $ + standard unpadded base64 of the reference hash", () => {
      const json = pduJson();
      const expected = "$" + referenceHash(json, rules("3")).toString("base64").replace(/=+$/, "");
      expect(Pdu.fromJson(json, rules("3")).eventId).to.equal(expected);
    });

    it("v4 and later: $ + URL-safe unpadded base64 of the reference hash", () => {
      for (const version of ["4", "5", "6", "7", "8", "9", "10", "11", "12"]) {
        const json = pduJson();
        const expected = "$" + referenceHash(json, rules(version)).toString("base64url");
        expect(Pdu.fromJson(json, rules(version)).eventId, version).to.equal(expected);
      }
    });

    it("v3+: refuses references that are not strings", () => {
      expect(() => Pdu.fromJson(pduJson({ auth_events: [["$a", {}]] }), rules("4"))).to.throw(PduFormatError, /auth_events\[0\]/);
    });

    it("does not depend on unsigned, signatures or non-essential content (covered by the content hash only)", () => {
      const base = Pdu.fromJson(pduJson(), rules("10")).eventId;
      expect(Pdu.fromJson(pduJson({ unsigned: { age: 5 } }), rules("10")).eventId).to.equal(base);
      expect(Pdu.fromJson(pduJson({ signatures: {} }), rules("10")).eventId).to.equal(base);
      expect(Pdu.fromJson(pduJson({ content: { body: "changed" } }), rules("10")).eventId).to.equal(base);
      expect(Pdu.fromJson(pduJson({ hashes: { sha256: "other" } }), rules("10")).eventId).to.not.equal(base);
      expect(Pdu.fromJson(pduJson({ depth: 5 }), rules("10")).eventId).to.not.equal(base);
    });

    it("round-trips: a built event's ID is recomputed identically from its JSON and from its redacted form", () => {
      for (const version of ["1", "3", "4", "10", "11", "12"]) {
        const room = RoomBuilder.create({ version, joinRule: "public" });
        const message = room.send(ALICE, mkMessage("hi"));
        expect(Pdu.fromJson(structuredClone(message.json) as PduJson, rules(version)).eventId, version).to.equal(message.eventId);
        const redacted = message.redact();
        expect(redacted.eventId).to.equal(message.eventId);
        expect(computeEventId(structuredClone(redacted.json) as PduJson, rules(version)), version).to.equal(message.eventId);
      }
    });

    it("trusts an event ID given by the caller", () => {
      expect(Pdu.fromJson(pduJson(), rules("10"), "$known").eventId).to.equal("$known");
    });

    it("v3–v5: an event with a float has no reference hash and is refused", () => {
      const json = pduJson({ type: "m.room.power_levels", state_key: "", content: { users: { "@a:example.org": 50.5 } } });
      expect(() => Pdu.fromJson(json, rules("5"))).to.throw(PduFormatError, /reference hash/);
    });
  });

  describe("room IDs", () => {
    it("takes room_id, and refuses an event without one", () => {
      expect(Pdu.fromJson(pduJson(), rules("12")).roomId).to.equal("!r:example.org");
      const { room_id: _r, ...withoutRoom } = pduJson();
      expect(() => Pdu.fromJson(withoutRoom as PduJson, rules("11"))).to.throw(PduFormatError, /room_id/);
      expect(() => Pdu.fromJson(structuredClone(withoutRoom) as PduJson, rules("12"))).to.throw(PduFormatError, /room_id/);
    });

    it("v12: the create event's room ID is its event ID with the ! sigil (the reference hash, URL-safe)", () => {
      const { room_id: _r, ...create } = pduJson({ type: "m.room.create", state_key: "", content: { room_version: "12" }, prev_events: [], auth_events: [] });
      const pdu = Pdu.fromJson(create as PduJson, rules("12"));
      const hash = referenceHash(create as PduJson, rules("12"));
      expect(pdu.roomId).to.equal("!" + hash.toString("base64url"));
      expect(pdu.eventId).to.equal("$" + hash.toString("base64url"));
    });

    it("v11: a create event keeps its room_id", () => {
      const create = pduJson({ type: "m.room.create", state_key: "", content: {}, prev_events: [], auth_events: [] });
      expect(Pdu.fromJson(create, rules("11")).roomId).to.equal("!r:example.org");
    });
  });

  describe("fields", () => {
    it("exposes the typed fields", () => {
      const pdu = Pdu.fromJson(pduJson({ type: "m.room.topic", state_key: "", content: { topic: "t" } }), rules("10"));
      expect(pdu.sender).to.equal("@a:example.org");
      expect(pdu.type).to.equal("m.room.topic");
      expect(pdu.stateKey).to.equal("");
      expect(pdu.content).to.deep.equal({ topic: "t" });
      expect(pdu.originServerTs).to.equal(1_000);
      expect(pdu.depth).to.equal(4);
      expect(pdu.prevEventIds).to.deep.equal(["$p1", "$p2"]);
      expect(pdu.authEventIds).to.deep.equal(["$a1"]);
      expect(pdu.rules).to.equal(rules("10"));
      expect(pdu.isState()).to.equal(true);
      expect(pdu.stateMapKey()).to.equal(stateMapKey("m.room.topic", ""));
    });

    it("non-state events have no state map key", () => {
      const pdu = Pdu.fromJson(pduJson(), rules("10"));
      expect(pdu.isState()).to.equal(false);
      expect(pdu.stateKey).to.equal(undefined);
      expect(() => pdu.stateMapKey()).to.throw(/not a state event/);
    });

    it("reads redacts at the top level up to v10 and from content from v11", () => {
      const room10 = RoomBuilder.create({ version: "10" });
      const target10 = room10.latest.eventId;
      const redaction10 = room10.send(ALICE, mkRedaction(target10));
      expect(redaction10.json.redacts).to.equal(target10);
      expect(redaction10.redacts).to.equal(target10);
      expect(redaction10.content).to.not.have.property("redacts");
      const room11 = RoomBuilder.create({ version: "11" });
      const target = room11.latest.eventId;
      const redaction11 = room11.send(ALICE, mkRedaction(target));
      expect(redaction11.redacts).to.equal(target);
      expect(redaction11.content.redacts).to.equal(target);
      expect(redaction11.json).to.not.have.property("redacts");
      expect(Pdu.fromJson(pduJson({ redacts: "$x" }), rules("11")).redacts).to.equal(undefined);
      expect(Pdu.fromJson(pduJson({ content: { redacts: "$x" } }), rules("10")).redacts).to.equal(undefined);
    });

    it("refuses fields of the wrong type", () => {
      const cases: JsonObject[] = [
        { type: 5 },
        { sender: null },
        { state_key: 1 },
        { content: [] },
        { origin_server_ts: "1" },
        { depth: "4" },
        { prev_events: "$p" },
      ];
      for (const overrides of cases) {
        expect(() => Pdu.fromJson(pduJson(overrides), rules("10")), JSON.stringify(overrides)).to.throw(PduFormatError);
      }
      expect(() => Pdu.fromJson(null as unknown as PduJson, rules("10"))).to.throw(PduFormatError);
    });
  });

  describe("immutability", () => {
    it("deep-freezes the JSON, the ID lists and the Pdu itself", () => {
      const pdu = Pdu.fromJson(pduJson(), rules("10"));
      expect(Object.isFrozen(pdu)).to.equal(true);
      expect(Object.isFrozen(pdu.json)).to.equal(true);
      expect(Object.isFrozen(pdu.content)).to.equal(true);
      expect(Object.isFrozen(pdu.json.signatures["example.org"])).to.equal(true);
      expect(() => pdu.prevEventIds.push("$x")).to.throw(TypeError);
      expect(() => {
        (pdu.content as JsonObject).body = "changed";
      }).to.throw(TypeError);
    });

    it("keeps the raw JSON as given (never re-keyed)", () => {
      const json = pduJson({ unsigned: { age: 3 }, custom_field: { x: 1 } });
      const pdu = Pdu.fromJson(json, rules("10"));
      expect(pdu.json).to.equal(json);
      expect(pdu.json.custom_field).to.deep.equal({ x: 1 });
    });

    it("redact() returns a new Pdu with redacted content and the same ID", () => {
      const room = RoomBuilder.create({ version: "12", joinRule: "public" });
      const message = room.send(ALICE, mkMessage("secret"));
      const redacted = message.redact();
      expect(redacted).to.not.equal(message);
      expect(redacted.content).to.deep.equal({});
      expect(message.content.body).to.equal("secret");
      expect(redacted.eventId).to.equal(message.eventId);
      expect(redacted.roomId).to.equal(room.roomId);
    });
  });
});
