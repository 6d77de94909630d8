import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { loadAppserviceRegistrations } from "../../../src/services/appservices/load-appservice-registrations.js";
import { lines, runHearth } from "../../cli/helpers/run-hearth.js";
import { runInProcess } from "../../cli/helpers/run-in-process.js";

function registration(id: string, asToken: string, userRegex = `@_${id}_.*`): string {
  return [
    `id: ${id}`,
    "url: http://localhost:9000",
    `as_token: ${asToken}`,
    `hs_token: ${id}-hs`,
    `sender_localpart: _${id}_bot`,
    "namespaces:",
    "  users:",
    "    - exclusive: true",
    `      regex: "${userRegex}"`,
    "",
  ].join("\n");
}

describe("loadAppserviceRegistrations", () => {
  let dir: string;
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hearth-appservices-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads every file, in order", () => {
    const loaded = loadAppserviceRegistrations([file("irc.yaml", registration("irc", "t1")), file("slack.yaml", registration("slack", "t2"))], "hs.test");
    expect(loaded.map((a) => [a.id, a.asToken, a.sender])).to.deep.equal([
      ["irc", "t1", "@_irc_bot:hs.test"],
      ["slack", "t2", "@_slack_bot:hs.test"],
    ]);
    expect(loadAppserviceRegistrations([], "hs.test")).to.deep.equal([]);
  });

  it("refuses a second appservice with the same id, naming the file and the key", () => {
    const first = file("a.yaml", registration("irc", "t1"));
    const second = file("b.yaml", registration("irc", "t2"));
    expect(() => loadAppserviceRegistrations([first, second], "hs.test")).to.throw(`${second}: id: "irc" is already the id of ${first}`);
  });

  it("refuses a second appservice with the same as_token", () => {
    const first = file("a.yaml", registration("irc", "same"));
    const second = file("b.yaml", registration("slack", "same"));
    expect(() => loadAppserviceRegistrations([first, second], "hs.test")).to.throw(`${second}: as_token: is already the as_token of ${first}`);
  });

  it("says which file is missing", () => {
    const missing = join(dir, "gone.yaml");
    expect(() => loadAppserviceRegistrations([missing], "hs.test")).to.throw(`${missing}: file not found`);
  });

  describe("through the CLI", function () {
    this.timeout(30_000);
    const config = (files: string[]): string => {
      const path = join(dir, "config.yaml");
      writeFileSync(path, `server_name: hs.test\nlog:\n  level: error\nappservice:\n  config_files: [${files.join(", ")}]\n`);
      return path;
    };

    it("hearth config validate accepts good registrations", async () => {
      file("irc.yaml", registration("irc", "t1"));
      const path = config(["irc.yaml"]);
      expect(await runInProcess(["config", "validate", "--config", path])).to.deep.equal({ code: 0, stdout: `${path} is valid\n`, stderr: "" });
    });

    it("hearth config validate (child process) exits 1 with one line naming the registration file and key", async () => {
      const bad = file("irc.yaml", registration("irc", "t1", "@_irc_(.*"));
      config(["irc.yaml"]);
      const run = await runHearth(["config", "validate", "--config", "config.yaml"], { cwd: dir });
      expect(run.code).to.equal(1);
      expect(run.stdout).to.equal("");
      const stderr = lines(run.stderr);
      expect(stderr).to.have.length(1);
      expect(stderr[0]).to.match(new RegExp(`^hearth: ${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: namespaces\\.users\\[0\\]\\.regex: invalid regular expression: `));
    });

    it("hearth config validate refuses duplicate ids across files", async () => {
      file("a.yaml", registration("irc", "t1"));
      const second = file("b.yaml", registration("irc", "t2"));
      const run = await runInProcess(["config", "validate", "--config", config(["a.yaml", "b.yaml"])]);
      expect([run.code, run.stdout, run.stderr]).to.deep.equal([1, "", `hearth: ${second}: id: "irc" is already the id of ${join(dir, "a.yaml")}\n`]);
    });

    it("hearth start with the real app refuses a bad registration with one line, before opening the database", async () => {
      const bad = file("irc.yaml", registration("irc", "t1").replace("sender_localpart: _irc_bot\n", ""));
      const path = config(["irc.yaml"]);
      const run = await runInProcess(["start", "--config", path], {
        loadApp: () => import("../../../src/app.js"),
        onSignal: () => undefined,
      });
      expect([run.code, run.stderr]).to.deep.equal([1, `hearth: ${bad}: sender_localpart: is required\n`]);
      expect(existsSync(join(dir, "data", "homeserver.db"))).to.equal(false);
    });
  });
});
