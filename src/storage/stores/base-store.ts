/**
 * What every store shares: its DataSource, the dialect of that DataSource's engine, and the
 * manager reads go through outside a transaction (see readManager in data-source.ts).
 */
import type { DataSource, EntityManager } from "typeorm";
import { readManager } from "../data-source.js";
import { dialectOf, type Dialect } from "../dialect.js";

export abstract class BaseStore {
  protected readonly d: Dialect;

  constructor(protected readonly db: DataSource) {
    this.d = dialectOf(db);
  }

  /** Committed data only; inside a transaction read through its `tx` instead. */
  protected get reader(): EntityManager {
    return readManager(this.db);
  }
}
