/**
 * room_aliases: this server's room aliases, each pointing to one room, with its creator.
 * https://spec.matrix.org/v1.19/client-server-api/#room-aliases
 */
import type { EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export interface RoomAliasRow {
  alias: string;
  roomId: string;
  /** The user who made the alias (may delete it). */
  creator: string;
  createdTs: number;
}

export class RoomAliasesStore extends BaseStore {
  /** Maps `alias` to its room; false when the alias is already taken (nothing changes then). */
  async insertRoomAlias(tx: EntityManager, row: RoomAliasRow): Promise<boolean> {
    const inserted = await this.d.query<{ room_alias: string }>(
      tx,
      `INSERT INTO room_aliases (room_alias, room_id, creator, created_ts) VALUES (?, ?, ?, ?)
       ON CONFLICT (room_alias) DO NOTHING RETURNING room_alias`,
      [row.alias, row.roomId, row.creator, row.createdTs],
    );
    return inserted.length > 0;
  }

  async selectRoomAlias(alias: string, em: EntityManager = this.reader): Promise<RoomAliasRow | null> {
    const rows = await this.d.query<{ room_id: string; creator: string; created_ts: unknown }>(
      em,
      "SELECT room_id, creator, created_ts FROM room_aliases WHERE room_alias = ?",
      [alias],
    );
    const row = rows[0];
    return row ? { alias, roomId: row.room_id, creator: row.creator, createdTs: toNumber(row.created_ts) } : null;
  }

  /** The aliases pointing to `roomId`, sorted. */
  async selectAliasesForRoom(roomId: string, em: EntityManager = this.reader): Promise<string[]> {
    const rows = await this.d.query<{ room_alias: string }>(
      em,
      "SELECT room_alias FROM room_aliases WHERE room_id = ? ORDER BY room_alias",
      [roomId],
    );
    return rows.map((row) => row.room_alias);
  }

  /** Removes an alias; false when there was none. */
  async deleteRoomAlias(tx: EntityManager, alias: string): Promise<boolean> {
    return (await this.d.execute(tx, "DELETE FROM room_aliases WHERE room_alias = ?", [alias])) > 0;
  }

  /** Points every alias of `fromRoomId` to `toRoomId` (room upgrades); returns the aliases moved. */
  async updateAliasesRoom(tx: EntityManager, fromRoomId: string, toRoomId: string): Promise<string[]> {
    const rows = await this.d.query<{ room_alias: string }>(
      tx,
      "UPDATE room_aliases SET room_id = ? WHERE room_id = ? RETURNING room_alias",
      [toRoomId, fromRoomId],
    );
    return rows.map((row) => row.room_alias).sort();
  }
}
