import { expect } from "chai";
import { isCidr } from "../../src/config/check-config.js";

describe("checkConfig", () => {
  describe("isCidr", () => {
    for (const range of ["10.0.0.0/8", "0.0.0.0/0", "255.255.255.255/32", "::1/128", "fc00::/7", "::/0", "2001:db8::/32"]) {
      it(`accepts ${range}`, () => expect(isCidr(range)).to.equal(true));
    }
    for (const range of ["10.0.0.0", "10.0.0.0/33", "::1/129", "10.0.0/8", "example.org/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "/8"]) {
      it(`refuses ${range}`, () => expect(isCidr(range)).to.equal(false));
    }
  });
});
