/**
 * access_tokens and refresh_tokens. Only the SHA-256 of a token is stored: a leaked database
 * does not hand out sessions. Tokens are long random strings, so an unsalted fast hash is enough
 * (nothing to brute-force) and keeps the lookup on every request one indexed equality.
 */
import { createHash } from "node:crypto";
import type { EntityManager } from "typeorm";
import { toBool, toNullableNumber, toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export interface NewAccessToken {
  token: string;
  userId: string;
  /** NULL for device-less tokens (appservices). */
  deviceId: string | null;
  /** Expiry for refreshable tokens; null = never expires. */
  validUntilMs: number | null;
  refreshTokenId?: number | null;
  createdTs?: number;
}

export interface AccessTokenInfo {
  tokenId: number;
  userId: string;
  deviceId: string | null;
  validUntilMs: number | null;
  refreshTokenId: number | null;
  isGuest: boolean;
  deactivated: boolean;
}

export interface NewRefreshToken {
  token: string;
  userId: string;
  deviceId: string;
  createdTs?: number;
}

export interface RefreshTokenInfo {
  tokenId: number;
  userId: string;
  deviceId: string;
  /** Set once the token was used: the refresh token that replaced it. */
  nextTokenId: number | null;
}

/** The stored form of a token: hex SHA-256. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

interface AccessTokenDbRow {
  id: unknown;
  user_id: string;
  device_id: string | null;
  valid_until_ms: unknown;
  refresh_token_id: unknown;
  is_guest: unknown;
  deactivated: unknown;
}

interface RefreshTokenDbRow {
  id: unknown;
  user_id: string;
  device_id: string;
  next_token_id: unknown;
}

export class AccessTokensStore extends BaseStore {
  /** Returns the new token's row ID. */
  async insertAccessToken(tx: EntityManager, token: NewAccessToken): Promise<number> {
    return (await this.insertAccessTokenReturningInfo(tx, token)).tokenId;
  }

  /**
   * Inserts the token and returns what selectAccessToken would say of it once committed (the
   * owner's guest and deactivated flags as this transaction sees them), in the same statement.
   */
  async insertAccessTokenReturningInfo(tx: EntityManager, token: NewAccessToken): Promise<AccessTokenInfo> {
    const rows = await this.d.query<AccessTokenDbRow>(
      tx,
      `INSERT INTO access_tokens (token, user_id, device_id, valid_until_ms, refresh_token_id, created_ts)
       VALUES (?, ?, ?, ?, ?, ?)
       RETURNING id, user_id, device_id, valid_until_ms, refresh_token_id,
         (SELECT u.is_guest FROM users u WHERE u.user_id = access_tokens.user_id) AS is_guest,
         (SELECT u.deactivated FROM users u WHERE u.user_id = access_tokens.user_id) AS deactivated`,
      [hashToken(token.token), token.userId, token.deviceId, token.validUntilMs, token.refreshTokenId ?? null, token.createdTs ?? Date.now()],
    );
    return toAccessTokenInfo(rows[0]!);
  }

  /** The owner of a token, or null if no such token. Expiry is the caller's to check. */
  async selectAccessToken(token: string, em: EntityManager = this.reader): Promise<AccessTokenInfo | null> {
    const rows = await this.d.query<AccessTokenDbRow>(
      em,
      `SELECT t.id, t.user_id, t.device_id, t.valid_until_ms, t.refresh_token_id, u.is_guest, u.deactivated
       FROM access_tokens t JOIN users u ON u.user_id = t.user_id WHERE t.token = ?`,
      [hashToken(token)],
    );
    const row = rows[0];
    return row ? toAccessTokenInfo(row) : null;
  }

  async updateAccessTokenLastUsed(tx: EntityManager, tokenId: number, lastUsedTs: number): Promise<void> {
    await this.d.execute(tx, "UPDATE access_tokens SET last_used_ts = ? WHERE id = ?", [lastUsedTs, tokenId]);
  }

  /** Logout. Returns whether the token existed. */
  async deleteAccessToken(tx: EntityManager, token: string): Promise<boolean> {
    return (await this.d.execute(tx, "DELETE FROM access_tokens WHERE token = ?", [hashToken(token)])) > 0;
  }

  /**
   * Logout everywhere, or (with `exceptToken`) everywhere else, as after a password change.
   * Returns how many tokens went.
   */
  async deleteAccessTokensForUser(tx: EntityManager, userId: string, exceptToken: string | null = null): Promise<number> {
    if (exceptToken === null) return this.d.execute(tx, "DELETE FROM access_tokens WHERE user_id = ?", [userId]);
    return this.d.execute(tx, "DELETE FROM access_tokens WHERE user_id = ? AND token <> ?", [userId, hashToken(exceptToken)]);
  }

  async deleteAccessTokensForDevice(tx: EntityManager, userId: string, deviceId: string): Promise<number> {
    return this.d.execute(tx, "DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?", [userId, deviceId]);
  }

  /** Tokens issued from one refresh token, invalidated when it is used again. */
  async deleteAccessTokensByRefreshToken(tx: EntityManager, refreshTokenId: number): Promise<number> {
    return this.d.execute(tx, "DELETE FROM access_tokens WHERE refresh_token_id = ?", [refreshTokenId]);
  }

  async insertRefreshToken(tx: EntityManager, token: NewRefreshToken): Promise<number> {
    const rows = await this.d.query<{ id: unknown }>(
      tx,
      "INSERT INTO refresh_tokens (token, user_id, device_id, created_ts) VALUES (?, ?, ?, ?) RETURNING id",
      [hashToken(token.token), token.userId, token.deviceId, token.createdTs ?? Date.now()],
    );
    return toNumber(rows[0]?.id);
  }

  async selectRefreshToken(token: string, em: EntityManager = this.reader): Promise<RefreshTokenInfo | null> {
    const rows = await this.d.query<RefreshTokenDbRow>(
      em,
      "SELECT id, user_id, device_id, next_token_id FROM refresh_tokens WHERE token = ?",
      [hashToken(token)],
    );
    const row = rows[0];
    if (!row) return null;
    return { tokenId: toNumber(row.id), userId: row.user_id, deviceId: row.device_id, nextTokenId: toNullableNumber(row.next_token_id) };
  }

  async updateRefreshTokenNext(tx: EntityManager, tokenId: number, nextTokenId: number): Promise<void> {
    await this.d.execute(tx, "UPDATE refresh_tokens SET next_token_id = ? WHERE id = ?", [nextTokenId, tokenId]);
  }

  async deleteRefreshToken(tx: EntityManager, tokenId: number): Promise<boolean> {
    return (await this.d.execute(tx, "DELETE FROM refresh_tokens WHERE id = ?", [tokenId])) > 0;
  }

  /** A device's refresh tokens, when the device is kept but its sessions end (a login naming it). */
  async deleteRefreshTokensForDevice(tx: EntityManager, userId: string, deviceId: string): Promise<number> {
    return this.d.execute(tx, "DELETE FROM refresh_tokens WHERE user_id = ? AND device_id = ?", [userId, deviceId]);
  }

  /**
   * Revokes the refresh token that `nextTokenId` replaced (once the replacement is used), with
   * the access tokens issued from it. Scoped to the device, which the index covers. Returns how
   * many refresh tokens went.
   */
  async deleteRefreshTokensReplacedBy(tx: EntityManager, userId: string, deviceId: string, nextTokenId: number): Promise<number> {
    const rows = await this.d.query<{ id: unknown }>(
      tx,
      "DELETE FROM refresh_tokens WHERE user_id = ? AND device_id = ? AND next_token_id = ? RETURNING id",
      [userId, deviceId, nextTokenId],
    );
    for (const row of rows) await this.deleteAccessTokensByRefreshToken(tx, toNumber(row.id));
    return rows.length;
  }
}

function toAccessTokenInfo(row: AccessTokenDbRow): AccessTokenInfo {
  return {
    tokenId: toNumber(row.id),
    userId: row.user_id,
    deviceId: row.device_id,
    validUntilMs: toNullableNumber(row.valid_until_ms),
    refreshTokenId: toNullableNumber(row.refresh_token_id),
    isGuest: toBool(row.is_guest),
    deactivated: toBool(row.deactivated),
  };
}
