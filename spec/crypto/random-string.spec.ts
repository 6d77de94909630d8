import { expect } from "chai";
import { randomString } from "../../src/crypto/random-string.js";

describe("randomString", () => {
  it("has the requested length and only alphanumerics", () => {
    for (const length of [0, 1, 4, 18, 100]) expect(randomString(length)).to.match(new RegExp(`^[A-Za-z0-9]{${length}}$`));
  });

  it("uses all 62 characters, roughly evenly", () => {
    const counts = new Map<string, number>();
    for (const char of randomString(62_000)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).to.equal(62);
    for (const count of counts.values()) expect(count).to.be.within(700, 1300); // mean 1000, sd ≈ 31
  });

  it("differs between calls", () => {
    expect(randomString(24)).not.to.equal(randomString(24));
  });
});
