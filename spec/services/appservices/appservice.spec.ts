import { expect } from "chai";
import { ns, testAppservice } from "./appservice-fixture.js";
import type { Namespace } from "../../../src/services/appservices/appservice.js";

function bridge(namespaces: { users?: Namespace[]; aliases?: Namespace[]; rooms?: Namespace[] }, serverName = "hs.test") {
  return testAppservice({ namespaces, serverName });
}

describe("Appservice", () => {
  describe("namespace regexes", () => {
    it("match from the first character of the ID, not in the middle", () => {
      const as = bridge({ users: [ns(true, "@_irc_.*")], aliases: [ns(true, "#_irc_.*")] });
      expect(as.isExclusiveUser("@_irc_alice:hs.test")).to.equal(true);
      expect(as.isExclusiveUser("@x_irc_alice:hs.test")).to.equal(false);
      expect(as.isExclusiveAlias("#_irc_chan:hs.test")).to.equal(true);
      expect(as.isExclusiveAlias("#foo#_irc_chan:hs.test")).to.equal(false);
    });

    it("need not reach the end of the ID (a regex without the server name covers the server's IDs)", () => {
      const as = bridge({ users: [ns(true, "@_discord_[0-9]+")] });
      expect(as.isExclusiveUser("@_discord_123:hs.test")).to.equal(true);
      expect(as.isExclusiveUser("@_discord_x:hs.test")).to.equal(false);
    });

    it("anchor the whole ID when the registration writes `$`, and keep top-level alternatives anchored", () => {
      const as = bridge({ users: [ns(false, "@_a_.*:hs\\.test$|@_b_.*")] });
      expect(as.isInterestedInUser("@_a_1:hs.test")).to.equal(true);
      expect(as.isInterestedInUser("@_b_1:hs.test")).to.equal(true);
      expect(as.isInterestedInUser("@x@_b_1:hs.test")).to.equal(false);
      expect(as.isInterestedInUser("@_a_1:hs.testing")).to.equal(false);
    });

    it("give the same answer every time (no state kept between matches)", () => {
      const as = bridge({ rooms: [ns(true, "!bridged")] });
      for (let i = 0; i < 3; i++) expect(as.isExclusiveRoom("!bridged123:hs.test")).to.equal(true);
      expect(as.isInterestedInRoom("!other:hs.test")).to.equal(false);
    });
  });

  it("tells exclusive namespaces from shared ones", () => {
    const as = bridge({ users: [ns(false, "@_shared_.*")], aliases: [ns(false, "#_shared_.*")], rooms: [ns(false, "!shared")] });
    expect([as.isInterestedInUser("@_shared_a:hs.test"), as.isExclusiveUser("@_shared_a:hs.test")]).to.deep.equal([true, false]);
    expect([as.isInterestedInAlias("#_shared_a:hs.test"), as.isExclusiveAlias("#_shared_a:hs.test")]).to.deep.equal([true, false]);
    expect([as.isInterestedInRoom("!shared:hs.test"), as.isExclusiveRoom("!shared:hs.test")]).to.deep.equal([true, false]);
  });

  it("covers only local users with its users namespaces", () => {
    const as = bridge({ users: [ns(true, "@_irc_.*")] });
    expect(as.isInterestedInUser("@_irc_alice:other.test")).to.equal(false);
    expect(as.isExclusiveUser("@_irc_alice:hs.test:8448")).to.equal(false);
    const withPort = bridge({ users: [ns(true, "@_irc_.*")] }, "hs.test:8448");
    expect(withPort.isExclusiveUser("@_irc_alice:hs.test:8448")).to.equal(true);
    expect(withPort.isExclusiveUser("@_irc_alice:hs.test")).to.equal(false);
  });

  it("holds its sender exclusively, whatever its namespaces say", () => {
    const as = bridge({});
    expect(as.sender).to.equal("@_bridge_bot:hs.test");
    expect([as.isInterestedInUser(as.sender), as.isExclusiveUser(as.sender)]).to.deep.equal([true, true]);
    expect(as.isInterestedInUser("@someone:hs.test")).to.equal(false);
  });
});
