import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { DEFAULT_DENY_IP_RANGES } from "../../src/config/config.js";
import { ConfigError } from "../../src/config/config-error.js";
import { loadConfig, parseConfigText } from "../../src/config/load-config.js";

describe("loadConfig", () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hearth-load-config-"));
    file = join(dir, "config.yaml");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function load(text: string): ReturnType<typeof loadConfig> {
    writeFileSync(file, text);
    return loadConfig(file);
  }

  /** The ConfigError loading `text` throws; its message must be exactly one line. */
  function failure(text: string): ConfigError {
    try {
      load(text);
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as Error).message).not.to.include("\n");
      return err as ConfigError;
    }
    throw new Error("expected loadConfig to throw");
  }

  describe("defaults", () => {
    it("makes a file with only server_name a complete config", () => {
      const config = load("server_name: example.org\n");
      expect(config.public_baseurl).to.equal("https://example.org/");
      expect(config.data_dir).to.equal(join(dir, "data"));
      expect(config.listeners).to.deep.equal({ client: { bind: "127.0.0.1", port: 8008 } });
      expect(config.database).to.deep.equal({ engine: "sqlite", path: join(dir, "data", "homeserver.db") });
      expect(config.signing_key_path).to.equal(join(dir, "data", "example.org.signing.key"));
      expect(config.media).to.deep.equal({ store_path: join(dir, "data", "media"), max_upload_size: 50 * 1024 * 1024 });
      expect(config.registration).to.deep.equal({ enabled: false, require_token: false, allow_guests: false });
      expect(config.federation).to.deep.equal({ enabled: true, verify_certificates: true, allow: [], deny: [] });
      expect(config.outbound.deny_ip_ranges).to.deep.equal(DEFAULT_DENY_IP_RANGES);
      expect(config.rate_limits.enabled).to.equal(true);
      expect(config.rate_limits.message).to.deep.equal({ per_second: 0.2, burst_count: 10 });
      expect(config.session).to.deep.equal({ access_token_lifetime_ms: 300_000 });
      expect(config.password_hashing).to.deep.equal({ scrypt_log_n: 15 });
      expect(config.push).to.deep.equal({ notifications_keep_read_ms: 30 * 86_400_000, notifications_keep_read_per_user: 500, notifications_prune_interval_ms: 3_600_000 });
      expect(config.appservice).to.deep.equal({ config_files: [], third_party_lookup_timeout_ms: 10_000, third_party_protocol_cache_ms: 300_000 });
      expect(config.log).to.deep.equal({ level: "info", format: "pretty" });
      expect(config.max_request_size).to.equal(10 * 1024 * 1024);
      expect(config.redis).to.equal(undefined);
      expect(config.well_known).to.equal(undefined);
    });

    it("drops the port from server_name in the default public_baseurl and keeps IPv6 brackets", () => {
      expect(load("server_name: example.org:8448\n").public_baseurl).to.equal("https://example.org/");
      expect(load("server_name: '[::1]:8448'\n").public_baseurl).to.equal("https://[::1]/");
    });

    it("fills a partly given mapping key by key", () => {
      const config = load("server_name: example.org\nrate_limits:\n  enabled: false\nlisteners:\n  client:\n    port: 9000\n");
      expect(config.rate_limits.enabled).to.equal(false);
      expect(config.rate_limits.login).to.deep.equal({ per_second: 0.17, burst_count: 3 });
      expect(config.listeners.client).to.deep.equal({ bind: "127.0.0.1", port: 9000 });
    });

    it("treats an empty value as absent", () => {
      const config = load("server_name: example.org\nlog:\nredis:\nmedia:\n  max_upload_size:\n");
      expect(config.log).to.deep.equal({ level: "info", format: "pretty" });
      expect(config.redis).to.equal(undefined);
      expect(config.media.max_upload_size).to.equal(50 * 1024 * 1024);
    });

    it("gives a federation listener bind 0.0.0.0 and port 8448 when it is present", () => {
      writeFileSync(join(dir, "c.pem"), "x");
      writeFileSync(join(dir, "k.pem"), "x");
      const config = load("server_name: example.org\nlisteners:\n  federation:\n    tls_cert: c.pem\n    tls_key: k.pem\n");
      expect(config.listeners.federation).to.deep.equal({
        bind: "0.0.0.0", port: 8448, tls_cert: join(dir, "c.pem"), tls_key: join(dir, "k.pem"),
      });
    });

    it("puts the default database, key and media under a configured data_dir", () => {
      const config = load("server_name: example.org\ndata_dir: /var/lib/hearth\n");
      expect(config.database.path).to.equal("/var/lib/hearth/homeserver.db");
      expect(config.signing_key_path).to.equal("/var/lib/hearth/example.org.signing.key");
      expect(config.media.store_path).to.equal("/var/lib/hearth/media");
    });
  });

  describe("paths", () => {
    it("resolves relative paths against the config file's directory and keeps absolute ones", () => {
      mkdirSync(join(dir, "as"));
      writeFileSync(join(dir, "as", "bridge.yaml"), "id: bridge\n");
      const config = load([
        "server_name: example.org",
        "database: { engine: sqlite, path: db/hs.db }",
        "signing_key_path: /etc/hearth/key",
        "media: { store_path: ../media }",
        "appservice: { config_files: [as/bridge.yaml] }",
        "log: { file: logs/hearth.log }",
        "",
      ].join("\n"));
      expect(config.database.path).to.equal(join(dir, "db", "hs.db"));
      expect(config.signing_key_path).to.equal("/etc/hearth/key");
      expect(config.media.store_path).to.equal(join(dir, "..", "media"));
      expect(config.appservice.config_files).to.deep.equal([join(dir, "as", "bridge.yaml")]);
      expect(config.log.file).to.equal(join(dir, "logs", "hearth.log"));
    });

    it("keeps an in-memory SQLite database as it is", () => {
      expect(load("server_name: example.org\ndatabase: { engine: sqlite, path: ':memory:' }\n").database.path).to.equal(":memory:");
    });
  });

  describe("errors", () => {
    it("names an unknown top-level key", () => {
      const err = failure("server_name: example.org\nlistners:\n  client:\n    port: 8008\n");
      expect(err.message).to.equal(`${file}: unknown key "listners" at top level`);
      expect(err.keyPath).to.equal("listners");
    });

    it("names an unknown nested key with its parent", () => {
      const err = failure("server_name: example.org\nlisteners:\n  client:\n    prot: 8008\n");
      expect(err.message).to.equal(`${file}: unknown key "prot" in listeners.client`);
      expect(err.keyPath).to.equal("listeners.client.prot");
    });

    it("reports a misspelt key before the required key it leaves missing", () => {
      expect(failure("server_nam: example.org\n").message).to.equal(`${file}: unknown key "server_nam" at top level`);
    });

    it("names a value of the wrong type", () => {
      expect(failure("server_name: example.org\nregistration:\n  enabled: 'yes'\n").message)
        .to.equal(`${file}: registration.enabled: must be true or false (got "yes")`);
      expect(failure("server_name: example.org\nfederation:\n  deny: evil.org\n").message)
        .to.equal(`${file}: federation.deny: must be a list of strings (got "evil.org")`);
      expect(failure("server_name: example.org\nlisteners: 8008\n").message)
        .to.equal(`${file}: listeners: must be a mapping of keys to values (got 8008)`);
    });

    it("names a bad list item with its index", () => {
      expect(failure("server_name: example.org\nfederation:\n  allow: [a.org, 5]\n").message)
        .to.equal(`${file}: federation.allow[1]: must be a non-empty string (got 5)`);
    });

    it("refuses a port out of range or not an integer", () => {
      expect(failure("server_name: example.org\nlisteners:\n  client:\n    port: 70000\n").message)
        .to.equal(`${file}: listeners.client.port: must be an integer from 1 to 65535 (got 70000)`);
      expect(failure("server_name: example.org\nlisteners:\n  client:\n    port: 0\n").message)
        .to.equal(`${file}: listeners.client.port: must be an integer from 1 to 65535 (got 0)`);
      expect(failure("server_name: example.org\nlisteners:\n  client:\n    port: 80.5\n").message)
        .to.equal(`${file}: listeners.client.port: must be an integer from 1 to 65535 (got 80.5)`);
      expect(failure("server_name: example.org\nlisteners:\n  client:\n    port: http\n").message)
        .to.equal(`${file}: listeners.client.port: must be an integer from 1 to 65535 (got "http")`);
    });

    it("refuses an unknown database engine", () => {
      expect(failure("server_name: example.org\ndatabase:\n  engine: mysql\n").message)
        .to.equal(`${file}: database.engine: must be one of sqlite, postgres (got "mysql")`);
    });

    it("requires database.path for sqlite and database.url for postgres", () => {
      expect(failure("server_name: example.org\ndatabase:\n  engine: sqlite\n").message)
        .to.equal(`${file}: database.path: is required when database.engine is sqlite`);
      expect(failure("server_name: example.org\ndatabase:\n  engine: postgres\n").message)
        .to.equal(`${file}: database.url: is required when database.engine is postgres`);
      expect(failure("server_name: example.org\ndatabase:\n  engine: postgres\n  url: mysql://x\n").message)
        .to.equal(`${file}: database.url: must be a postgres:// or postgresql:// URL (got "mysql://x")`);
    });

    it("accepts postgres with a URL", () => {
      const config = load("server_name: example.org\ndatabase:\n  engine: postgres\n  url: postgresql://u:p@db/hearth\n");
      expect(config.database).to.deep.equal({ engine: "postgres", url: "postgresql://u:p@db/hearth" });
    });

    it("requires the federation listener's TLS files to exist", () => {
      writeFileSync(join(dir, "tls.key"), "x");
      const text = "server_name: example.org\nlisteners:\n  federation:\n    tls_cert: tls.crt\n    tls_key: tls.key\n";
      expect(failure(text).message).to.equal(`${file}: listeners.federation.tls_cert: file not found: ${join(dir, "tls.crt")}`);
      writeFileSync(join(dir, "tls.crt"), "x");
      rmSync(join(dir, "tls.key"));
      expect(failure(text).message).to.equal(`${file}: listeners.federation.tls_key: file not found: ${join(dir, "tls.key")}`);
      mkdirSync(join(dir, "tls.key"));
      expect(failure(text).message).to.equal(`${file}: listeners.federation.tls_key: not a file: ${join(dir, "tls.key")}`);
    });

    it("requires the federation listener's TLS keys to be given", () => {
      expect(failure("server_name: example.org\nlisteners:\n  federation:\n    tls_cert: a\n").message)
        .to.equal(`${file}: listeners.federation.tls_key: is required`);
    });

    it("requires appservice config files to exist", () => {
      expect(failure("server_name: example.org\nappservice:\n  config_files: [bridge.yaml]\n").message)
        .to.equal(`${file}: appservice.config_files[0]: file not found: ${join(dir, "bridge.yaml")}`);
    });

    it("refuses a federation listener on the client listener's port", () => {
      writeFileSync(join(dir, "c"), "x");
      writeFileSync(join(dir, "k"), "x");
      const text = "server_name: example.org\nlisteners:\n  client: { bind: 127.0.0.1, port: 8008 }\n  federation: { port: 8008, tls_cert: c, tls_key: k }\n";
      expect(failure(text).message).to.equal(`${file}: listeners.federation.port: 8008 is already used by listeners.client`);
      const separate = text.replace("federation: { port: 8008,", "federation: { bind: 127.0.0.2, port: 8008,");
      expect(load(separate).listeners.federation?.bind).to.equal("127.0.0.2");
    });

    it("refuses a deny range that is not CIDR", () => {
      expect(failure("server_name: example.org\noutbound:\n  deny_ip_ranges: [10.0.0.0/8, 10.0.0.0/33]\n").message)
        .to.equal(`${file}: outbound.deny_ip_ranges[1]: must be a CIDR range such as 10.0.0.0/8 or fc00::/7 (got "10.0.0.0/33")`);
    });

    it("requires server_name and checks its grammar", () => {
      expect(failure("log:\n  level: debug\n").message).to.equal(`${file}: server_name: is required`);
      expect(failure("server_name: exa mple.org\n").message).to.match(
        new RegExp(`^${escape(file)}: server_name: must be a server name: .* \\(got "exa mple.org"\\)$`),
      );
    });

    it("requires public_baseurl to be an http(s) URL", () => {
      expect(failure("server_name: example.org\npublic_baseurl: ftp://example.org/\n").message)
        .to.equal(`${file}: public_baseurl: must be an http:// or https:// URL (got "ftp://example.org/")`);
      expect(failure("server_name: example.org\npublic_baseurl: example.org\n").message)
        .to.equal(`${file}: public_baseurl: must be an http:// or https:// URL (got "example.org")`);
    });

    it("checks an enum under log and a rate limit's range", () => {
      expect(failure("server_name: example.org\nlog:\n  level: loud\n").message)
        .to.equal(`${file}: log.level: must be one of trace, debug, info, warn, error, fatal (got "loud")`);
      expect(failure("server_name: example.org\nrate_limits:\n  login:\n    per_second: 0\n").message)
        .to.equal(`${file}: rate_limits.login.per_second: must be a number greater than 0 (got 0)`);
    });

    it("checks the ranges of the session and password hashing keys", () => {
      expect(failure("server_name: example.org\nsession:\n  access_token_lifetime_ms: 10\n").message)
        .to.equal(`${file}: session.access_token_lifetime_ms: must be a whole number of milliseconds, at least 1000 (got 10)`);
      expect(failure("server_name: example.org\npassword_hashing:\n  scrypt_log_n: 30\n").message)
        .to.equal(`${file}: password_hashing.scrypt_log_n: must be an integer from 1 to 20 (got 30)`);
    });

    it("checks the ranges of the third-party lookup keys", () => {
      expect(failure("server_name: example.org\nappservice:\n  third_party_lookup_timeout_ms: 0\n").message)
        .to.equal(`${file}: appservice.third_party_lookup_timeout_ms: must be a whole number of milliseconds, at least 1 (got 0)`);
      expect(failure("server_name: example.org\nappservice:\n  third_party_protocol_cache_ms: -1\n").message)
        .to.equal(`${file}: appservice.third_party_protocol_cache_ms: must be a whole number of milliseconds, 0 or more (got -1)`);
      expect(load("server_name: example.org\nappservice:\n  third_party_protocol_cache_ms: 0\n").appservice.third_party_protocol_cache_ms).to.equal(0);
    });

    it("checks the ranges of the push keys", () => {
      expect(failure("server_name: example.org\npush:\n  notifications_keep_read_ms: -1\n").message)
        .to.equal(`${file}: push.notifications_keep_read_ms: must be a whole number of milliseconds, 0 or more (got -1)`);
      expect(failure("server_name: example.org\npush:\n  notifications_keep_read_per_user: 1.5\n").message)
        .to.equal(`${file}: push.notifications_keep_read_per_user: must be a whole number, 0 or more (got 1.5)`);
      expect(failure("server_name: example.org\npush:\n  notifications_prune_interval_ms: 10\n").message)
        .to.equal(`${file}: push.notifications_prune_interval_ms: must be a whole number of milliseconds, at least 1000 (got 10)`);
    });

    it("reports a YAML syntax error with its line on one line", () => {
      expect(failure("server_name: example.org\nlisteners:\n  client: [8008\n").message)
        .to.match(new RegExp(`^${escape(file)}: line 4, column 1: invalid YAML: `));
      expect(failure("server_name: example.org\nlog: 1\nlog: 2\n").message)
        .to.equal(`${file}: line 3, column 1: invalid YAML: Map keys must be unique`);
    });

    it("refuses an empty file and a file that is not a mapping", () => {
      expect(failure("# nothing\n").message).to.equal(`${file}: the file is empty (server_name is required)`);
      expect(failure("- a\n- b\n").message).to.equal(`${file}: must be a mapping of keys to values (got a list)`);
    });

    it("says when the file does not exist", () => {
      expect(() => loadConfig(join(dir, "missing.yaml"))).to.throw(ConfigError, `${join(dir, "missing.yaml")}: file not found`);
    });
  });

  describe("parseConfigText", () => {
    it("names the given path and resolves against its directory without reading it", () => {
      const config = parseConfigText("server_name: example.org\n", "/srv/hearth/config.yaml");
      expect(config.database.path).to.equal("/srv/hearth/data/homeserver.db");
      expect(() => parseConfigText("server_name: 1.2.3.4 x\n", "/srv/hearth/config.yaml"))
        .to.throw(ConfigError, /^\/srv\/hearth\/config\.yaml: server_name: /);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
