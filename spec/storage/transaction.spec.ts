import { expect } from "chai";
import { beforeCommit, onCommit, runInTransaction } from "../../src/storage/transaction.js";
import { dialectOf, toNumber } from "../../src/storage/dialect.js";
import { readManager, type HearthDataSource } from "../../src/storage/data-source.js";
import { closeTestDatabase, openTestDatabase, withAllDatabases } from "../helpers/with-all-databases.js";
import { rejection } from "./rejection.js";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

withAllDatabases("runInTransaction", (getDb) => {
  async function position(name: string): Promise<number | null> {
    const rows = await dialectOf(getDb()).query<{ position: unknown }>(
      readManager(getDb()),
      "SELECT position FROM stream_positions WHERE stream_name = ?",
      [name],
    );
    return rows[0] ? toNumber(rows[0].position) : null;
  }

  it("commits what the callback wrote and returns its result", async () => {
    const result = await runInTransaction(getDb(), async (tx) => {
      await tx.query("INSERT INTO stream_positions (stream_name, position) VALUES ('a', 1)");
      return "done";
    });
    expect(result).to.equal("done");
    expect(await position("a")).to.equal(1);
  });

  it("rolls everything back when the callback throws", async () => {
    const caught = await rejection(
      runInTransaction(getDb(), async (tx) => {
        await tx.query("INSERT INTO stream_positions (stream_name, position) VALUES ('a', 1)");
        throw new Error("abort");
      }),
    );
    expect(String(caught)).to.match(/abort/);
    expect(await position("a")).to.equal(null);
  });

  it("runs onCommit hooks after commit, in order, and never after a rollback", async () => {
    const log: string[] = [];
    await runInTransaction(getDb(), async (tx) => {
      onCommit(tx, () => log.push("first"));
      onCommit(tx, () => log.push("second"));
      await tx.query("INSERT INTO stream_positions (stream_name, position) VALUES ('a', 1)");
      log.push("body done");
    });
    expect(log).to.deep.equal(["body done", "first", "second"]);
    const rolledBack = await rejection(
      runInTransaction(getDb(), async (tx) => {
        onCommit(tx, () => log.push("rolled back"));
        throw new Error("abort");
      }),
    );
    expect(String(rolledBack)).to.match(/abort/);
    expect(log).to.not.include("rolled back");
  });

  it("rethrows a failing hook after running the others; the data stays committed", async () => {
    const log: string[] = [];
    const caught = await rejection(
      runInTransaction(getDb(), async (tx) => {
        await tx.query("INSERT INTO stream_positions (stream_name, position) VALUES ('a', 1)");
        onCommit(tx, () => {
          throw new Error("hook failed");
        });
        onCommit(tx, () => log.push("ran"));
      }),
    );
    expect(String(caught)).to.match(/hook failed/);
    expect(log).to.deep.equal(["ran"]);
    expect(await position("a")).to.equal(1);
  });

  it("runs beforeCommit hooks inside the transaction after its callback, hooks added by hooks too", async () => {
    const log: string[] = [];
    await runInTransaction(getDb(), async (tx) => {
      beforeCommit(tx, async () => {
        log.push("first");
        await tx.query("INSERT INTO stream_positions (stream_name, position) VALUES ('a', 1)");
        beforeCommit(tx, async () => void log.push("added"));
      });
      onCommit(tx, () => log.push("committed"));
      log.push("body done");
    });
    expect(log).to.deep.equal(["body done", "first", "added", "committed"]);
    expect(await position("a")).to.equal(1);
  });

  it("rolls back when a beforeCommit hook throws", async () => {
    const log: string[] = [];
    const caught = await rejection(
      runInTransaction(getDb(), async (tx) => {
        await tx.query("INSERT INTO stream_positions (stream_name, position) VALUES ('a', 1)");
        beforeCommit(tx, async () => {
          throw new Error("deferred write failed");
        });
        onCommit(tx, () => log.push("committed"));
      }),
    );
    expect(String(caught)).to.match(/deferred write failed/);
    expect(log).to.deep.equal([]);
    expect(await position("a")).to.equal(null);
    expect(() => beforeCommit(getDb().manager, async () => undefined)).to.throw(/not inside runInTransaction/);
  });

  it("onCommit outside runInTransaction throws", () => {
    expect(() => onCommit(getDb().manager, () => undefined)).to.throw(/not inside runInTransaction/);
  });

  it("parallel read-modify-write transactions all commit", async () => {
    const db = getDb();
    const d = dialectOf(db);
    await runInTransaction(db, (tx) => d.execute(tx, "INSERT INTO stream_positions (stream_name, position) VALUES ('n', 0)"));
    const increments = Array.from({ length: 25 }, () =>
      runInTransaction(db, async (tx) => {
        // pg: lock the row so that concurrent increments queue; SQLite: the writer queue does it.
        const lock = db.options.type === "postgres" ? " FOR UPDATE" : "";
        const [row] = await d.query<{ position: unknown }>(tx, `SELECT position FROM stream_positions WHERE stream_name = 'n'${lock}`);
        await tick();
        await d.execute(tx, "UPDATE stream_positions SET position = ? WHERE stream_name = 'n'", [toNumber(row?.position) + 1]);
      }),
    );
    await Promise.all(increments);
    expect(await position("n")).to.equal(25);
  });
});

describe("runInTransaction [sqlite writer queue]", () => {
  let db: HearthDataSource;
  beforeEach(async () => {
    db = await openTestDatabase("sqlite");
  });
  afterEach(async () => {
    await closeTestDatabase(db);
  });

  it("never overlaps two transactions on the shared connection, and none fails with SQLITE_BUSY", async () => {
    let open = 0;
    let maxOpen = 0;
    const writers = Array.from({ length: 40 }, (_, i) =>
      runInTransaction(db, async (tx) => {
        open++;
        maxOpen = Math.max(maxOpen, open);
        await tx.query("INSERT INTO stream_positions (stream_name, position) VALUES (?, ?)", [`w${i}`, i]);
        await tick();
        await tx.query("UPDATE stream_positions SET position = position + 1 WHERE stream_name = ?", [`w${i}`]);
        open--;
      }),
    );
    const results = await Promise.allSettled(writers);
    expect(results.filter((r) => r.status === "rejected")).to.deep.equal([]);
    expect(maxOpen).to.equal(1);
    const [{ n }] = (await readManager(db).query("SELECT COUNT(*) AS n FROM stream_positions WHERE position > 0")) as [{ n: number }];
    expect(n).to.equal(40);
  });

  it("a failed transaction does not take the queued ones down with it", async () => {
    const first = runInTransaction(db, async (tx) => {
      await tx.query("INSERT INTO stream_positions (stream_name, position) VALUES ('x', 1)");
      await tick();
      await tx.query("INSERT INTO stream_positions (stream_name, position) VALUES ('x', 2)"); // duplicate key
    });
    const second = runInTransaction(db, (tx) => tx.query("INSERT INTO stream_positions (stream_name, position) VALUES ('y', 1)"));
    const [a, b] = await Promise.allSettled([first, second]);
    expect(a.status).to.equal("rejected");
    expect(b.status).to.equal("fulfilled");
    const rows = (await readManager(db).query("SELECT stream_name FROM stream_positions ORDER BY stream_name")) as { stream_name: string }[];
    expect(rows).to.deep.equal([{ stream_name: "y" }]);
  });
});
