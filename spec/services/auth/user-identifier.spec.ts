import { expect } from "chai";
import { resolveUserIdentifier } from "../../../src/services/auth/user-identifier.js";
import { MatrixError } from "../../../src/matrix/errors.js";

function errorOf(body: Record<string, unknown>): [number, string] {
  try {
    resolveUserIdentifier(body, "hs.test");
  } catch (err) {
    if (err instanceof MatrixError) return [err.status, err.errcode];
    throw err;
  }
  throw new Error("expected an error");
}

describe("resolveUserIdentifier", () => {
  it("reads m.id.user with a localpart or a full ID of this server, lower-cased", () => {
    for (const user of ["alice", "Alice", "@alice:hs.test", "@ALICE:hs.test"]) {
      expect(resolveUserIdentifier({ identifier: { type: "m.id.user", user } }, "hs.test")).to.equal("@alice:hs.test");
    }
  });

  it("reads the deprecated top-level user when there is no identifier", () => {
    expect(resolveUserIdentifier({ user: "@bob:hs.test" }, "hs.test")).to.equal("@bob:hs.test");
  });

  it("refuses another server's users and IDs without a server with 403 M_FORBIDDEN", () => {
    expect(errorOf({ identifier: { type: "m.id.user", user: "@alice:other.test" } })).to.deep.equal([403, "M_FORBIDDEN"]);
    expect(errorOf({ user: "@alice" })).to.deep.equal([403, "M_FORBIDDEN"]);
  });

  it("knows no third-party identifiers: 403 M_FORBIDDEN, new and deprecated forms", () => {
    expect(errorOf({ identifier: { type: "m.id.thirdparty", medium: "email", address: "a@b" } })).to.deep.equal([403, "M_FORBIDDEN"]);
    expect(errorOf({ identifier: { type: "m.id.phone", country: "GB", phone: "1" } })).to.deep.equal([403, "M_FORBIDDEN"]);
    expect(errorOf({ medium: "email", address: "a@b" })).to.deep.equal([403, "M_FORBIDDEN"]);
  });

  it("names what is missing or malformed", () => {
    expect(errorOf({})).to.deep.equal([400, "M_MISSING_PARAM"]);
    expect(errorOf({ identifier: { type: "m.id.user" } })).to.deep.equal([400, "M_MISSING_PARAM"]);
    expect(errorOf({ identifier: "alice" })).to.deep.equal([400, "M_BAD_JSON"]);
    expect(errorOf({ user: 5 })).to.deep.equal([400, "M_BAD_JSON"]);
    expect(errorOf({ identifier: { type: "m.id.other" } })).to.deep.equal([400, "M_UNKNOWN"]);
  });
});
