import { expect } from "chai";
import { LazyMemberCache } from "../../src/sync/sync-lazy-members.js";

describe("LazyMemberCache", function () {
  it("remembers the member event each device was sent, per room", function () {
    const cache = new LazyMemberCache();
    cache.markSent("@a:x", "D1", "!r:x", "@m:x", "$1");
    expect(cache.wasSent("@a:x", "D1", "!r:x", "@m:x", "$1")).to.equal(true);
    expect(cache.wasSent("@a:x", "D1", "!r:x", "@m:x", "$2"), "a newer member event").to.equal(false);
    expect(cache.wasSent("@a:x", "D2", "!r:x", "@m:x", "$1"), "another device").to.equal(false);
    expect(cache.wasSent("@a:x", "D1", "!other:x", "@m:x", "$1"), "another room").to.equal(false);
  });

  it("forgets a device on reset (an initial sync)", function () {
    const cache = new LazyMemberCache();
    cache.markSent("@a:x", null, "!r:x", "@m:x", "$1");
    cache.reset("@a:x", null);
    expect(cache.wasSent("@a:x", null, "!r:x", "@m:x", "$1")).to.equal(false);
  });

  it("stays bounded: the least recently used devices and rooms are forgotten", function () {
    const cache = new LazyMemberCache(2, 2);
    cache.markSent("@a:x", "D1", "!r1:x", "@m:x", "$1");
    cache.markSent("@a:x", "D1", "!r2:x", "@m:x", "$1");
    cache.markSent("@a:x", "D1", "!r3:x", "@m:x", "$1");
    expect(cache.wasSent("@a:x", "D1", "!r1:x", "@m:x", "$1")).to.equal(false);
    expect(cache.wasSent("@a:x", "D1", "!r3:x", "@m:x", "$1")).to.equal(true);
    cache.markSent("@b:x", "D", "!r:x", "@m:x", "$1");
    cache.markSent("@c:x", "D", "!r:x", "@m:x", "$1");
    expect(cache.wasSent("@a:x", "D1", "!r3:x", "@m:x", "$1")).to.equal(false);
  });
});
