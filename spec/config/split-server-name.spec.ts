import { expect } from "chai";
import { splitServerName } from "../../src/config/split-server-name.js";

describe("splitServerName", () => {
  it("splits a DNS name with and without a port", () => {
    expect(splitServerName("example.org")).to.deep.equal({ host: "example.org", port: null });
    expect(splitServerName("example.org:8448")).to.deep.equal({ host: "example.org", port: 8448 });
  });

  it("splits IPv4 and bracketed IPv6 literals, dropping the brackets", () => {
    expect(splitServerName("1.2.3.4:99")).to.deep.equal({ host: "1.2.3.4", port: 99 });
    expect(splitServerName("[::1]")).to.deep.equal({ host: "::1", port: null });
    expect(splitServerName("[1234:5678::abcd]:5678")).to.deep.equal({ host: "1234:5678::abcd", port: 5678 });
  });
});
