import { X509Certificate, createPrivateKey } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parse } from "yaml";
import { formatSigningKeyFile, parseSigningKeyFile, SigningKey } from "../../src/crypto/signing-key.js";
import { ConfigError } from "../../src/config/config-error.js";
import { generateConfig } from "../../src/config/generate-config.js";
import { loadConfig } from "../../src/config/load-config.js";

describe("generateConfig", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hearth-generate-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a config that validates, with the given server name and ports", () => {
    const out = join(dir, "config.yaml");
    const result = generateConfig({ serverName: "example.org", outPath: out, clientPort: 9008, federationPort: 9448 });
    const config = loadConfig(out);
    expect(config.server_name).to.equal("example.org");
    expect(config.listeners.client.port).to.equal(9008);
    expect(config.listeners.federation?.port).to.equal(9448);
    expect(config.database).to.deep.equal({ engine: "sqlite", path: join(dir, "data", "homeserver.db") });
    expect(config.signing_key_path).to.equal(join(dir, "data", "example.org.signing.key"));
    expect(config.listeners.federation?.tls_cert).to.equal(join(dir, "data", "tls.crt"));
    expect(result.created).to.deep.equal([
      join(dir, "data", "example.org.signing.key"), join(dir, "data", "tls.crt"), join(dir, "data", "tls.key"), out,
    ]);
    expect(result.kept).to.deep.equal([]);
  });

  it("writes paths inside the config's directory relative to it", () => {
    const out = join(dir, "config.yaml");
    generateConfig({ serverName: "example.org", outPath: out });
    const written = parse(readFileSync(out, "utf8")) as Record<string, Record<string, unknown>>;
    expect(written.data_dir).to.equal("data");
    expect(written.database?.path).to.equal("data/homeserver.db");
    expect(written.signing_key_path).to.equal("data/example.org.signing.key");
  });

  it("writes paths outside the config's directory as absolute paths", () => {
    const out = join(dir, "etc", "config.yaml");
    const dataDir = join(dir, "var", "hearth");
    generateConfig({ serverName: "example.org", outPath: out, dataDir });
    const written = parse(readFileSync(out, "utf8")) as Record<string, Record<string, unknown>>;
    expect(written.data_dir).to.equal(dataDir);
    expect(written.database?.path).to.equal(join(dataDir, "homeserver.db"));
    expect(loadConfig(out).media.store_path).to.equal(join(dataDir, "media"));
  });

  it("writes a signing key file in Synapse's format that parses", () => {
    const result = generateConfig({ serverName: "example.org", outPath: join(dir, "config.yaml") });
    const text = readFileSync(result.signingKeyPath, "utf8");
    expect(text).to.match(/^ed25519 a_[A-Za-z0-9]{4} [A-Za-z0-9+/]{43}\n$/);
    expect(parseSigningKeyFile(text)).to.have.length(1);
    expect(statSync(result.signingKeyPath).mode & 0o777).to.equal(0o600);
  });

  it("writes a self-signed certificate for the server name, localhost, 127.0.0.1 and ::1 with its key", () => {
    const result = generateConfig({ serverName: "example.org:8448", outPath: join(dir, "config.yaml") });
    const cert = new X509Certificate(readFileSync(result.tlsCertPath));
    expect(cert.subjectAltName).to.include("DNS:example.org");
    expect(cert.checkHost("localhost")).to.equal("localhost");
    expect(cert.checkIP("127.0.0.1")).to.equal("127.0.0.1");
    expect(cert.checkIP("::1")).to.equal("::1");
    expect(cert.checkPrivateKey(createPrivateKey(readFileSync(result.tlsKeyPath)))).to.equal(true);
    expect(statSync(result.tlsKeyPath).mode & 0o777).to.equal(0o600);
  });

  it("puts a random registration shared secret in the config", () => {
    const first = loadConfig(generateConfig({ serverName: "a.org", outPath: join(dir, "a", "config.yaml") }).configPath);
    const second = loadConfig(generateConfig({ serverName: "a.org", outPath: join(dir, "b", "config.yaml") }).configPath);
    expect(first.registration.shared_secret).to.match(/^[A-Za-z0-9]{48}$/);
    expect(first.registration.shared_secret).not.to.equal(second.registration.shared_secret);
    expect(statSync(join(dir, "a", "config.yaml")).mode & 0o777).to.equal(0o600);
  });

  it("refuses to overwrite an existing config, leaving it and the data directory alone", () => {
    const out = join(dir, "config.yaml");
    writeFileSync(out, "server_name: mine.org\n");
    expect(() => generateConfig({ serverName: "example.org", outPath: out }))
      .to.throw(ConfigError, `${out} already exists; refusing to overwrite it`);
    expect(readFileSync(out, "utf8")).to.equal("server_name: mine.org\n");
    expect(existsSync(join(dir, "data"))).to.equal(false);
  });

  it("keeps a signing key and TLS pair already in the data directory", () => {
    mkdirSync(join(dir, "data"));
    const keyText = formatSigningKeyFile([SigningKey.generate("a_keep")]);
    writeFileSync(join(dir, "data", "example.org.signing.key"), keyText);
    const first = generateConfig({ serverName: "example.org", outPath: join(dir, "one.yaml") });
    const certPem = readFileSync(first.tlsCertPath, "utf8");
    const second = generateConfig({ serverName: "example.org", outPath: join(dir, "two.yaml") });
    expect(readFileSync(second.signingKeyPath, "utf8")).to.equal(keyText);
    expect(readFileSync(second.tlsCertPath, "utf8")).to.equal(certPem);
    expect(second.kept).to.deep.equal([second.signingKeyPath, second.tlsCertPath, second.tlsKeyPath]);
    expect(second.created).to.deep.equal([join(dir, "two.yaml")]);
  });

  it("refuses half a TLS pair and an unreadable signing key", () => {
    mkdirSync(join(dir, "data"));
    writeFileSync(join(dir, "data", "tls.crt"), "x");
    expect(() => generateConfig({ serverName: "example.org", outPath: join(dir, "config.yaml") }))
      .to.throw(ConfigError, `found ${join(dir, "data", "tls.crt")} but not ${join(dir, "data", "tls.key")}`);
    writeFileSync(join(dir, "data", "b.org.signing.key"), "rsa nope\n");
    expect(() => generateConfig({ serverName: "b.org", outPath: join(dir, "b.yaml") }))
      .to.throw(ConfigError, "existing signing key unusable");
    expect(existsSync(join(dir, "config.yaml"))).to.equal(false);
  });

  it("refuses an invalid server name or port before writing anything", () => {
    expect(() => generateConfig({ serverName: "bad name", outPath: join(dir, "config.yaml") }))
      .to.throw(ConfigError, 'invalid server name "bad name"');
    expect(() => generateConfig({ serverName: "a.org", outPath: join(dir, "config.yaml"), clientPort: 70000 }))
      .to.throw(ConfigError, "invalid client port 70000");
    expect(existsSync(join(dir, "data"))).to.equal(false);
  });
});
