/**
 * openid_tokens: the tokens users hand third parties to prove who they are (OpenIdService).
 * Only the SHA-256 of a token is stored, as for access tokens.
 */
import type { EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { hashToken } from "./access-tokens-store.js";
import { BaseStore } from "./base-store.js";

export class OpenIdTokensStore extends BaseStore {
  async insertOpenIdToken(tx: EntityManager, token: string, userId: string, expiresTs: number): Promise<void> {
    await this.d.execute(tx, "INSERT INTO openid_tokens (token_hash, user_id, expires_ts) VALUES (?, ?, ?)", [hashToken(token), userId, expiresTs]);
  }

  /** Whom `token` vouches for and until when, or null for an unknown token. */
  async selectOpenIdToken(token: string, em: EntityManager = this.reader): Promise<{ userId: string; expiresTs: number } | null> {
    const rows = await this.d.query<{ user_id: string; expires_ts: unknown }>(em, "SELECT user_id, expires_ts FROM openid_tokens WHERE token_hash = ?", [hashToken(token)]);
    const row = rows[0];
    return row ? { userId: row.user_id, expiresTs: toNumber(row.expires_ts) } : null;
  }

  /** Deletes the tokens that expired at or before `now`; returns how many. */
  async deleteOpenIdTokensExpiredBy(tx: EntityManager, now: number): Promise<number> {
    return this.d.execute(tx, "DELETE FROM openid_tokens WHERE expires_ts <= ?", [now]);
  }
}
