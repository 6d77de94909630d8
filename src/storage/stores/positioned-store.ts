/**
 * A store whose rows carry positions of one named stream (account data, receipts, presence),
 * handed out by the stream_positions counter of that name.
 */
import type { DataSource, EntityManager } from "typeorm";
import { BaseStore } from "./base-store.js";
import { StreamPositionsStore } from "./stream-positions-store.js";

export abstract class PositionedStore extends BaseStore {
  private readonly positions: StreamPositionsStore;

  constructor(
    db: DataSource,
    /** The stream_positions counter this store's positions come from. */
    readonly streamName: string,
  ) {
    super(db);
    this.positions = new StreamPositionsStore(db);
  }

  /**
   * The next position. Take it first in a transaction: on PostgreSQL the counter row stays locked
   * until commit, so the stream's writers take turns (a read-modify-write of one row is safe) and
   * commit in position order, and a reader never sees position N+1 without N.
   */
  nextStreamId(tx: EntityManager): Promise<number> {
    return this.positions.updateStreamPositionBy(tx, this.streamName, 1);
  }

  /** The latest position handed out (0 before any write). */
  selectMaxStreamId(em: EntityManager = this.reader): Promise<number> {
    return this.positions.selectStreamPosition(this.streamName, em);
  }
}
