/**
 * login_tokens: the single-use `m.login.token` tokens of `POST /login/get_token`. Only the
 * SHA-256 of a token is stored, as for access tokens. Redeeming deletes the row and returns it in
 * one statement, so two logins racing on one token cannot both get it.
 */
import type { EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { hashToken } from "./access-tokens-store.js";
import { BaseStore } from "./base-store.js";

export interface NewLoginToken {
  token: string;
  userId: string;
  expiresTs: number;
}

export interface LoginTokenRow {
  userId: string;
  expiresTs: number;
}

export class LoginTokensStore extends BaseStore {
  async insertLoginToken(tx: EntityManager, token: NewLoginToken): Promise<void> {
    await this.d.execute(tx, "INSERT INTO login_tokens (token_hash, user_id, expires_ts) VALUES (?, ?, ?)", [
      hashToken(token.token),
      token.userId,
      token.expiresTs,
    ]);
  }

  /** Deletes the token; returns whom it was for and its expiry, or null when there was none. */
  async deleteLoginToken(tx: EntityManager, token: string): Promise<LoginTokenRow | null> {
    const rows = await this.d.query<{ user_id: string; expires_ts: unknown }>(
      tx,
      "DELETE FROM login_tokens WHERE token_hash = ? RETURNING user_id, expires_ts",
      [hashToken(token)],
    );
    const row = rows[0];
    return row ? { userId: row.user_id, expiresTs: toNumber(row.expires_ts) } : null;
  }

  /** Deletes the tokens that expired at or before `now`; returns how many. */
  async deleteLoginTokensExpiredBy(tx: EntityManager, now: number): Promise<number> {
    return this.d.execute(tx, "DELETE FROM login_tokens WHERE expires_ts <= ?", [now]);
  }
}
