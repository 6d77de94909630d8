import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parse, parseDocument } from "yaml";
import { configSchema } from "../../src/config/config-schema.js";
import { configTemplateValues, renderConfigTemplate } from "../../src/config/config-template.js";
import { loadConfig } from "../../src/config/load-config.js";

const SAMPLE_PATH = join(import.meta.dirname, "..", "..", "config.sample.yaml");

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
}

/** Every dotted key path the schema allows. */
function schemaKeys(node: SchemaNode, prefix = ""): string[] {
  const keys: string[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const key = prefix === "" ? name : `${prefix}.${name}`;
    keys.push(key, ...schemaKeys(child, key));
  }
  return keys;
}

/** The text with commented-out keys (`# url: …`, `#   url: …`) turned back into keys. */
function uncommentKeys(text: string): string {
  return text.replace(/^(\s*)# (\s*[a-z_]+:(?: .*)?)$/gm, "$1$2");
}

function hasKey(value: unknown, key: string): boolean {
  let node: unknown = value;
  for (const segment of key.split(".")) {
    if (node === null || typeof node !== "object" || !(segment in node)) return false;
    node = (node as Record<string, unknown>)[segment];
  }
  return true;
}

describe("config template", () => {
  const sample = renderConfigTemplate(configTemplateValues({ serverName: "example.org" }));

  it("is what the committed config.sample.yaml holds (regenerate the sample when this fails)", () => {
    expect(readFileSync(SAMPLE_PATH, "utf8")).to.equal(sample);
  });

  it("documents every key of the schema, optional ones commented out", () => {
    const documented = parse(uncommentKeys(sample)) as unknown;
    const missing = schemaKeys(configSchema as SchemaNode).filter((key) => !hasKey(documented, key));
    expect(missing).to.deep.equal([]);
  });

  it("puts a comment on or above every key", () => {
    const lines = sample.split("\n");
    const bare = lines.filter((line, i) => {
      if (!/^\s*[a-z_]+:/.test(line) || line.includes(" # ")) return false;
      return !/^\s*#/.test(lines[i - 1] ?? "");
    });
    expect(bare).to.deep.equal([]);
  });

  it("survives a yaml Document round trip unchanged, so `config set` keeps its layout", () => {
    const values = configTemplateValues({ serverName: "localhost" });
    values.registrationSharedSecret = "s3cret";
    for (const text of [sample, renderConfigTemplate(values)]) {
      expect(parseDocument(text).toString()).to.equal(text);
    }
  });

  it("writes the shared secret only when there is one", () => {
    expect(sample).to.include("  # shared_secret: <a long random string>\n");
    const values = configTemplateValues({ serverName: "example.org" });
    values.registrationSharedSecret = "abc123";
    expect(renderConfigTemplate(values)).to.include("\n  shared_secret: abc123\n");
  });

  it("holds the defaults: loaded, it equals a file that gives only the server name and the TLS files", () => {
    const dir = mkdtempSync(join(tmpdir(), "hearth-template-"));
    try {
      mkdirSync(join(dir, "data"));
      writeFileSync(join(dir, "data", "tls.crt"), "x");
      writeFileSync(join(dir, "data", "tls.key"), "x");
      copyFileSync(SAMPLE_PATH, join(dir, "sample.yaml"));
      writeFileSync(
        join(dir, "minimal.yaml"),
        "server_name: example.org\nlisteners:\n  federation:\n    tls_cert: data/tls.crt\n    tls_key: data/tls.key\n",
      );
      expect(loadConfig(join(dir, "sample.yaml"))).to.deep.equal(loadConfig(join(dir, "minimal.yaml")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("configTemplateValues", () => {
    it("binds a loopback server name's listeners to loopback and serves it over plain HTTP", () => {
      const values = configTemplateValues({ serverName: "localhost", clientPort: 9008, federationPort: 9448 });
      expect(values.publicBaseUrl).to.equal("http://localhost:9008/");
      expect(values.clientBind).to.equal("127.0.0.1");
      expect(values.federationBind).to.equal("127.0.0.1");
      expect(values.clientPort).to.equal(9008);
      expect(values.federationPort).to.equal(9448);
    });

    it("gives a public server name https and federation on every interface", () => {
      const values = configTemplateValues({ serverName: "example.org:8448", dataDir: "/var/lib/hearth" });
      expect(values.publicBaseUrl).to.equal("https://example.org/");
      expect(values.federationBind).to.equal("0.0.0.0");
      expect(values.databasePath).to.equal("/var/lib/hearth/homeserver.db");
      expect(values.signingKeyPath).to.equal("/var/lib/hearth/example.org:8448.signing.key");
      expect(values.tlsCertPath).to.equal("/var/lib/hearth/tls.crt");
    });
  });
});
