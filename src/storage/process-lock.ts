/**
 * A lock that one process of a deployment holds at a time, for work that must run exactly once
 * however many processes share the database (pusher delivery). On PostgreSQL a session-level
 * advisory lock, keyed by the name and the schema, on a connection kept for it: when the holder
 * exits, its connection closes and the lock is free for another process to take. SQLite serves
 * one process: the lock is always held.
 */
import type { DataSource, QueryRunner } from "typeorm";
import { engineOf } from "./dialect.js";

export interface ProcessLock {
  /** Gives the lock up (and its connection back). */
  release(): Promise<void>;
}

/** Takes the lock `name` if no other process holds it: null when one does. */
export async function tryProcessLock(db: DataSource, name: string): Promise<ProcessLock | null> {
  if (engineOf(db) !== "postgres") return { release: async () => {} };
  const runner: QueryRunner = db.createQueryRunner();
  try {
    await runner.connect();
    const rows = (await runner.query("SELECT pg_try_advisory_lock(hashtext($1 || current_schema())) AS held", [`hearth:${name}:`])) as Array<{ held: boolean }>;
    if (rows[0]?.held !== true) {
      await runner.release();
      return null;
    }
  } catch (err) {
    await runner.release();
    throw err;
  }
  return {
    release: async () => {
      // Releasing the connection to the pool keeps the session: unlock first.
      try {
        await runner.query("SELECT pg_advisory_unlock(hashtext($1 || current_schema()))", [`hearth:${name}:`]);
      } finally {
        await runner.release();
      }
    },
  };
}
