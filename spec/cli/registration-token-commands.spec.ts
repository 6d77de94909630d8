import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { openCliServices } from "../../src/app.js";
import type { CliContext } from "../../src/cli/cli-context.js";
import { generateConfig } from "../../src/config/generate-config.js";
import { FakeCliServices } from "./helpers/fake-cli-services.js";
import { runInProcess } from "./helpers/run-in-process.js";

describe("hearth registration-token", () => {
  let dir: string;
  let file: string;
  let services: FakeCliServices;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hearth-regtoken-"));
    file = join(dir, "config.yaml");
    writeFileSync(file, "server_name: example.org\n");
    services = new FakeCliServices("example.org");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fakeApp: Partial<CliContext> = {
    loadApp: async () => ({
      startHomeserver: async () => {
        throw new Error("not used");
      },
      openCliServices: async () => services,
    }),
  };

  async function hearth(args: string[], context: Partial<CliContext> = fakeApp): ReturnType<typeof runInProcess> {
    return await runInProcess([...args, "--config", file], context);
  }

  it("create passes the token, uses and an ISO expiry, and prints what it made", async () => {
    const run = await hearth(["registration-token", "create", "--token", "abc", "--uses", "3", "--expires", "2040-01-02T03:04:05Z"]);
    expect(run).to.deep.equal({ code: 0, stdout: "created registration token abc (uses: 3, expires: 2040-01-02T03:04:05.000Z)\n", stderr: "" });
    expect(services.registrationTokens.get("abc")).to.deep.equal({ token: "abc", usesAllowed: 3, pending: 0, completed: 0, expiryTime: Date.UTC(2040, 0, 2, 3, 4, 5) });
    expect(services.closed).to.equal(true);
  });

  it("create without options makes an unlimited token that never expires; --expires also takes milliseconds", async () => {
    expect((await hearth(["registration-token", "create", "--length", "5"])).stdout).to.equal("created registration token GGGGG (uses: unlimited, expires: never)\n");
    await hearth(["registration-token", "create", "--token", "ms", "--expires", "2208988800000"]);
    expect(services.registrationTokens.get("ms")?.expiryTime).to.equal(2208988800000);
  });

  it("refuses a count or a time it cannot read, without opening the services", async () => {
    let opened = 0;
    const counting: Partial<CliContext> = {
      loadApp: async () => ({ startHomeserver: async () => Promise.reject(new Error("unused")), openCliServices: async () => (opened++, services) }),
    };
    const badUses = await hearth(["registration-token", "create", "--uses", "-1"], counting);
    expect(badUses.code).to.equal(1);
    expect(badUses.stderr).to.match(/^hearth: .*--uses.*Expected a whole number/);
    const badTime = await hearth(["registration-token", "create", "--expires", "next tuesday"], counting);
    expect(badTime.stderr).to.match(/Expected an ISO 8601 date-time or milliseconds since the epoch/);
    expect(opened).to.equal(0);
  });

  it("lists tokens with their state, uses, pending uses and expiry", async () => {
    services.registrationTokens.set("open", { token: "open", usesAllowed: null, pending: 1, completed: 4, expiryTime: null });
    services.registrationTokens.set("full", { token: "full", usesAllowed: 2, pending: 1, completed: 1, expiryTime: null });
    services.registrationTokens.set("old", { token: "old", usesAllowed: 5, pending: 0, completed: 0, expiryTime: 1000 });
    const run = await hearth(["registration-token", "list"]);
    expect(run.stdout).to.equal(
      "open\tvalid\t4/∞\tpending 1\texpires never\n" +
        "full\tused up\t1/2\tpending 1\texpires never\n" +
        "old\texpired\t0/5\tpending 0\texpires 1970-01-01T00:00:01.000Z\n",
    );
  });

  it("revokes a token, and fails for one that does not exist", async () => {
    services.registrationTokens.set("abc", { token: "abc", usesAllowed: null, pending: 0, completed: 0, expiryTime: null });
    expect(await hearth(["registration-token", "revoke", "abc"])).to.deep.equal({ code: 0, stdout: "revoked registration token abc\n", stderr: "" });
    expect(services.registrationTokens.size).to.equal(0);
    expect(await hearth(["registration-token", "revoke", "abc"])).to.deep.equal({ code: 1, stdout: "", stderr: "hearth: no registration token abc\n" });
  });

  it("works against the real app's database", async function () {
    this.timeout(20_000);
    const configPath = join(dir, "real.yaml");
    generateConfig({ serverName: "cli.test", outPath: configPath, dataDir: join(dir, "data") });
    const real: Partial<CliContext> = { loadApp: async () => ({ startHomeserver: async () => Promise.reject(new Error("unused")), openCliServices }) };
    const run = (args: string[]) => runInProcess([...args, "--config", configPath], real);
    expect((await run(["registration-token", "create", "--token", "tok1", "--uses", "2"])).code).to.equal(0);
    expect((await run(["registration-token", "create", "--token", "tok1"])).stderr).to.equal("hearth: The token tok1 already exists\n");
    expect((await run(["registration-token", "create", "--token", "past", "--expires", "1000"])).stderr).to.equal("hearth: The expiry time must be in the future\n");
    expect((await run(["registration-token", "list"])).stdout).to.equal("tok1\tvalid\t0/2\tpending 0\texpires never\n");
    expect((await run(["registration-token", "revoke", "tok1"])).code).to.equal(0);
    expect((await run(["registration-token", "list"])).stdout).to.equal("");
  });
});
