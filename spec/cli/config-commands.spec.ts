import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { lines, runHearth, type HearthRun } from "./helpers/run-hearth.js";
import { runInProcess } from "./helpers/run-in-process.js";

/** Each bad config, the key its one error line must name, and the line itself. */
const BAD_CONFIGS: Array<{ name: string; text: string; key: string; line: string }> = [
  {
    name: "an unknown top-level key",
    text: "server_name: example.org\nlistners:\n  client:\n    port: 8008\n",
    key: "listners",
    line: 'hearth: config.yaml: unknown key "listners" at top level',
  },
  {
    name: "an unknown nested key",
    text: "server_name: example.org\nlisteners:\n  client:\n    prot: 8008\n",
    key: "listeners.client",
    line: 'hearth: config.yaml: unknown key "prot" in listeners.client',
  },
  {
    name: "a value of the wrong type",
    text: "server_name: example.org\nregistration:\n  enabled: maybe\n",
    key: "registration.enabled",
    line: 'hearth: config.yaml: registration.enabled: must be true or false (got "maybe")',
  },
  {
    name: "an out-of-range port",
    text: "server_name: example.org\nlisteners:\n  client:\n    port: 70000\n",
    key: "listeners.client.port",
    line: "hearth: config.yaml: listeners.client.port: must be an integer from 1 to 65535 (got 70000)",
  },
  {
    name: "an unknown database engine",
    text: "server_name: example.org\ndatabase:\n  engine: mysql\n",
    key: "database.engine",
    line: 'hearth: config.yaml: database.engine: must be one of sqlite, postgres (got "mysql")',
  },
  {
    name: "a missing TLS file",
    text: "server_name: example.org\nlisteners:\n  federation:\n    tls_cert: /nonexistent/cert.pem\n    tls_key: /nonexistent/key.pem\n",
    key: "listeners.federation.tls_cert",
    line: "hearth: config.yaml: listeners.federation.tls_cert: file not found: /nonexistent/cert.pem",
  },
  {
    name: "sqlite without a path",
    text: "server_name: example.org\ndatabase:\n  engine: sqlite\n",
    key: "database.path",
    line: "hearth: config.yaml: database.path: is required when database.engine is sqlite",
  },
  {
    name: "postgres without a url",
    text: "server_name: example.org\ndatabase:\n  engine: postgres\n",
    key: "database.url",
    line: "hearth: config.yaml: database.url: is required when database.engine is postgres",
  },
  {
    name: "a YAML syntax error",
    text: "server_name: example.org\nlisteners:\n  client: {port: 8008\n",
    key: "line 4",
    line: "hearth: config.yaml: line 4, column 1: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }",
  },
];

