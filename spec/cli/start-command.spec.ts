import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "chai";
import type { Config } from "../../src/config/config.js";
import type { AppEntry } from "../../src/cli/cli-services.js";
import { runHearth } from "./helpers/run-hearth.js";
import { runInProcess } from "./helpers/run-in-process.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "start-with-fake-app.ts");

/** A fake app recording startHomeserver calls, with a controllable stop(). */
class FakeApp {
  started: Array<{ config: Config; configPath: string | undefined }> = [];
  stops = 0;
  stopResult: () => Promise<void> = async () => undefined;
  /** Resolves when start-up may finish (start-up is instant unless a test replaces it). */
  startGate: Promise<void> = Promise.resolve();

  entry(): AppEntry {
    return {
      startHomeserver: async (config, opts) => {
        this.started.push({ config, configPath: opts?.configPath });
        await this.startGate;
        return {
          stop: async () => {
            this.stops++;
            await this.stopResult();
          },
        };
      },
      openCliServices: async () => {
        throw new Error("start does not open CLI services");
      },
    };
  }
}

/** Signal handlers and exit codes captured in place of the process's own. */
class FakeProcess {
  handlers = new Map<string, () => void>();
  exits: number[] = [];
  onSignal = (signal: string, handler: () => void): void => void this.handlers.set(signal, handler);
  exit = (code: number): void => void this.exits.push(code);
  send(signal: string): void {
    (this.handlers.get(signal) as () => void)();
  }
}

