/**
 * tryProcessLock: on PostgreSQL one holder at a time among the DataSources on one schema, free
 * again once released; on SQLite (one process) always held.
 */
import { expect } from "chai";
import { openDatabase } from "../../src/storage/data-source.js";
import { tryProcessLock } from "../../src/storage/process-lock.js";
import { closeTestDatabase, openTestDatabase, testEngines } from "../helpers/with-all-databases.js";

for (const engine of testEngines()) {
  describe(`storage/process-lock [${engine}]`, () => {
    it(engine === "postgres" ? "is held by one DataSource of the schema at a time" : "is always held", async () => {
      const first = await openTestDatabase(engine);
      const second = engine === "postgres" ? await openDatabase({ ...first.databaseOptions }) : first;
      try {
        const held = await tryProcessLock(first, "spec");
        expect(held).to.not.equal(null);
        if (engine === "postgres") {
          expect(await tryProcessLock(second, "spec")).to.equal(null);
          // Another name is another lock.
          const other = await tryProcessLock(second, "spec-other");
          expect(other).to.not.equal(null);
          await other!.release();
          await held!.release();
          const taken = await tryProcessLock(second, "spec");
          expect(taken).to.not.equal(null);
          expect(await tryProcessLock(first, "spec")).to.equal(null);
          await taken!.release();
        } else {
          await held!.release();
        }
      } finally {
        if (second !== first) await second.destroy();
        await closeTestDatabase(first);
      }
    });
  });
}
