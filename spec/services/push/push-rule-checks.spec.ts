import { expect } from "chai";
import { MatrixError } from "../../../src/matrix/errors.js";
import { checkActions, checkConditions, checkNewRuleId } from "../../../src/services/push/push-rule-checks.js";

function errcodeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    expect(err).to.be.instanceOf(MatrixError);
    expect((err as MatrixError).status).to.equal(400);
    return (err as MatrixError).errcode;
  }
}

describe("checkNewRuleId", () => {
  it("refuses IDs starting with a dot, or with a slash or backslash", () => {
    for (const id of [".mine", "a/b", "a\\b", ""]) expect(errcodeOf(() => checkNewRuleId(id)), id).to.equal("M_INVALID_PARAM");
    for (const id of ["nocake", "!room:hs.test", "@bob:hs.test", "a.b"]) expect(errcodeOf(() => checkNewRuleId(id)), id).to.equal(null);
  });
});

describe("checkActions", () => {
  it("accepts notify and tweaks, stripping the historical actions", () => {
    expect(checkActions(["notify", { set_tweak: "sound", value: "default" }, { set_tweak: "highlight" }, { set_tweak: "x", value: { any: 1 } }])).to.have.length(4);
    expect(checkActions(["dont_notify"])).to.deep.equal([]);
    expect(checkActions(["coalesce", "notify"])).to.deep.equal(["notify"]);
    expect(checkActions([])).to.deep.equal([]);
  });

  it("refuses unknown actions, tweaks without a string set_tweak, and a non-boolean highlight", () => {
    for (const actions of [["ring"], [{ value: 1 }], [{ set_tweak: 3 }], [null], [1], [{ set_tweak: "highlight", value: "yes" }]]) {
      expect(errcodeOf(() => checkActions(actions)), JSON.stringify(actions)).to.equal("M_INVALID_PARAM");
    }
  });
});

describe("checkConditions", () => {
  it("accepts well-formed conditions of every kind, and unknown kinds", () => {
    const conditions = [
      { kind: "event_match", key: "content.body", pattern: "beer" },
      { kind: "event_property_is", key: "content.m\\.federate", value: false },
      { kind: "event_property_contains", key: "content.alt_aliases", value: null },
      { kind: "contains_display_name" },
      { kind: "room_member_count", is: "<=10" },
      { kind: "sender_notification_permission", key: "room" },
      { kind: "org.example.future", whatever: [1] },
    ];
    expect(checkConditions(conditions)).to.deep.equal(conditions);
  });

  it("refuses conditions missing what their kind needs", () => {
    const bad = [
      "x",
      { key: "type" },
      { kind: "event_match", key: "type" },
      { kind: "event_match", pattern: "x" },
      { kind: "event_property_is", key: "content.n" },
      { kind: "event_property_is", key: "content.n", value: 1.5 },
      { kind: "event_property_contains", key: "content.n", value: ["a"] },
      { kind: "room_member_count" },
      { kind: "room_member_count", is: "about 2" },
      { kind: "sender_notification_permission" },
    ];
    for (const condition of bad) expect(errcodeOf(() => checkConditions([condition])), JSON.stringify(condition)).to.equal("M_INVALID_PARAM");
  });
});