describe("hearth start", () => {
  let dir: string;
  let app: FakeApp;
  let proc: FakeProcess;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hearth-start-"));
    app = new FakeApp();
    proc = new FakeProcess();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function start(args: string[], env: Record<string, string> = {}): ReturnType<typeof runInProcess> {
    return await runInProcess(["start", ...args], { loadApp: async () => app.entry(), onSignal: proc.onSignal, exit: proc.exit, env });
  }

  it("generates a missing config for localhost, says so, and starts the server with it", async () => {
    const file = join(dir, "config.yaml");
    const run = await start(["--config", file]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal(
      `No config file at ${file}: generated one for server name "localhost" (client port 8008, federation port 8448, data in ${join(dir, "data")}).\n`,
    );
    expect(existsSync(join(dir, "data", "localhost.signing.key"))).to.equal(true);
    expect(app.started).to.have.length(1);
    const { config, configPath } = app.started[0] as FakeApp["started"][number];
    expect(config.server_name).to.equal("localhost");
    expect(config.listeners.client.port).to.equal(8008);
    expect(config.listeners.federation?.port).to.equal(8448);
    expect(config.database.path).to.equal(join(dir, "data", "homeserver.db"));
    expect(configPath).to.equal(file);
  });

  it("passes the config file's absolute path to the app", async () => {
    writeFileSync(join(dir, "config.yaml"), "server_name: example.org\n");
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await start(["--config", "config.yaml"]);
    } finally {
      process.chdir(cwd);
    }
    expect(app.started[0]?.configPath).to.equal(join(dir, "config.yaml"));
  });

  it("uses an existing config as it is, found through HEARTH_CONFIG", async () => {
    const file = join(dir, "hs.yaml");
    writeFileSync(file, "server_name: example.org\nlisteners:\n  client:\n    port: 9000\n");
    const run = await start([], { HEARTH_CONFIG: file });
    expect(run).to.deep.equal({ code: 0, stdout: "", stderr: "" });
    expect(app.started[0]?.config.listeners.client.port).to.equal(9000);
    expect(app.started[0]?.configPath).to.equal(file);
  });

  it("does not start with an invalid config", async () => {
    const file = join(dir, "config.yaml");
    writeFileSync(file, "server_name: example.org\ndatabase:\n  engine: mysql\n");
    const run = await start(["--config", file]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal(`hearth: ${file}: database.engine: must be one of sqlite, postgres (got "mysql")\n`);
    expect(app.started).to.deep.equal([]);
  });

  it("stops gracefully on SIGINT or SIGTERM and exits 0 once stop() has finished", async () => {
    for (const signal of ["SIGINT", "SIGTERM"]) {
      app = new FakeApp();
      proc = new FakeProcess();
      let finishStop = (): void => undefined;
      app.stopResult = async () => await new Promise<void>((resolve) => (finishStop = resolve));
      writeFileSync(join(dir, "config.yaml"), "server_name: example.org\n");
      await start(["--config", join(dir, "config.yaml")]);
      proc.send(signal);
      await sleep(10);
      expect(app.stops).to.equal(1);
      expect(proc.exits).to.deep.equal([]);
      finishStop();
      await sleep(10);
      expect(proc.exits).to.deep.equal([0]);
    }
  });

  it("a signal during start-up stops the server once it has started, and exits 0", async () => {
    let finishStart = (): void => undefined;
    app.startGate = new Promise<void>((resolve) => (finishStart = resolve));
    writeFileSync(join(dir, "config.yaml"), "server_name: example.org\n");
    const running = start(["--config", join(dir, "config.yaml")]);
    await sleep(10);
    proc.send("SIGTERM");
    await sleep(10);
    expect(app.stops).to.equal(0);
    expect(proc.exits).to.deep.equal([]);
    finishStart();
    await running;
    await sleep(10);
    expect(app.stops).to.equal(1);
    expect(proc.exits).to.deep.equal([0]);
  });

  it("reports the server started once startHomeserver has resolved, not before", async () => {
    let finishStart = (): void => undefined;
    app.startGate = new Promise<void>((resolve) => (finishStart = resolve));
    writeFileSync(join(dir, "config.yaml"), "server_name: example.org\n");
    let started = 0;
    const running = runInProcess(["start", "--config", join(dir, "config.yaml")], {
      loadApp: async () => app.entry(),
      onSignal: proc.onSignal,
      exit: proc.exit,
      serverStarted: () => void started++,
    });
    await sleep(10);
    expect(started).to.equal(0);
    finishStart();
    await running;
    expect(started).to.equal(1);
  });

  it("exits 1 at once on a second signal while stopping", async () => {
    app.stopResult = async () => await new Promise<void>(() => undefined);
    writeFileSync(join(dir, "config.yaml"), "server_name: example.org\n");
    await start(["--config", join(dir, "config.yaml")]);
    proc.send("SIGTERM");
    proc.send("SIGINT");
    expect(proc.exits).to.deep.equal([1]);
    await sleep(10); // stop() is called once start-up has settled
    expect(app.stops).to.equal(1);
  });

  it("exits 1 with one line when stop() fails", async () => {
    app.stopResult = async () => {
      throw new Error("database busy\nwhile closing");
    };
    writeFileSync(join(dir, "config.yaml"), "server_name: example.org\n");
    const stderr: string[] = [];
    await runInProcess(["start", "--config", join(dir, "config.yaml")], {
      loadApp: async () => app.entry(),
      onSignal: proc.onSignal,
      exit: proc.exit,
      stderr: { write: (text: string) => stderr.push(text) },
    });
    proc.send("SIGINT");
    await sleep(10);
    expect(proc.exits).to.deep.equal([1]);
    expect(stderr).to.deep.equal(["hearth: stopping failed: database busy while closing\n"]);
  });

  describe("as a real process", () => {
    async function waitFor(condition: () => boolean): Promise<void> {
      for (let i = 0; i < 200 && !condition(); i++) await sleep(25);
      expect(condition()).to.equal(true);
    }

    it("exits 0 after a graceful stop on SIGTERM", async () => {
      writeFileSync(join(dir, "config.yaml"), "server_name: example.org\n");
      const run = await runHearth(["start"], {
        cwd: dir,
        script: FIXTURE,
        env: { FAKE_STOP_MS: "50" },
        onStart: (child, output) => void waitFor(() => output.stdout().includes("started")).then(() => child.kill("SIGTERM")),
      });
      expect(run.code).to.equal(0);
      expect(run.stdout).to.equal("started example.org\nSIGTERM received: stopping (send it again to exit at once)\nstopped\n");
    });

    it("exits 1 on a second SIGINT while stop() hangs", async () => {
      writeFileSync(join(dir, "config.yaml"), "server_name: example.org\n");
      const run = await runHearth(["start"], {
        cwd: dir,
        script: FIXTURE,
        env: { FAKE_STOP_MS: "never" },
        onStart: (child, output) =>
          void (async () => {
            await waitFor(() => output.stdout().includes("started"));
            child.kill("SIGINT");
            await waitFor(() => output.stdout().includes("stopping"));
            child.kill("SIGINT");
          })(),
      });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.equal("hearth: SIGINT again: exiting without waiting\n");
    });
  });
});
