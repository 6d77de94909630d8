import { expect } from "chai";
import { checkProfileKey, checkProfileSize, profileValueFromBody } from "../../../src/services/profile/profile-fields.js";

function errorOf(fn: () => unknown): { errcode?: string; status?: number } | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err as { errcode?: string; status?: number };
  }
}

describe("profile fields", () => {
  it("accepts the spec's keys and namespaced custom keys", () => {
    for (const key of ["displayname", "avatar_url", "m.tz", "org.example.field", "com.example_x.y2"]) expect(errorOf(() => checkProfileKey(key))).to.equal(null);
  });

  it("refuses other keys with M_INVALID_PARAM and keys over 255 bytes with M_KEY_TOO_LARGE", () => {
    for (const key of ["nonamespace", "Org.example", "org..example", "org.example.", "m.other field"]) {
      expect(errorOf(() => checkProfileKey(key))).to.include({ status: 400, errcode: "M_INVALID_PARAM" });
    }
    expect(errorOf(() => checkProfileKey(`org.${"a".repeat(252)}`))).to.include({ status: 400, errcode: "M_KEY_TOO_LARGE" });
    expect(errorOf(() => checkProfileKey(`org.${"a".repeat(251)}`))).to.equal(null);
  });

  it("takes the value from a body holding exactly the key", () => {
    expect(profileValueFromBody("displayname", { displayname: "Alice" })).to.equal("Alice");
    expect(profileValueFromBody("displayname", { displayname: "" })).to.equal(null);
    expect(profileValueFromBody("avatar_url", { avatar_url: null })).to.equal(null);
    expect(profileValueFromBody("avatar_url", { avatar_url: "mxc://x/abc" })).to.equal("mxc://x/abc");
    expect(profileValueFromBody("org.example.obj", { "org.example.obj": { a: [1] } })).to.deep.equal({ a: [1] });
    expect(profileValueFromBody("org.example.null", { "org.example.null": null })).to.equal(null);
    expect(errorOf(() => profileValueFromBody("displayname", {}))).to.include({ status: 400, errcode: "M_MISSING_PARAM" });
    expect(errorOf(() => profileValueFromBody("displayname", { displayname: "A", other: 1 }))).to.include({ errcode: "M_BAD_JSON" });
    expect(errorOf(() => profileValueFromBody("displayname", { displayname: 5 }))).to.include({ errcode: "M_BAD_JSON" });
    expect(errorOf(() => profileValueFromBody("displayname", { displayname: "x".repeat(257) }))).to.include({ errcode: "M_BAD_JSON" });
    expect(errorOf(() => profileValueFromBody("avatar_url", { avatar_url: "https://x/a.png" }))).to.include({ errcode: "M_BAD_JSON" });
    expect(errorOf(() => profileValueFromBody("m.tz", { "m.tz": 1 }))).to.include({ errcode: "M_BAD_JSON" });
  });

  it("limits the whole profile to under 64 KiB", () => {
    expect(errorOf(() => checkProfileSize({ "org.example.big": "x".repeat(64 * 1024 - 30) }))).to.equal(null);
    expect(errorOf(() => checkProfileSize({ "org.example.big": "x".repeat(64 * 1024) }))).to.include({ status: 400, errcode: "M_PROFILE_TOO_LARGE" });
  });
});
