/** rooms: every room we know, with the room version its events follow. */
import type { EntityManager } from "typeorm";
import { toBool, toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export interface RoomRow {
  roomId: string;
  roomVersion: string;
  creator: string;
  isPublic: boolean;
  createdTs: number;
}

interface RoomDbRow {
  room_id: string;
  room_version: string;
  creator: string;
  is_public: unknown;
  created_ts: unknown;
}

const COLUMNS = "room_id, room_version, creator, is_public, created_ts";

export class RoomsStore extends BaseStore {
  /** Throws UniqueViolationError when the room exists. */
  async insertRoom(tx: EntityManager, room: RoomRow): Promise<void> {
    await this.d.execute(tx, `INSERT INTO rooms (${COLUMNS}) VALUES (?, ?, ?, ?, ?)`, [
      room.roomId,
      room.roomVersion,
      room.creator,
      room.isPublic,
      room.createdTs,
    ]);
  }

  async selectRoom(roomId: string, em: EntityManager = this.reader): Promise<RoomRow | null> {
    const rows = await this.d.query<RoomDbRow>(em, `SELECT ${COLUMNS} FROM rooms WHERE room_id = ?`, [roomId]);
    const row = rows[0];
    if (!row) return null;
    return { roomId: row.room_id, roomVersion: row.room_version, creator: row.creator, isPublic: toBool(row.is_public), createdTs: toNumber(row.created_ts) };
  }

  /** Published to the room directory or not. Returns whether the room exists. */
  async updateRoomIsPublic(tx: EntityManager, roomId: string, isPublic: boolean): Promise<boolean> {
    return (await this.d.execute(tx, "UPDATE rooms SET is_public = ? WHERE room_id = ?", [isPublic, roomId])) > 0;
  }

  /** Rooms in the directory, by room ID, one page at a time. */
  async selectPublicRoomIds(afterRoomId: string | null, limit: number): Promise<string[]> {
    const rows = await this.d.query<{ room_id: string }>(
      this.reader,
      "SELECT room_id FROM rooms WHERE is_public = TRUE AND room_id > ? ORDER BY room_id LIMIT ?",
      [afterRoomId ?? "", limit],
    );
    return rows.map((row) => row.room_id);
  }
}
