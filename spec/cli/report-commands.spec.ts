import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { openCliServices } from "../../src/app.js";
import type { CliContext } from "../../src/cli/cli-context.js";
import type { CliContentReport } from "../../src/cli/cli-services.js";
import { call, registerUser, startAccountsHomeserver } from "../helpers/accounts.js";
import { FakeCliServices } from "./helpers/fake-cli-services.js";
import { runInProcess } from "./helpers/run-in-process.js";

const T0 = Date.UTC(2030, 0, 2, 3, 4, 5);

function report(id: number, fields: Partial<CliContentReport>): CliContentReport {
  return {
    id,
    kind: "event",
    userId: "@bob:example.org",
    roomId: "!room:example.org",
    eventId: `$e${id}`,
    targetUserId: "@alice:example.org",
    reason: null,
    score: null,
    receivedTs: T0 + id * 1000,
    roomName: null,
    canonicalAlias: null,
    ...fields,
  };
}

describe("hearth reports", () => {
  let dir: string;
  let file: string;
  let services: FakeCliServices;
  let opened: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hearth-reports-"));
    file = join(dir, "config.yaml");
    writeFileSync(file, "server_name: example.org\n");
    services = new FakeCliServices("example.org");
    opened = 0;
    services.reports.push(
      report(1, { reason: "rude" }),
      report(2, { kind: "room", eventId: null, targetUserId: null, reason: "a whole\nroom\tof spam" }),
      report(3, { kind: "user", userId: "@carol:example.org", roomId: null, eventId: null, targetUserId: "@troll:elsewhere.test", reason: "" }),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fakeApp: Partial<CliContext> = {
    loadApp: async () => ({
      startHomeserver: async () => Promise.reject(new Error("unused")),
      openCliServices: async () => (opened++, services),
    }),
  };
  const hearth = (args: string[], context: Partial<CliContext> = fakeApp) => runInProcess([...args, "--config", file], context);

  it("list prints one report a line, newest first: ID, time, kind, reporter, what was reported, reason", async () => {
    const run = await hearth(["reports", "list"]);
    expect(run).to.deep.equal({
      code: 0,
      stdout:
        "3\t2030-01-02T03:04:08.000Z\tuser\t@carol:example.org\t@troll:elsewhere.test\t-\n" +
        "2\t2030-01-02T03:04:07.000Z\troom\t@bob:example.org\t!room:example.org\ta whole room of spam\n" +
        "1\t2030-01-02T03:04:06.000Z\tevent\t@bob:example.org\t$e1 in !room:example.org\trude\n",
      stderr: "",
    });
    expect(services.closed).to.equal(true);
  });

  it("list filters by kind, room and reporter, pages with --limit and --offset, and says on stderr what is left", async () => {
    expect((await hearth(["reports", "list", "--kind", "user"])).stdout).to.match(/^3\t/);
    expect((await hearth(["reports", "list", "--room", "!room:example.org", "--oldest-first"])).stdout.split("\n").map((l) => l.split("\t")[0])).to.deep.equal(["1", "2", ""]);
    expect((await hearth(["reports", "list", "--reporter", "@carol:example.org"])).stdout.split("\n")).to.have.length(2);
    const page = await hearth(["reports", "list", "--limit", "1", "--offset", "1"]);
    expect(page.stdout).to.match(/^2\t/);
    expect(page.stderr).to.equal("1 more: --offset 2 shows the next ones\n");
  });

  it("refuses a kind or a count it cannot read, without opening the services", async () => {
    const badKind = await hearth(["reports", "list", "--kind", "message"]);
    expect(badKind.code).to.equal(1);
    expect(badKind.stderr).to.match(/^hearth: .*--kind.*Expected one of event, room, user/);
    expect((await hearth(["reports", "list", "--limit", "-3"])).stderr).to.match(/Expected a whole number/);
    expect((await hearth(["reports", "show", "zero"])).stderr).to.match(/Expected a whole number/);
    expect((await hearth(["reports", "show", "0"])).stderr).to.match(/Expected a report ID/);
    expect(opened).to.equal(0);
  });

  it("show prints a report's fields and the reported event, and fails for an unknown ID", async () => {
    services.reports[0] = { ...services.reports[0]!, roomName: "Lobby", canonicalAlias: "#lobby:example.org", score: -100 };
    services.events.set("$e1", { type: "m.room.message", content: { body: "hi" } });
    const run = await hearth(["reports", "show", "1"]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal(
      [
        "id: 1",
        "kind: event",
        "received: 2030-01-02T03:04:06.000Z",
        "reporter: @bob:example.org",
        "room: !room:example.org",
        "room name: Lobby",
        "room alias: #lobby:example.org",
        "event: $e1",
        "sender: @alice:example.org",
        "score: -100",
        "reason: rude",
        "event json:",
        JSON.stringify({ type: "m.room.message", content: { body: "hi" } }, null, 2),
        "",
      ].join("\n"),
    );
    expect((await hearth(["reports", "show", "3"])).stdout).to.include("user: @troll:elsewhere.test\n").and.not.include("event json");
    expect(await hearth(["reports", "show", "7"])).to.deep.equal({ code: 1, stdout: "", stderr: "hearth: no report 7\n" });
  });

  it("reads the reports users sent to a real server", async function () {
    this.timeout(30_000);
    const hs = await startAccountsHomeserver({ engine: "sqlite", serverName: "example.org" });
    try {
      const alice = await registerUser(hs, "alice");
      const bob = await registerUser(hs, "bob");
      const post = async (token: string, path: string, body: unknown) => {
        const response = await call(hs, "POST", `/_matrix/client/v3${path}`, { token, body });
        expect(response.status, JSON.stringify(response.body)).to.equal(200);
        return response.body;
      };
      const roomId = (await post(alice.accessToken, "/createRoom", { preset: "public_chat", name: "Lobby" })).room_id as string;
      await post(bob.accessToken, `/join/${encodeURIComponent(roomId)}`, {});
      const sent = await call(hs, "PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t1`, {
        token: alice.accessToken,
        body: { msgtype: "m.text", body: "offensive" },
      });
      const eventId = sent.body.event_id as string;
      await post(bob.accessToken, `/rooms/${encodeURIComponent(roomId)}/report/${encodeURIComponent(eventId)}`, { reason: "rude", score: -80 });
      await post(bob.accessToken, `/users/${encodeURIComponent(alice.userId)}/report`, { reason: "again" });

      const databasePath = hs.homeserver.db.databaseOptions.engine === "sqlite" ? hs.homeserver.db.databaseOptions.path : "";
      const real: Partial<CliContext> = {
        loadApp: async () => ({
          startHomeserver: async () => Promise.reject(new Error("unused")),
          openCliServices: (config) => openCliServices({ ...config, database: { engine: "sqlite", path: databasePath } }),
        }),
      };
      const list = await hearth(["reports", "list"], real);
      expect(list.code, list.stderr).to.equal(0);
      const lines = list.stdout.trimEnd().split("\n").map((line) => line.split("\t"));
      expect(lines.map((fields) => [fields[2], fields[3], fields[4], fields[5]])).to.deep.equal([
        ["user", bob.userId, alice.userId, "again"],
        ["event", bob.userId, `${eventId} in ${roomId}`, "rude"],
      ]);
      const show = await hearth(["reports", "show", lines[1]![0]!], real);
      expect(show.code, show.stderr).to.equal(0);
      expect(show.stdout).to.include(`room name: Lobby\n`).and.include(`sender: ${alice.userId}\n`).and.include("score: -80\n");
      expect(show.stdout).to.include('"body": "offensive"');
    } finally {
      await hs.stop();
    }
  });
});
