import { expect } from "chai";
import { ConfigError } from "../../src/config/config-error.js";
import { getConfigValue, isKnownKeyPath, parseKeyPath } from "../../src/config/config-key-path.js";
import { parseConfigText } from "../../src/config/load-config.js";

describe("config key paths", () => {
  it("parses dotted paths with indexes in either form", () => {
    expect(parseKeyPath("server_name")).to.deep.equal(["server_name"]);
    expect(parseKeyPath("listeners.client.port")).to.deep.equal(["listeners", "client", "port"]);
    expect(parseKeyPath("federation.allow[2]")).to.deep.equal(["federation", "allow", 2]);
    expect(parseKeyPath("federation.allow.2")).to.deep.equal(["federation", "allow", 2]);
  });

  for (const key of ["", ".a", "a.", "a..b", "a[x]", "[0]", "a[0"]) {
    it(`refuses the malformed key ${JSON.stringify(key)}`, () => expect(() => parseKeyPath(key)).to.throw(ConfigError, "invalid key"));
  }

  it("knows the keys of config.yaml", () => {
    expect(isKnownKeyPath(["listeners", "federation", "tls_cert"])).to.equal(true);
    expect(isKnownKeyPath(["federation", "deny", 0])).to.equal(true);
    expect(isKnownKeyPath(["listeners", "client", "prot"])).to.equal(false);
    expect(isKnownKeyPath(["server_name", "x"])).to.equal(false);
    expect(isKnownKeyPath(["log", 0])).to.equal(false);
  });

  describe("getConfigValue", () => {
    const config = parseConfigText("server_name: example.org\nfederation: { deny: [a.org, b.org] }\n", "/srv/config.yaml");

    it("reads values in effect, defaults included", () => {
      expect(getConfigValue(config, "config.yaml", "listeners.client.port")).to.equal(8008);
      expect(getConfigValue(config, "config.yaml", "federation.deny[1]")).to.equal("b.org");
      expect(getConfigValue(config, "config.yaml", "rate_limits.login")).to.deep.equal({ per_second: 0.17, burst_count: 3 });
    });

    it("tells an unknown key from one that is not set", () => {
      expect(() => getConfigValue(config, "config.yaml", "listeners.client.prot"))
        .to.throw(ConfigError, 'config.yaml: unknown key "listeners.client.prot"');
      expect(() => getConfigValue(config, "config.yaml", "redis.url")).to.throw(ConfigError, "config.yaml: redis.url: is not set");
    });
  });
});