describe("hearth config", () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hearth-config-cli-"));
    file = join(dir, "config.yaml");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe("validate, run as a child process, on bad configs", () => {
    const runs = new Map<string, HearthRun>();
    let root: string;

    // One process per case, started together: each run costs a Node start-up.
    before(async () => {
      root = mkdtempSync(join(tmpdir(), "hearth-bad-configs-"));
      await Promise.all(
        BAD_CONFIGS.map(async (bad, i) => {
          const caseDir = join(root, String(i));
          mkdirSync(caseDir);
          writeFileSync(join(caseDir, "config.yaml"), bad.text);
          runs.set(bad.name, await runHearth(["config", "validate", "--config", "config.yaml"], { cwd: caseDir }));
        }),
      );
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    for (const bad of BAD_CONFIGS) {
      it(`exits 1 with one stderr line naming ${bad.key} for ${bad.name}`, () => {
        const run = runs.get(bad.name) as HearthRun;
        expect(run.code).to.equal(1);
        expect(lines(run.stderr)).to.deep.equal([bad.line]);
        expect(run.stdout).to.equal("");
      });
    }
  });

  describe("validate", () => {
    it("says a good file is valid and exits 0", async () => {
      writeFileSync(file, "server_name: example.org\n");
      const run = await runInProcess(["config", "validate", "--config", file]);
      expect(run).to.deep.equal({ code: 0, stdout: `${file} is valid\n`, stderr: "" });
    });

    it("reads the file named by HEARTH_CONFIG when there is no --config (child process)", async () => {
      writeFileSync(join(dir, "hs.yaml"), "server_name: example.org\n");
      const run = await runHearth(["config", "validate"], { cwd: dir, env: { HEARTH_CONFIG: "hs.yaml" } });
      expect(run.code).to.equal(0);
      expect(run.stdout).to.equal("hs.yaml is valid\n");
    });

    it("prefers --config to HEARTH_CONFIG", async () => {
      writeFileSync(file, "server_name: example.org\n");
      const run = await runInProcess(["config", "validate", "--config", file], { env: { HEARTH_CONFIG: join(dir, "nope.yaml") } });
      expect(run.code).to.equal(0);
    });

    it("defaults to ./config.yaml and says when it is missing", async () => {
      const missing = await runHearth(["config", "validate"], { cwd: dir });
      expect(missing.code).to.equal(1);
      expect(lines(missing.stderr)).to.deep.equal(["hearth: config.yaml: file not found"]);
      writeFileSync(file, "server_name: example.org\n");
      const present = await runHearth(["config", "validate"], { cwd: dir });
      expect(present.stdout).to.equal("config.yaml is valid\n");
    });

    it("takes --config before the command too", async () => {
      writeFileSync(file, "server_name: example.org\n");
      expect((await runInProcess(["--config", file, "config", "validate"])).code).to.equal(0);
    });
  });

  describe("get", () => {
    beforeEach(() => writeFileSync(file, "server_name: example.org\nfederation:\n  deny: [a.org]\n"));

    it("prints a scalar in effect, defaults included", async () => {
      expect(await runInProcess(["config", "get", "listeners.client.port", "--config", file]))
        .to.deep.equal({ code: 0, stdout: "8008\n", stderr: "" });
      expect((await runInProcess(["config", "get", "server_name", "--config", file])).stdout).to.equal("example.org\n");
    });

    it("prints lists and mappings as YAML", async () => {
      expect((await runInProcess(["config", "get", "federation.deny", "--config", file])).stdout).to.equal("- a.org\n");
      expect((await runInProcess(["config", "get", "rate_limits.login", "--config", file])).stdout)
        .to.equal("per_second: 0.17\nburst_count: 3\n");
    });

    it("fails with one line for an unknown or unset key", async () => {
      expect(await runInProcess(["config", "get", "listeners.client.prot", "--config", file]))
        .to.deep.equal({ code: 1, stdout: "", stderr: `hearth: ${file}: unknown key "listeners.client.prot"\n` });
      expect((await runInProcess(["config", "get", "redis.url", "--config", file])).stderr)
        .to.equal(`hearth: ${file}: redis.url: is not set\n`);
    });
  });

  describe("set", () => {
    const TEXT = "# My server.\nserver_name: example.org # the name\n\nlisteners:\n  client:\n    # Local only.\n    port: 8008\n";

    beforeEach(() => writeFileSync(file, TEXT, { mode: 0o640 }));

    it("sets a number, keeping comments, layout and file mode", async () => {
      const run = await runInProcess(["config", "set", "listeners.client.port", "8009", "--config", file]);
      expect(run).to.deep.equal({ code: 0, stdout: `${file}: set listeners.client.port\n`, stderr: "" });
      expect(readFileSync(file, "utf8")).to.equal(TEXT.replace("port: 8008", "port: 8009"));
      expect(statSync(file).mode & 0o777).to.equal(0o640);
      expect((await runInProcess(["config", "get", "listeners.client.port", "--config", file])).stdout).to.equal("8009\n");
    });

    it("sets a boolean as a boolean", async () => {
      await runInProcess(["config", "set", "registration.enabled", "true", "--config", file]);
      expect((await runInProcess(["config", "get", "registration.enabled", "--config", file])).stdout).to.equal("true\n");
      expect(readFileSync(file, "utf8")).to.include("# My server.\n").and.to.include("    # Local only.\n");
    });

    it("refuses an invalid value, naming the key, and leaves the file unchanged (child process)", async () => {
      const run = await runHearth(["config", "set", "listeners.client.port", "70000"], { cwd: dir });
      expect(run.code).to.equal(1);
      expect(lines(run.stderr)).to.deep.equal([
        "hearth: config.yaml: listeners.client.port: must be an integer from 1 to 65535 (got 70000)",
      ]);
      expect(readFileSync(file, "utf8")).to.equal(TEXT);
    });

    it("refuses an unknown key and leaves the file unchanged", async () => {
      const run = await runInProcess(["config", "set", "listeners.client.prot", "1", "--config", file]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.equal(`hearth: ${file}: unknown key "listeners.client.prot"\n`);
      expect(readFileSync(file, "utf8")).to.equal(TEXT);
    });

    it("fails on a missing file without creating it", async () => {
      const missing = join(dir, "none.yaml");
      const run = await runInProcess(["config", "set", "log.level", "debug", "--config", missing]);
      expect(run.stderr).to.equal(`hearth: ${missing}: file not found\n`);
      expect(() => statSync(missing)).to.throw();
    });
  });
});
