/**
 * runInTransaction: the one way to write. Store methods that write take the `tx` EntityManager it
 * hands out, so a caller groups several store calls into one atomic unit. On SQLite the
 * transaction waits its turn in the single-writer queue; on PostgreSQL it is an ordinary
 * transaction on a pooled connection.
 *
 * Do not nest: on SQLite a runInTransaction inside another would wait for itself forever. Pass
 * the outer `tx` down instead.
 */
import type { DataSource, EntityManager } from "typeorm";
import { engineOf } from "./dialect.js";
import { sqliteWriterFor } from "./sqlite-writer.js";

const commitHooks = new WeakMap<EntityManager, Array<() => void>>();
const preCommitHooks = new WeakMap<EntityManager, Array<() => Promise<void>>>();

export async function runInTransaction<T>(db: DataSource, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
  if (engineOf(db) === "sqlite") return sqliteWriterFor(db).run(() => transact(db, fn));
  return transact(db, fn);
}

/**
 * Runs `hook` after the transaction `tx` commits (and not at all if it rolls back): for caches
 * and notifications that must only ever see committed data. On SQLite hooks run before the next
 * queued writer starts. A hook that throws does not undo the commit; the first such error is
 * rethrown from runInTransaction after every hook has run.
 */
export function onCommit(tx: EntityManager, hook: () => void): void {
  const hooks = commitHooks.get(tx);
  if (!hooks) throw new Error("onCommit: not inside runInTransaction");
  hooks.push(hook);
}

/**
 * Runs `hook` inside the transaction `tx` once its callback has finished, just before it commits
 * (in registration order; a hook may register more): for writes a store defers so that it can
 * make them in a few multi-row statements. If a hook throws, the transaction rolls back.
 */
export function beforeCommit(tx: EntityManager, hook: () => Promise<void>): void {
  const hooks = preCommitHooks.get(tx);
  if (!hooks) throw new Error("beforeCommit: not inside runInTransaction");
  hooks.push(hook);
}

async function transact<T>(db: DataSource, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
  const hooks: Array<() => void> = [];
  const result = await db.transaction(async (tx) => {
    const preCommit: Array<() => Promise<void>> = [];
    commitHooks.set(tx, hooks);
    preCommitHooks.set(tx, preCommit);
    try {
      const value = await fn(tx);
      for (let i = 0; i < preCommit.length; i++) await preCommit[i]!();
      return value;
    } finally {
      commitHooks.delete(tx);
      preCommitHooks.delete(tx);
    }
  });
  let failure: { error: unknown } | null = null;
  for (const hook of hooks) {
    try {
      hook();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
  return result;
}
