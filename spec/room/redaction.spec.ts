import { expect } from "chai";
import type { ClientEventJson, JsonObject, PduJson } from "../../src/matrix/pdu-json.js";
import { redactClientEvent, redactContent, redactPduJson } from "../../src/room/redaction.js";
import { getRoomVersion, type RoomVersionRules } from "../../src/room/room-versions.js";

function rules(id: string): RoomVersionRules {
  const found = getRoomVersion(id);
  if (found === null) throw new Error(`missing ${id}`);
  return found;
}

const ALL = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];

/** Every top-level key any version keeps, plus ones no version keeps. */
function fullEvent(type: string, content: JsonObject): PduJson {
  return {
    event_id: "$e:x",
    type,
    room_id: "!r:x",
    sender: "@s:x",
    state_key: "",
    content,
    hashes: { sha256: "h" },
    signatures: { x: { "ed25519:k": "sig" } },
    depth: 3,
    prev_events: ["$p"],
    prev_state: [],
    auth_events: ["$a"],
    origin: "x",
    origin_server_ts: 5,
    membership: "join",
    unsigned: { age: 1 },
    redacts: "$r",
    extra: "gone",
  };
}

// The spec's lists, verbatim. https://spec.matrix.org/v1.19/rooms/v1/#redactions … /v11/#redactions
const TOP_LEVEL_V1 = [
  "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
  "prev_events", "prev_state", "auth_events", "origin", "origin_server_ts", "membership",
];
const TOP_LEVEL_V11 = [
  "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
  "prev_events", "auth_events", "origin_server_ts",
];

const FULL_CONTENT: Record<string, JsonObject> = {
  "m.room.member": {
    membership: "join",
    join_authorised_via_users_server: "@u:x",
    third_party_invite: { signed: { mxid: "@m:x", token: "t" }, display_name: "d" },
    displayname: "gone",
  },
  "m.room.create": { creator: "@c:x", room_version: "1", "m.federate": false, predecessor: { room_id: "!o:x" } },
  "m.room.join_rules": { join_rule: "restricted", allow: [{ type: "m.room_membership" }], other: 1 },
  "m.room.power_levels": {
    ban: 1, events: { a: 1 }, events_default: 2, kick: 3, redact: 4, state_default: 5, users: { "@u:x": 6 },
    users_default: 7, invite: 8, notifications: { room: 9 }, other: 10,
  },
  "m.room.aliases": { aliases: ["#a:x"], other: 1 },
  "m.room.history_visibility": { history_visibility: "shared", other: 1 },
  "m.room.redaction": { redacts: "$r", reason: "gone" },
  "m.room.message": { body: "gone", msgtype: "m.text" },
};

/** Kept content keys per algorithm, from the spec's lists. */
const KEPT_CONTENT: Record<string, Record<string, string[]>> = {
  v1: {
    "m.room.member": ["membership"],
    "m.room.create": ["creator"],
    "m.room.join_rules": ["join_rule"],
    "m.room.power_levels": ["ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"],
    "m.room.aliases": ["aliases"],
    "m.room.history_visibility": ["history_visibility"],
    "m.room.redaction": [],
    "m.room.message": [],
  },
  v6: {
    "m.room.member": ["membership"],
    "m.room.create": ["creator"],
    "m.room.join_rules": ["join_rule"],
    "m.room.power_levels": ["ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"],
    "m.room.aliases": [],
    "m.room.history_visibility": ["history_visibility"],
    "m.room.redaction": [],
    "m.room.message": [],
  },
  v8: {
    "m.room.member": ["membership"],
    "m.room.create": ["creator"],
    "m.room.join_rules": ["join_rule", "allow"],
    "m.room.power_levels": ["ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"],
    "m.room.aliases": [],
    "m.room.history_visibility": ["history_visibility"],
    "m.room.redaction": [],
    "m.room.message": [],
  },
  v9: {
    "m.room.member": ["membership", "join_authorised_via_users_server"],
    "m.room.create": ["creator"],
    "m.room.join_rules": ["join_rule", "allow"],
    "m.room.power_levels": ["ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"],
    "m.room.aliases": [],
    "m.room.history_visibility": ["history_visibility"],
    "m.room.redaction": [],
    "m.room.message": [],
  },
  v11: {
    "m.room.member": ["membership", "join_authorised_via_users_server", "third_party_invite"],
    "m.room.create": ["creator", "room_version", "m.federate", "predecessor"],
    "m.room.join_rules": ["join_rule", "allow"],
    "m.room.power_levels": ["ban", "events", "events_default", "invite", "kick", "redact", "state_default", "users", "users_default"],
    "m.room.aliases": [],
    "m.room.history_visibility": ["history_visibility"],
    "m.room.redaction": ["redacts"],
    "m.room.message": [],
  },
};

