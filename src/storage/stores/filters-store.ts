/**
 * user_filters: sync filters uploaded by users. The filter ID handed to clients is the row ID as
 * a decimal string; an identical filter (same canonical JSON hash) uploaded again gets its
 * existing ID.
 */
import type { EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export class FiltersStore extends BaseStore {
  /**
   * Stores the filter unless the user already has one with this hash; returns the ID either way.
   * `filterJson` is the text returned by selectFilter.
   */
  async insertFilter(tx: EntityManager, userId: string, filterHash: string, filterJson: string): Promise<number> {
    const inserted = await this.d.query<{ id: unknown }>(
      tx,
      `INSERT INTO user_filters (user_id, filter_hash, filter_json) VALUES (?, ?, ?)
       ON CONFLICT (user_id, filter_hash) DO NOTHING RETURNING id`,
      [userId, filterHash, filterJson],
    );
    if (inserted[0]) return toNumber(inserted[0].id);
    const existing = await this.d.query<{ id: unknown }>(tx, "SELECT id FROM user_filters WHERE user_id = ? AND filter_hash = ?", [userId, filterHash]);
    return toNumber(existing[0]?.id);
  }

  /** The stored JSON text of one of the user's filters, or null. */
  async selectFilter(userId: string, filterId: number, em: EntityManager = this.reader): Promise<string | null> {
    const rows = await this.d.query<{ filter_json: string }>(em, "SELECT filter_json FROM user_filters WHERE user_id = ? AND id = ?", [userId, filterId]);
    return rows[0]?.filter_json ?? null;
  }
}
