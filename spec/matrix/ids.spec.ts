import { expect } from "chai";
import { checkNewLocalpart, localpartOf, userIdOf } from "../../src/matrix/ids.js";

describe("matrix ids", () => {
  it("accepts the spec's user-id characters for new accounts", () => {
    expect(checkNewLocalpart("alice.b_c=d-e/f+g9", "example.org")).to.equal(null);
  });
  it("refuses upper case, spaces, colons and empty localparts", () => {
    for (const bad of ["Alice", "a b", "a:b", "é"]) expect(checkNewLocalpart(bad, "example.org")).to.equal("invalid_chars");
    expect(checkNewLocalpart("", "example.org")).to.equal("empty");
  });
  it("refuses user IDs over 255 bytes", () => {
    const server = "example.org";
    const fits = "a".repeat(255 - `@:${server}`.length);
    expect(checkNewLocalpart(fits, server)).to.equal(null);
    expect(checkNewLocalpart(`${fits}a`, server)).to.equal("too_long");
  });
  it("splits local user IDs and refuses other servers'", () => {
    expect(userIdOf("bob", "example.org")).to.equal("@bob:example.org");
    expect(localpartOf("@bob:example.org", "example.org")).to.equal("bob");
    expect(localpartOf("bob", "example.org")).to.equal("bob");
    expect(localpartOf("@bob:other.org", "example.org")).to.equal(null);
    expect(localpartOf("@bob", "example.org")).to.equal(null);
  });
});
