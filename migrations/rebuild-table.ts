import type { QueryRunner } from "typeorm";

/** A new layout for an existing table: see rebuildTable. */
export interface TableRebuild {
  table: string;
  /** The new table's name until it replaces the old one (distinct for each rebuild of a table). */
  building: string;
  /** The column and constraint list of the new table's CREATE TABLE. */
  definition: string;
  /** The new table's columns that `select` fills, in its order. */
  columns: string;
  /** A SELECT over the old table (under its own name) yielding those columns. */
  select: string;
  /** CREATE INDEX statements for the new table, under its final name. */
  indexes?: readonly string[];
}

/**
 * Replaces a table by a new one with another layout and the old rows, converted by `select`:
 * the only way to change a primary key on SQLite, and the same SQL on both engines. The old
 * table's indexes go with it. Migrations depend on this, so never change it: add a new helper
 * instead.
 */
export async function rebuildTable(queryRunner: QueryRunner, rebuild: TableRebuild): Promise<void> {
  await queryRunner.query(`CREATE TABLE ${rebuild.building} (${rebuild.definition})`);
  await queryRunner.query(`INSERT INTO ${rebuild.building} (${rebuild.columns}) ${rebuild.select}`);
  await queryRunner.query(`DROP TABLE ${rebuild.table}`);
  await queryRunner.query(`ALTER TABLE ${rebuild.building} RENAME TO ${rebuild.table}`);
  for (const index of rebuild.indexes ?? []) await queryRunner.query(index);
}
