import { expect } from "chai";
import { canonicalJson } from "../../../src/crypto/canonical-json.js";
import type { JsonObject, JsonValue } from "../../../src/matrix/pdu-json.js";
import { checkPduFormat, MAX_PDU_BYTES } from "../../../src/room/auth/check-pdu-format.js";
import { PduFormatError } from "../../../src/room/pdu-format-error.js";
import { getRoomVersion, type RoomVersionRules } from "../../../src/room/room-versions.js";
import { mkMessage, mkState } from "../../helpers/event-builders.js";
import { ALICE, RoomBuilder } from "../../helpers/room-builder.js";

const ALL = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];

function rules(id: string): RoomVersionRules {
  const found = getRoomVersion(id);
  if (found === null) throw new Error(`missing ${id}`);
  return found;
}

/** A valid message PDU of `version`, as mutable JSON. */
function message(version: string): JsonObject {
  const built = RoomBuilder.create({ version });
  return structuredClone(built.send(ALICE, mkMessage("hi")).json) as JsonObject;
}

function check(json: unknown, version: string): string {
  try {
    checkPduFormat(json, rules(version));
    return "valid";
  } catch (err) {
    if (err instanceof PduFormatError) return err.reason;
    throw err;
  }
}

/** `json` with `key` set (or removed when `value` is undefined). */
function withField(json: JsonObject, key: string, value: JsonValue | undefined): JsonObject {
  const copy = structuredClone(json);
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

/** Pads the message body so the canonical JSON is exactly `bytes` long, using `filler` characters. */
function padTo(json: JsonObject, bytes: number, filler = "a"): JsonObject {
  const copy = structuredClone(json);
  const content = copy.content as JsonObject;
  content.body = "";
  const base = Buffer.byteLength(canonicalJson(copy), "utf8");
  const fillerBytes = Buffer.byteLength(filler, "utf8");
  const count = Math.floor((bytes - base) / fillerBytes);
  content.body = filler.repeat(count) + "a".repeat(bytes - base - count * fillerBytes);
  return copy;
}

describe("checkPduFormat", () => {
  it("accepts events built for every version, including create events", () => {
    for (const version of ALL) {
      const built = RoomBuilder.create({ version });
      for (const event of built.events) expect(check(structuredClone(event.json), version), `${version} ${event.type}`).to.equal("valid");
    }
  });

  it("refuses anything but an object", () => {
    for (const value of [null, [], "x", 5]) expect(check(value, "10")).to.equal("a PDU must be a JSON object");
  });

  it("allows exactly 65536 bytes of canonical JSON, not one more", () => {
    for (const version of ["4", "10"]) {
      const json = message(version);
      expect(Buffer.byteLength(canonicalJson(padTo(json, MAX_PDU_BYTES)))).to.equal(MAX_PDU_BYTES);
      expect(check(padTo(json, MAX_PDU_BYTES), version), version).to.equal("valid");
      expect(check(padTo(json, MAX_PDU_BYTES + 1), version), version).to.match(/larger than 65536 bytes/);
    }
  });

  it("measures the JSON text a caller passes instead of encoding the event again", () => {
    const json = message("10");
    const text = JSON.stringify(json);
    expect(text.length).to.equal(canonicalJson(json).length);
    expect(() => checkPduFormat(json, rules("10"), text)).to.not.throw();
    // Only the text is measured: one over the limit is refused whatever the event holds.
    expect(() => checkPduFormat(json, rules("10"), "x".repeat(MAX_PDU_BYTES + 1))).to.throw(PduFormatError, /larger than 65536 bytes/);
    expect(() => checkPduFormat(json, rules("10"), "é".repeat(MAX_PDU_BYTES / 2 + 1))).to.throw(PduFormatError, /larger than/);
  });

  it("counts bytes, not characters", () => {
    const json = padTo(message("10"), MAX_PDU_BYTES + 2, "é");
    expect(canonicalJson(json).length).to.be.lessThan(MAX_PDU_BYTES);
    expect(check(json, "10")).to.match(/larger than/);
  });

  it("limits IDs, type and state_key to 255 bytes", () => {
    const json = message("10");
    const long = (sigil: string, bytes: number): string => `${sigil}${"a".repeat(bytes - 1 - ":x.test".length)}:x.test`;
    expect(check(withField(json, "sender", long("@", 255)), "10")).to.equal("valid");
    expect(check(withField(json, "sender", long("@", 256)), "10")).to.match(/sender is longer than 255 bytes/);
    expect(check(withField(json, "room_id", long("!", 256)), "10")).to.match(/room_id is longer/);
    expect(check(withField(json, "type", "t".repeat(256)), "10")).to.match(/type is longer/);
    expect(check(withField(json, "state_key", "k".repeat(255)), "10")).to.equal("valid");
    expect(check(withField(json, "state_key", "é".repeat(128)), "10")).to.match(/state_key is longer/);
    const v1 = message("1");
    expect(check(withField(v1, "event_id", long("$", 256)), "1")).to.match(/event_id is longer/);
  });

  it("refuses a type containing NUL", () => {
    expect(check(withField(message("10"), "type", "m.a\u0000b"), "10")).to.match(/type contains NUL/);
  });

  it("enforces canonical JSON from v6 only", () => {
    for (const version of ALL) {
      const json = message(version);
      (json.content as JsonObject).float = 1.5;
      const big = message(version);
      (big.content as JsonObject).big = 2 ** 53;
      if (rules(version).strictCanonicalJson) {
        expect(check(json, version), version).to.match(/not canonical JSON/);
        expect(check(big, version), version).to.match(/not canonical JSON/);
      } else {
        expect([check(json, version), check(big, version)], version).to.deep.equal(["valid", "valid"]);
      }
    }
  });

  it("still measures events that are not canonical JSON (v1–v5)", () => {
    const json = padTo(message("5"), MAX_PDU_BYTES + 10);
    (json.content as JsonObject).float = 1.5;
    expect(check(json, "5")).to.match(/larger than/);
  });

  it("requires the common fields with their types", () => {
    const json = message("10");
    const cases: Array<[string, JsonValue | undefined, RegExp]> = [
      ["type", undefined, /type is missing/],
      ["sender", 5, /sender is missing or not a string/],
      ["content", "x", /content is missing/],
      ["origin_server_ts", "1", /origin_server_ts is missing or not an integer/],
      ["depth", undefined, /depth is missing/],
      ["depth", "1", /depth is missing or not an integer/],
      ["state_key", 5, /state_key is missing or not a string/],
      ["room_id", undefined, /room_id is missing/],
      ["hashes", undefined, /hashes.sha256 is missing/],
      ["hashes", { sha1: "x" }, /hashes.sha256 is missing/],
      ["signatures", undefined, /signatures is missing/],
      ["signatures", { "x.test": "sig" }, /signatures of x.test/],
      ["signatures", { "x.test": { k: 5 } }, /signatures of x.test/],
      ["unsigned", [], /unsigned is not an object/],
      ["prev_events", undefined, /prev_events is missing/],
      ["auth_events", "x", /auth_events is missing/],
      ["prev_events", [["$a", {}]], /prev_events has a malformed entry/],
      ["redacts", 5, /redacts is missing or not a string/],
    ];
    for (const [key, value, reason] of cases) expect(check(withField(json, key, value), "10"), `${key}=${JSON.stringify(value)}`).to.match(reason);
  });

  it("v1–v5: still requires integer depth and timestamps", () => {
    expect(check(withField(message("5"), "depth", 1.5), "5")).to.match(/depth is missing or not an integer/);
    expect(check(withField(message("5"), "origin_server_ts", 1.5), "5")).to.match(/origin_server_ts is missing or not an integer/);
  });

  it("v11+: ignores a stray top-level redacts", () => {
    expect(check(withField(message("11"), "redacts", 5), "11")).to.equal("valid");
  });

  it("v12: room_id is optional on the create event only", () => {
    const built = RoomBuilder.create({ version: "12" });
    const create = structuredClone(built.create.json) as JsonObject;
    expect(create).to.not.have.property("room_id");
    expect(check(create, "12")).to.equal("valid");
    expect(check(withField(create, "room_id", 5), "12")).to.match(/room_id is missing or not a string/);
    expect(check(withField(message("12"), "room_id", undefined), "12")).to.match(/room_id is missing/);
    const topic = structuredClone(built.send(ALICE, mkState("m.room.topic", "", { topic: "t" })).json) as JsonObject;
    expect(check(withField(topic, "room_id", undefined), "12")).to.match(/room_id is missing/);
  });

  it("v1/v2: event_id and [id, hashes] references; v3+: plain ID references", () => {
    const v1 = message("1");
    expect(check(withField(v1, "event_id", undefined), "1")).to.match(/event_id is missing/);
    expect(check(withField(v1, "prev_events", ["$a:x"]), "1")).to.match(/prev_events has a malformed entry/);
    expect(check(withField(v1, "auth_events", [["$a:x"]]), "1")).to.match(/auth_events has a malformed entry/);
    expect(check(withField(v1, "auth_events", [["$a:x", "hash"]]), "1")).to.match(/auth_events has a malformed entry/);
    expect(check(withField(message("3"), "auth_events", [5]), "3")).to.match(/auth_events has a malformed entry/);
  });

  it("allows at most 20 prev_events and 10 auth_events", () => {
    const json = message("10");
    const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `$e${i}`);
    expect(check(withField(json, "prev_events", ids(20)), "10")).to.equal("valid");
    expect(check(withField(json, "prev_events", ids(21)), "10")).to.match(/prev_events has more than 20/);
    expect(check(withField(json, "auth_events", ids(10)), "10")).to.equal("valid");
    expect(check(withField(json, "auth_events", ids(11)), "10")).to.match(/auth_events has more than 10/);
  });

  it("limits depth to 2^53 − 1 from v6 and 2^63 − 1 before", () => {
    expect(check(withField(message("10"), "depth", Number.MAX_SAFE_INTEGER), "10")).to.equal("valid");
    expect(check(withField(message("10"), "depth", 2 ** 53), "10")).to.match(/depth/);
    expect(check(withField(message("5"), "depth", 2 ** 60), "5")).to.equal("valid");
    expect(check(withField(message("5"), "depth", 2 ** 64), "5")).to.match(/depth exceeds/);
  });
});
