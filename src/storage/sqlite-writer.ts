/**
 * One writer at a time on SQLite (Dendrite's ExclusiveWriter). TypeORM drives SQLite through a
 * single connection: two write transactions running at once would nest (the second BEGIN turns
 * into a SAVEPOINT of the first) and interleave their statements. Every write transaction on a
 * SQLite DataSource therefore queues here, first come first served; reads do not (they use the
 * read connection, see data-source.ts).
 */
import type { DataSource } from "typeorm";

export class SqliteWriter {
  private busy = false;
  private readonly waiting: Array<() => void> = [];
  /** Called after each write transaction, committed or not (the WAL checkpointer's cue). */
  afterWrite: (() => void) | null = null;

  /** Transactions queued behind the one running. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `fn` once every earlier call has settled. Not re-entrant: `fn` must not call run(). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy = true;
    try {
      return await fn();
    } finally {
      this.afterWrite?.();
      const next = this.waiting.shift();
      // Hand the lock straight to the next caller so that no newcomer can slip in between.
      if (next) next();
      else this.busy = false;
    }
  }
}

const writers = new WeakMap<DataSource, SqliteWriter>();

/** The writer queue of one SQLite DataSource. */
export function sqliteWriterFor(db: DataSource): SqliteWriter {
  let writer = writers.get(db);
  if (!writer) {
    writer = new SqliteWriter();
    writers.set(db, writer);
  }
  return writer;
}
