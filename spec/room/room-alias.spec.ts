import { expect } from "chai";
import { parseRoomAlias } from "../../src/room/room-alias.js";

describe("room/room-alias", () => {
  it("splits a valid alias into localpart and server name", () => {
    expect(parseRoomAlias("#lounge:hs.test")).to.deep.equal({ localpart: "lounge", serverName: "hs.test" });
    expect(parseRoomAlias("#caf\u00e9 au lait:[::1]:8448")).to.deep.equal({ localpart: "caf\u00e9 au lait", serverName: "[::1]:8448" });
    expect(parseRoomAlias("#:hs.test")).to.deep.equal({ localpart: "", serverName: "hs.test" });
  });

  it("refuses what is not a room alias", () => {
    for (const value of ["lounge:hs.test", "#lounge", "#lounge:", "#lounge:bad server", "#lo\u0000unge:hs.test", 42, null, `#${"x".repeat(250)}:hs.test`]) {
      expect(parseRoomAlias(value), String(value)).to.equal(null);
    }
  });
});
