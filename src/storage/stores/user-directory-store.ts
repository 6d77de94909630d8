/**
 * The user directory search over current room state: the joined members of the rooms a searcher
 * may look into, matched on user ID and display name.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3user_directorysearch
 *
 * "the homeserver MUST at a minimum consider users who are visible to the requester based on
 * their membership in rooms known to the homeserver": users sharing a room with the searcher,
 * and users joined to rooms with a `public` join rule or `world_readable` history visibility.
 *
 * Display names: a local user's profile (users.displayname) wins over the name in their member
 * event; remote users have only the latter. Reading it needs a JSON field of the event, the one
 * dialect branch here.
 */
import type { EntityManager } from "typeorm";
import type { Engine } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export interface UserDirectoryEntry {
  userId: string;
  displayname: string | null;
  avatarUrl: string | null;
}

export interface UserDirectoryQuery {
  searcher: string;
  /** Matched case-insensitively as a substring of the user ID or display name. */
  term: string;
  limit: number;
}

interface EntryDbRow {
  user_id: string;
  displayname: string | null;
  avatar_url: string | null;
}

/** The text of `content.<field>` of the event JSON in `column` (NULL when absent or not text). */
function contentField(engine: Engine, column: string, field: string): string {
  return engine === "postgres" ? `(${column}::jsonb #>> '{content,${field}}')` : `json_extract(${column}, '$.content.${field}')`;
}

/** `term` as a LIKE pattern matching it anywhere, with the wildcards in it escaped. */
function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class UserDirectoryStore extends BaseStore {
  private searchSql: string | null = null;

  /** At most `limit` matching users, best first: prefix matches, then users with a display name. */
  async searchUsers(query: UserDirectoryQuery, em: EntityManager = this.reader): Promise<UserDirectoryEntry[]> {
    const term = query.term.toLowerCase();
    const pattern = containsPattern(term);
    const prefix = `${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.d.query<EntryDbRow>(em, this.sql(), [query.searcher, pattern, pattern, pattern, `@${prefix}`, prefix, query.limit]);
    return rows.map((row) => ({ userId: row.user_id, displayname: row.displayname, avatarUrl: row.avatar_url }));
  }

  private sql(): string {
    if (this.searchSql !== null) return this.searchSql;
    const engine = this.d.engine;
    const joinRule = contentField(engine, "e.json", "join_rule");
    const visibility = contentField(engine, "e.json", "history_visibility");
    const memberName = contentField(engine, "me.json", "displayname");
    const memberAvatar = contentField(engine, "me.json", "avatar_url");
    this.searchSql = `
      WITH visible_rooms AS (
        SELECT room_id FROM current_state WHERE type = 'm.room.member' AND state_key = ? AND membership = 'join'
        UNION
        SELECT cs.room_id FROM current_state cs JOIN events e ON e.event_id = cs.event_id
        WHERE cs.type = 'm.room.join_rules' AND cs.state_key = '' AND ${joinRule} = 'public'
        UNION
        SELECT cs.room_id FROM current_state cs JOIN events e ON e.event_id = cs.event_id
        WHERE cs.type = 'm.room.history_visibility' AND cs.state_key = '' AND ${visibility} = 'world_readable'
      ),
      matches AS (
        SELECT m.state_key AS user_id,
          COALESCE(MAX(u.displayname), MAX(${memberName})) AS displayname,
          COALESCE(MAX(u.avatar_url), MAX(${memberAvatar})) AS avatar_url
        FROM current_state m
        JOIN visible_rooms v ON v.room_id = m.room_id
        JOIN events me ON me.event_id = m.event_id
        LEFT JOIN users u ON u.user_id = m.state_key
        WHERE m.type = 'm.room.member' AND m.membership = 'join'
          AND (u.deactivated IS NULL OR u.deactivated = FALSE)
          AND (LOWER(m.state_key) LIKE ? ESCAPE '\\' OR LOWER(u.displayname) LIKE ? ESCAPE '\\' OR LOWER(${memberName}) LIKE ? ESCAPE '\\')
        GROUP BY m.state_key
      )
      SELECT user_id, displayname, avatar_url FROM matches
      ORDER BY
        CASE WHEN LOWER(user_id) LIKE ? ESCAPE '\\' OR LOWER(displayname) LIKE ? ESCAPE '\\' THEN 0 ELSE 1 END,
        CASE WHEN displayname IS NULL THEN 1 ELSE 0 END,
        user_id
      LIMIT ?`;
    return this.searchSql;
  }
}
