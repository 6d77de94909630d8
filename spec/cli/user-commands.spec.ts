import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect } from "chai";
import type { CliContext, CliInput } from "../../src/cli/cli-context.js";
import { toLocalpart } from "../../src/cli/user-commands.js";
import { parseConfigText } from "../../src/config/load-config.js";
import { FakeCliServices } from "./helpers/fake-cli-services.js";
import { pipedInput, runInProcess } from "./helpers/run-in-process.js";

describe("hearth user", () => {
  let dir: string;
  let file: string;
  let services: FakeCliServices;
  let opened: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hearth-user-"));
    file = join(dir, "config.yaml");
    writeFileSync(file, "server_name: example.org\n");
    services = new FakeCliServices("example.org");
    opened = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function context(extra: Partial<CliContext> = {}): Partial<CliContext> {
    return {
      loadApp: async () => ({
        startHomeserver: async () => {
          throw new Error("not used");
        },
        openCliServices: async (config) => {
          expect(config.server_name).to.equal("example.org");
          opened++;
          return services;
        },
      }),
      ...extra,
    };
  }

  async function hearth(args: string[], extra: Partial<CliContext> = {}): ReturnType<typeof runInProcess> {
    return await runInProcess([...args, "--config", file], context(extra));
  }

  describe("add", () => {
    it("creates a user with the given password and closes the services", async () => {
      const run = await hearth(["user", "add", "alice", "--password", "pw1"]);
      expect(run).to.deep.equal({ code: 0, stdout: "created @alice:example.org\n", stderr: "" });
      expect(services.users.get("alice")).to.deep.equal({ password: "pw1", admin: false, deactivated: false });
      expect(services.closed).to.equal(true);
    });

    it("makes an admin with --admin and accepts a full user ID of this server", async () => {
      const run = await hearth(["user", "add", "@root:example.org", "--password", "pw", "--admin"]);
      expect(run.stdout).to.equal("created @root:example.org (admin)\n");
      expect(services.users.get("root")?.admin).to.equal(true);
    });

    it("reads the password from the first line of piped stdin", async () => {
      const run = await hearth(["user", "add", "bob"], { stdin: pipedInput("from-stdin\r\nignored\n") });
      expect(run.stdout).to.equal("created @bob:example.org\n");
      expect(services.users.get("bob")?.password).to.equal("from-stdin");
    });

    it("generates and prints a password when stdin has none", async () => {
      const run = await hearth(["user", "add", "carol"]);
      const password = services.users.get("carol")?.password as string;
      expect(password).to.match(/^[A-Za-z0-9]{24}$/);
      expect(run.stdout).to.equal(`created @carol:example.org\npassword: ${password}\n`);
    });

    it("prompts without echo at a terminal", async () => {
      const tty = new PassThrough() as PassThrough & CliInput;
      tty.isTTY = true;
      const rawModes: boolean[] = [];
      tty.setRawMode = (mode: boolean) => rawModes.push(mode);
      const prompts: string[] = [];
      const pending = hearth(["user", "add", "dave"], { stdin: tty, stderr: { write: (text: string) => prompts.push(text) } });
      setImmediate(() => {
        tty.write("s3cret\r");
        setImmediate(() => tty.write("s3cret\r"));
      });
      const run = await pending;
      expect(run.code).to.equal(0);
      expect(services.users.get("dave")?.password).to.equal("s3cret");
      expect(prompts.join("")).to.equal("Password: \nConfirm password: \n");
      expect(rawModes).to.deep.equal([true, false, true, false]);
    });

    it("refuses a user ID of another server without opening the services", async () => {
      const run = await hearth(["user", "add", "@eve:evil.org", "--password", "x"]);
      expect(run).to.deep.equal({ code: 1, stdout: "", stderr: "hearth: @eve:evil.org is not a user of this server (example.org)\n" });
      expect(opened).to.equal(0);
    });

    it("reports a failure from the services on one line and still closes them", async () => {
      await hearth(["user", "add", "alice", "--password", "a"]);
      services.closed = false;
      const run = await hearth(["user", "add", "alice", "--password", "b"]);
      expect(run).to.deep.equal({ code: 1, stdout: "", stderr: "hearth: user @alice:example.org already exists\n" });
      expect(services.closed).to.equal(true);
    });

    it("refuses an empty --password", async () => {
      expect((await hearth(["user", "add", "alice", "--password", ""])).stderr).to.equal("hearth: --password must not be empty\n");
    });
  });

  describe("list", () => {
    it("prints one user per line with admin and deactivated flags", async () => {
      services.users.set("alice", { password: "x", admin: true, deactivated: false });
      services.users.set("bob", { password: "x", admin: false, deactivated: true });
      services.users.set("carol", { password: "x", admin: false, deactivated: false });
      expect((await hearth(["user", "list"])).stdout).to.equal(
        "@alice:example.org\tadmin\n@bob:example.org\tdeactivated\n@carol:example.org\n",
      );
      expect(services.closed).to.equal(true);
    });

    it("prints nothing when there are no users", async () => {
      expect(await hearth(["user", "list"])).to.deep.equal({ code: 0, stdout: "", stderr: "" });
    });
  });

  describe("deactivate", () => {
    it("deactivates the user", async () => {
      services.users.set("bob", { password: "x", admin: false, deactivated: false });
      expect((await hearth(["user", "deactivate", "@bob:example.org"])).stdout).to.equal("deactivated @bob:example.org\n");
      expect(services.users.get("bob")?.deactivated).to.equal(true);
    });

    it("fails with one line for an unknown user", async () => {
      expect(await hearth(["user", "deactivate", "nobody"]))
        .to.deep.equal({ code: 1, stdout: "", stderr: "hearth: no user @nobody:example.org\n" });
    });
  });

  describe("reset-password", () => {
    beforeEach(() => services.users.set("bob", { password: "old", admin: false, deactivated: false }));

    it("sets the given password", async () => {
      const run = await hearth(["user", "reset-password", "bob", "--password", "new"]);
      expect(run.stdout).to.equal("changed the password of @bob:example.org\n");
      expect(services.users.get("bob")?.password).to.equal("new");
    });

    it("reads it from stdin, or generates and prints one", async () => {
      await hearth(["user", "reset-password", "bob"], { stdin: pipedInput("piped") });
      expect(services.users.get("bob")?.password).to.equal("piped");
      const run = await hearth(["user", "reset-password", "bob"]);
      const password = services.users.get("bob")?.password as string;
      expect(password).not.to.equal("piped");
      expect(run.stdout).to.equal(`changed the password of @bob:example.org\npassword: ${password}\n`);
    });
  });

  describe("toLocalpart", () => {
    const config = parseConfigText("server_name: example.org:8448\n", "/x/config.yaml");

    it("accepts a localpart or a user ID of this server", () => {
      expect(toLocalpart("alice", config)).to.equal("alice");
      expect(toLocalpart("@alice:example.org:8448", config)).to.equal("alice");
    });

    it("refuses other servers' IDs and malformed names", () => {
      expect(() => toLocalpart("@alice:example.org", config)).to.throw("is not a user of this server");
      expect(() => toLocalpart("@alice", config)).to.throw("invalid user ID");
      expect(() => toLocalpart("@:example.org:8448", config)).to.throw("invalid user ID");
      expect(() => toLocalpart("alice:example.org", config)).to.throw("invalid user name");
    });
  });
});