const ALGORITHM: Record<string, string> = {
  "1": "v1", "2": "v1", "3": "v1", "4": "v1", "5": "v1", "6": "v6", "7": "v6", "8": "v8", "9": "v9", "10": "v9", "11": "v11", "12": "v11",
};

describe("redaction", () => {
  describe("redactPduJson", () => {
    for (const version of ALL) {
      const algorithm = ALGORITHM[version] as string;
      it(`room version ${version} keeps exactly the spec's keys (${algorithm} algorithm)`, () => {
        const topLevel = algorithm === "v11" ? TOP_LEVEL_V11 : TOP_LEVEL_V1;
        for (const [type, content] of Object.entries(FULL_CONTENT)) {
          const redacted = redactPduJson(fullEvent(type, content), rules(version)) as unknown as JsonObject;
          expect(Object.keys(redacted).sort(), `${type} top level`).to.deep.equal([...topLevel].sort());
          const kept = (KEPT_CONTENT[algorithm] as Record<string, string[]>)[type] as string[];
          expect(Object.keys(redacted.content as JsonObject).sort(), `${type} content`).to.deep.equal([...kept].sort());
          for (const key of kept) {
            if (key !== "third_party_invite") expect((redacted.content as JsonObject)[key]).to.deep.equal(content[key]);
          }
        }
      });
    }

    it("keeps only `signed` of third_party_invite from v11", () => {
      const content = FULL_CONTENT["m.room.member"] as JsonObject;
      const redacted = redactPduJson(fullEvent("m.room.member", content), rules("11"));
      expect(redacted.content.third_party_invite).to.deep.equal({ signed: { mxid: "@m:x", token: "t" } });
      const withoutSigned = redactPduJson(fullEvent("m.room.member", { membership: "invite", third_party_invite: { x: 1 } }), rules("11"));
      expect(withoutSigned.content).to.deep.equal({ membership: "invite" });
    });

    it("drops keys that are absent rather than inventing them", () => {
      const sparse = { type: "m.room.message", sender: "@s:x", content: {} } as unknown as PduJson;
      expect(redactPduJson(sparse, rules("10"))).to.deep.equal({ type: "m.room.message", sender: "@s:x", content: {} });
    });

    it("does not modify its input", () => {
      const event = fullEvent("m.room.member", { membership: "join", displayname: "x" });
      const before = JSON.stringify(event);
      redactPduJson(event, rules("9"));
      expect(JSON.stringify(event)).to.equal(before);
    });

    it("copies the whole create content from v11 rather than sharing it", () => {
      const content = { a: 1 };
      const redacted = redactPduJson(fullEvent("m.room.create", content), rules("11"));
      expect(redacted.content).to.deep.equal(content);
      expect(redacted.content).to.not.equal(content);
    });
  });

  describe("redactContent", () => {
    it("treats non-object content as empty", () => {
      expect(redactContent("m.room.member", null, rules("1").redaction)).to.deep.equal({});
      expect(redactContent("m.room.member", ["membership"], rules("1").redaction)).to.deep.equal({});
    });
  });

  describe("redactClientEvent", () => {
    const event: ClientEventJson = {
      event_id: "$e",
      room_id: "!r:x",
      sender: "@s:x",
      origin_server_ts: 5,
      type: "m.room.member",
      state_key: "@s:x",
      content: { membership: "join", displayname: "Sam" },
      unsigned: { age: 10, transaction_id: "t1", prev_content: { membership: "invite" }, membership: "join" },
    };

    it("keeps the client keys, redacts content and reduces unsigned", () => {
      expect(redactClientEvent(event, rules("10"))).to.deep.equal({
        event_id: "$e",
        room_id: "!r:x",
        sender: "@s:x",
        origin_server_ts: 5,
        type: "m.room.member",
        state_key: "@s:x",
        content: { membership: "join" },
        unsigned: { age: 10, transaction_id: "t1", membership: "join" },
      });
    });

    it("adds redacted_because and drops the top-level redacts of old redaction events", () => {
      const because: ClientEventJson = { event_id: "$why", sender: "@s:x", origin_server_ts: 6, type: "m.room.redaction", content: {}, redacts: "$e" };
      const redaction: ClientEventJson = { ...because, event_id: "$old", content: { reason: "r" }, unsigned: undefined };
      const redacted = redactClientEvent(redaction, rules("10"), because);
      expect(redacted).to.not.have.property("redacts");
      expect(redacted.content).to.deep.equal({});
      expect(redacted.unsigned).to.deep.equal({ redacted_because: because });
    });

    it("omits unsigned when nothing is left of it", () => {
      const { unsigned: _u, ...bare } = event;
      expect(redactClientEvent(bare, rules("12"))).to.not.have.property("unsigned");
    });
  });
});
