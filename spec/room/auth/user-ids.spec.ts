import { expect } from "chai";
import { domainOf, isValidUserId } from "../../../src/room/auth/user-ids.js";

describe("user-ids", () => {
  it("accepts user IDs, including historical localparts", () => {
    for (const id of ["@a:x.test", "@a:x.test:8448", "@a:127.0.0.1", "@a:[::1]", "@a:[::1]:80", "@:x.test", "@Über:x.test", "@a/b=c:x.test"]) {
      expect(isValidUserId(id), id).to.equal(true);
    }
  });

  it("refuses non-user IDs", () => {
    const bad: unknown[] = ["a:x.test", "@a", "@a:", "@a:x test", "@a:x.test:port", "@a:x.test:123456", "@a\u0000:x.test", 5, null, `@${"a".repeat(250)}:x.test`];
    for (const id of bad) expect(isValidUserId(id), String(id)).to.equal(false);
  });

  it("allows exactly 255 bytes", () => {
    const id = (bytes: number): string => `@${"a".repeat(bytes - 8)}:x.test`;
    expect(id(255)).to.have.length(255);
    expect(isValidUserId(id(255))).to.equal(true);
    expect(isValidUserId(id(256))).to.equal(false);
  });

  it("domainOf is everything after the first colon", () => {
    expect(domainOf("@a:x.test")).to.equal("x.test");
    expect(domainOf("$e:[::1]:8448")).to.equal("[::1]:8448");
    expect(domainOf("!nodomain")).to.equal(null);
  });
});
