import type { MigrationInterface, QueryRunner } from "typeorm";
import { rebuildTable } from "./rebuild-table.js";

const COLUMNS = "event_id, user_id, room_id, sender, membership, stream_ordering";
const USER_ROOM_INDEX = "CREATE INDEX room_memberships_user_room ON room_memberships (user_id, room_id)";

/** room_memberships' columns, with `eventId` and `streamOrdering` as the key column definitions. */
function definition(eventId: string, streamOrdering: string): string {
  return `${eventId}, user_id TEXT NOT NULL, room_id TEXT NOT NULL, sender TEXT NOT NULL, membership TEXT NOT NULL, ${streamOrdering}`;
}

/**
 * room_memberships keyed by the membership event's stream ordering instead of its event ID, so
 * that new rows append to the primary key (see 1763700400100). Event IDs stay unique through
 * the events table, the only way rows get here.
 */
export class KeyRoomMembershipsByOrdering1763700400400 implements MigrationInterface {
  name = "KeyRoomMembershipsByOrdering1763700400400";

  async up(queryRunner: QueryRunner): Promise<void> {
    await rebuildTable(queryRunner, {
      table: "room_memberships",
      building: "room_memberships_by_ordering",
      definition: definition("event_id TEXT NOT NULL", "stream_ordering BIGINT NOT NULL PRIMARY KEY"),
      columns: COLUMNS,
      select: `SELECT ${COLUMNS} FROM room_memberships`,
      indexes: [USER_ROOM_INDEX],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await rebuildTable(queryRunner, {
      table: "room_memberships",
      building: "room_memberships_by_event_id",
      definition: definition("event_id TEXT NOT NULL PRIMARY KEY", "stream_ordering BIGINT NOT NULL"),
      columns: COLUMNS,
      select: `SELECT ${COLUMNS} FROM room_memberships`,
      indexes: [USER_ROOM_INDEX],
    });
  }
}
