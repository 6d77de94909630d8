/** users: local accounts. */
import type { EntityManager } from "typeorm";
import { toBool, toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export interface UserRow {
  userId: string;
  localpart: string;
  passwordHash: string | null;
  isAdmin: boolean;
  isGuest: boolean;
  deactivated: boolean;
  createdTs: number;
  displayname: string | null;
  avatarUrl: string | null;
}

export interface NewUser {
  userId: string;
  localpart: string;
  passwordHash?: string | null;
  isAdmin?: boolean;
  isGuest?: boolean;
  createdTs: number;
  displayname?: string | null;
  avatarUrl?: string | null;
}

export interface SelectUsersOptions {
  /** Keyset pagination: only users whose ID sorts after this one. */
  afterUserId?: string | null;
  limit: number;
  includeGuests?: boolean;
  includeDeactivated?: boolean;
}

interface UserDbRow {
  user_id: string;
  localpart: string;
  password_hash: string | null;
  is_admin: unknown;
  is_guest: unknown;
  deactivated: unknown;
  created_ts: unknown;
  displayname: string | null;
  avatar_url: string | null;
}

const COLUMNS = "user_id, localpart, password_hash, is_admin, is_guest, deactivated, created_ts, displayname, avatar_url";

export class UsersStore extends BaseStore {
  /** Throws UniqueViolationError when the user ID or localpart is taken. */
  async insertUser(tx: EntityManager, user: NewUser): Promise<void> {
    await this.d.execute(
      tx,
      `INSERT INTO users (${COLUMNS}) VALUES (?, ?, ?, ?, ?, FALSE, ?, ?, ?)`,
      [
        user.userId,
        user.localpart,
        user.passwordHash ?? null,
        user.isAdmin ?? false,
        user.isGuest ?? false,
        user.createdTs,
        user.displayname ?? null,
        user.avatarUrl ?? null,
      ],
    );
  }

  async selectUserById(userId: string, em: EntityManager = this.reader): Promise<UserRow | null> {
    const rows = await this.d.query<UserDbRow>(em, `SELECT ${COLUMNS} FROM users WHERE user_id = ?`, [userId]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async selectUserByLocalpart(localpart: string, em: EntityManager = this.reader): Promise<UserRow | null> {
    const rows = await this.d.query<UserDbRow>(em, `SELECT ${COLUMNS} FROM users WHERE localpart = ?`, [localpart]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Users ordered by user ID, one page at a time. */
  async selectUsers(opts: SelectUsersOptions): Promise<UserRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.afterUserId != null) {
      where.push("user_id > ?");
      params.push(opts.afterUserId);
    }
    if (!opts.includeGuests) where.push("is_guest = FALSE");
    if (!opts.includeDeactivated) where.push("deactivated = FALSE");
    params.push(opts.limit);
    const rows = await this.d.query<UserDbRow>(
      this.reader,
      `SELECT ${COLUMNS} FROM users ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY user_id LIMIT ?`,
      params,
    );
    return rows.map(toUser);
  }

  async selectUserCount(opts: { includeGuests?: boolean; includeDeactivated?: boolean } = {}): Promise<number> {
    const where: string[] = [];
    if (!opts.includeGuests) where.push("is_guest = FALSE");
    if (!opts.includeDeactivated) where.push("deactivated = FALSE");
    const rows = await this.d.query<{ n: unknown }>(
      this.reader,
      `SELECT COUNT(*) AS n FROM users ${where.length ? `WHERE ${where.join(" AND ")}` : ""}`,
    );
    return toNumber(rows[0]?.n ?? 0);
  }

  /** Each update returns whether the user exists. */
  async updatePasswordHash(tx: EntityManager, userId: string, passwordHash: string | null): Promise<boolean> {
    return this.updateColumn(tx, userId, "password_hash", passwordHash);
  }

  async updateDeactivated(tx: EntityManager, userId: string, deactivated: boolean): Promise<boolean> {
    return this.updateColumn(tx, userId, "deactivated", deactivated);
  }

  async updateAdmin(tx: EntityManager, userId: string, isAdmin: boolean): Promise<boolean> {
    return this.updateColumn(tx, userId, "is_admin", isAdmin);
  }

  /** A guest upgraded to a full account. */
  async updateGuest(tx: EntityManager, userId: string, isGuest: boolean): Promise<boolean> {
    return this.updateColumn(tx, userId, "is_guest", isGuest);
  }

  async updateDisplayname(tx: EntityManager, userId: string, displayname: string | null): Promise<boolean> {
    return this.updateColumn(tx, userId, "displayname", displayname);
  }

  async updateAvatarUrl(tx: EntityManager, userId: string, avatarUrl: string | null): Promise<boolean> {
    return this.updateColumn(tx, userId, "avatar_url", avatarUrl);
  }

  private async updateColumn(tx: EntityManager, userId: string, column: string, value: unknown): Promise<boolean> {
    return (await this.d.execute(tx, `UPDATE users SET ${column} = ? WHERE user_id = ?`, [value, userId])) > 0;
  }
}

function toUser(row: UserDbRow): UserRow {
  return {
    userId: row.user_id,
    localpart: row.localpart,
    passwordHash: row.password_hash,
    isAdmin: toBool(row.is_admin),
    isGuest: toBool(row.is_guest),
    deactivated: toBool(row.deactivated),
    createdTs: toNumber(row.created_ts),
    displayname: row.displayname,
    avatarUrl: row.avatar_url,
  };
}
