import { expect } from "chai";
import { SqliteWriter, sqliteWriterFor } from "../../src/storage/sqlite-writer.js";
import { createDataSource } from "../../src/storage/data-source.js";
import { rejection } from "./rejection.js";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("SqliteWriter", () => {
  it("runs one task at a time, in arrival order", async () => {
    const writer = new SqliteWriter();
    const log: string[] = [];
    let running = 0;
    const task = (name: string) => async () => {
      running++;
      expect(running).to.equal(1);
      log.push(`start ${name}`);
      await tick();
      await tick();
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all([writer.run(task("a")), writer.run(task("b")), writer.run(task("c"))]);
    expect(results).to.deep.equal(["a", "b", "c"]);
    expect(log).to.deep.equal(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("moves on to the next task after one fails", async () => {
    const writer = new SqliteWriter();
    const failing = writer.run(async () => {
      await tick();
      throw new Error("boom");
    });
    const next = writer.run(async () => "ok");
    expect(writer.queued).to.equal(1);
    expect(String(await rejection(failing))).to.match(/boom/);
    expect(await next).to.equal("ok");
    expect(writer.queued).to.equal(0);
  });

  it("keeps one writer per DataSource", () => {
    const a = createDataSource({ engine: "sqlite", path: ":memory:" });
    const b = createDataSource({ engine: "sqlite", path: ":memory:" });
    expect(sqliteWriterFor(a)).to.equal(sqliteWriterFor(a));
    expect(sqliteWriterFor(a)).to.not.equal(sqliteWriterFor(b));
  });
});
