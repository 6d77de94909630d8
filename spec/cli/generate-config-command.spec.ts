import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { loadConfig } from "../../src/config/load-config.js";
import { lines, runHearth } from "./helpers/run-hearth.js";
import { runInProcess } from "./helpers/run-in-process.js";

describe("hearth generate-config", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hearth-generate-cli-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a config that validates, with the files it lists (child process)", async () => {
    const run = await runHearth(
      ["generate-config", "--server-name", "hs.example.org", "--out", "etc/hearth.yaml", "--data-dir", "var", "--client-port", "9008", "--federation-port", "9448"],
      { cwd: dir },
    );
    expect(run.stderr).to.equal("");
    expect(run.code).to.equal(0);
    expect(lines(run.stdout)).to.deep.equal([
      "wrote var/hs.example.org.signing.key",
      "wrote var/tls.crt",
      "wrote var/tls.key",
      "wrote etc/hearth.yaml",
      "Start the server with: hearth start --config etc/hearth.yaml",
    ]);
    const config = loadConfig(join(dir, "etc", "hearth.yaml"));
    expect(config.server_name).to.equal("hs.example.org");
    expect(config.listeners.client.port).to.equal(9008);
    expect(config.listeners.federation?.port).to.equal(9448);
    expect(config.database.path).to.equal(join(dir, "var", "homeserver.db"));
    expect(new X509Certificate(readFileSync(join(dir, "var", "tls.crt"))).checkHost("hs.example.org")).to.equal("hs.example.org");
  });

  it("writes to --config or HEARTH_CONFIG when --out is not given", async () => {
    const viaEnv = join(dir, "env.yaml");
    expect((await runInProcess(["generate-config", "--server-name", "a.org"], { env: { HEARTH_CONFIG: viaEnv } })).code).to.equal(0);
    expect(loadConfig(viaEnv).server_name).to.equal("a.org");
    const viaOption = join(dir, "opt.yaml");
    await runInProcess(["--config", viaOption, "generate-config", "--server-name", "b.org"]);
    expect(loadConfig(viaOption).server_name).to.equal("b.org");
  });

  it("refuses to overwrite an existing config, exiting 1 with one line", async () => {
    const out = join(dir, "config.yaml");
    writeFileSync(out, "server_name: mine.org\n");
    const run = await runInProcess(["generate-config", "--server-name", "example.org", "--out", out]);
    expect(run).to.deep.equal({
      code: 1,
      stdout: "",
      stderr: `hearth: ${out} already exists; refusing to overwrite it (remove it or choose another path)\n`,
    });
    expect(readFileSync(out, "utf8")).to.equal("server_name: mine.org\n");
  });

  it("refuses a bad port as a usage error", async () => {
    const run = await runInProcess(["generate-config", "--server-name", "a.org", "--client-port", "99999", "--out", join(dir, "c.yaml")]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal("hearth: option '--client-port <port>' argument '99999' is invalid. Expected an integer from 1 to 65535.\n");
  });
});
