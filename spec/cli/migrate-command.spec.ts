import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { CliContext } from "../../src/cli/cli-context.js";
import { FakeCliServices } from "./helpers/fake-cli-services.js";
import { runInProcess } from "./helpers/run-in-process.js";

describe("hearth migrate", () => {
  let dir: string;
  let file: string;
  let services: FakeCliServices;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hearth-migrate-"));
    file = join(dir, "config.yaml");
    writeFileSync(file, "server_name: example.org\n");
    services = new FakeCliServices("example.org");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const app = (): Partial<CliContext> => ({
    loadApp: async () => ({
      startHomeserver: async () => {
        throw new Error("not used");
      },
      openCliServices: async () => services,
    }),
  });

  it("lists the migrations it applied, then says the database is up to date", async () => {
    services.pendingMigrations = ["1763700000000-create-users", "1763700001000-create-rooms"];
    expect(await runInProcess(["migrate", "--config", file], app())).to.deep.equal({
      code: 0,
      stdout: "applied 2 migrations:\n  1763700000000-create-users\n  1763700001000-create-rooms\n",
      stderr: "",
    });
    expect(services.closed).to.equal(true);
    expect((await runInProcess(["migrate", "--config", file], app())).stdout).to.equal("database is up to date\n");
  });

  it("reports a failure to open the database on one line", async () => {
    const run = await runInProcess(["migrate", "--config", file], {
      loadApp: async () => ({
        startHomeserver: async () => {
          throw new Error("not used");
        },
        openCliServices: async () => {
          throw new Error("SQLITE_CANTOPEN: unable to open database file\n    at Database");
        },
      }),
    });
    expect(run).to.deep.equal({ code: 1, stdout: "", stderr: "hearth: SQLITE_CANTOPEN: unable to open database file at Database\n" });
  });
});
