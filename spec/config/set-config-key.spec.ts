import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parse } from "yaml";
import { ConfigError } from "../../src/config/config-error.js";
import { setConfigKey } from "../../src/config/set-config-key.js";

const TEXT = `# Top comment.
server_name: example.org

listeners:
  # The client listener.
  client:
    bind: 127.0.0.1 # where
    port: 8008    # the port, spaced oddly on purpose

# Logging.
log:
  level: info
redis:
federation:
  deny: [a.org]
`;

describe("setConfigKey", () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hearth-set-"));
    file = join(dir, "config.yaml");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("replaces a scalar in place, leaving every other byte as it was", () => {
    const updated = setConfigKey(TEXT, file, "listeners.client.port", "8009");
    expect(updated).to.equal(TEXT.replace("port: 8008    #", "port: 8009    #"));
  });

  it("reads the value as YAML: numbers, booleans, strings and lists", () => {
    expect((parse(setConfigKey(TEXT, file, "listeners.client.port", "8009")) as { listeners: { client: { port: unknown } } }).listeners.client.port).to.equal(8009);
    const withBool = parse(setConfigKey(TEXT, file, "federation.enabled", "false")) as { federation: { enabled: unknown } };
    expect(withBool.federation.enabled).to.equal(false);
    const withList = setConfigKey(TEXT, file, "federation.deny", "[b.org, '*.evil.org']");
    expect((parse(withList) as { federation: { deny: unknown } }).federation.deny).to.deep.equal(["b.org", "*.evil.org"]);
    expect(withList).to.include("# The client listener.\n").and.to.include("bind: 127.0.0.1 # where\n");
  });

  it("sets a list item by index", () => {
    const updated = setConfigKey(TEXT, file, "federation.deny[0]", "c.org");
    expect((parse(updated) as { federation: { deny: unknown } }).federation.deny).to.deep.equal(["c.org"]);
  });

  it("adds a missing key, including under an empty mapping, keeping comments", () => {
    const withFile = setConfigKey(TEXT, file, "log.format", "json");
    expect((parse(withFile) as { log: unknown }).log).to.deep.equal({ level: "info", format: "json" });
    const withRedis = setConfigKey(TEXT, file, "redis.url", "redis://127.0.0.1:6379");
    expect((parse(withRedis) as { redis: unknown }).redis).to.deep.equal({ url: "redis://127.0.0.1:6379" });
    for (const text of [withFile, withRedis]) {
      expect(text).to.include("# Top comment.\n").and.to.include("# Logging.\n").and.to.include("# The client listener.\n");
    }
  });

  it("refuses a value that does not validate, naming the key", () => {
    expect(() => setConfigKey(TEXT, file, "listeners.client.port", "70000"))
      .to.throw(ConfigError, `${file}: listeners.client.port: must be an integer from 1 to 65535 (got 70000)`);
    expect(() => setConfigKey(TEXT, file, "database.engine", "mysql"))
      .to.throw(ConfigError, `${file}: database.engine: must be one of sqlite, postgres (got "mysql")`);
    expect(() => setConfigKey(TEXT, file, "listeners.federation", "{tls_cert: c.pem, tls_key: k.pem}"))
      .to.throw(ConfigError, `${file}: listeners.federation.tls_cert: file not found: ${join(dir, "c.pem")}`);
  });

  it("refuses an unknown key and a value that is not YAML", () => {
    expect(() => setConfigKey(TEXT, file, "listeners.client.prot", "1"))
      .to.throw(ConfigError, `${file}: unknown key "listeners.client.prot"`);
    expect(() => setConfigKey(TEXT, file, "log.level", "[debug"))
      .to.throw(ConfigError, `${file}: log.level: invalid YAML value "[debug"`);
  });

  it("keeps a quoted value a string", () => {
    expect(() => setConfigKey(TEXT, file, "listeners.client.port", '"8009"'))
      .to.throw(ConfigError, `listeners.client.port: must be an integer from 1 to 65535 (got "8009")`);
  });

  it("does not splice text that would mean something else where it lands", () => {
    // Spliced into the flow list, "b.org, c.org" would become two items; it must stay one string.
    const updated = setConfigKey(TEXT, file, "federation.deny[0]", "b.org, c.org");
    expect((parse(updated) as { federation: { deny: unknown } }).federation.deny).to.deep.equal(["b.org, c.org"]);
    expect(updated).to.include("# The client listener.\n");
  });
});
