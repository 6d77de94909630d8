/**
 * OpenID: a user proves who they are to a third party (a widget, an integration manager)
 * without handing it their access token.
 * https://spec.matrix.org/v1.19/client-server-api/#openid
 * https://spec.matrix.org/v1.19/server-server-api/#openid
 *
 * - `POST /user/{userId}/openid/request_token` gives the user a token "only valid for exchanging
 *   for user information from the federation API for OpenID": it is not an access token, so it
 *   opens nothing else.
 * - The third party calls `GET /_matrix/federation/v1/openid/userinfo?access_token=…` on this
 *   server and learns `sub`, the user's ID; an unknown or expired token is 401 M_UNKNOWN_TOKEN.
 * Tokens last an hour (Synapse's default, and the spec's example), are stored hashed, and any
 * process of the server answers for them.
 */
import type { DataSource } from "typeorm";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { OpenIdTokensStore } from "../../storage/stores/openid-tokens-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import { newOpenIdToken } from "./session-tokens.js";

export const OPENID_TOKEN_LIFETIME_MS = 3_600_000;

export interface OpenIdServiceDeps {
  db: DataSource;
  serverName: string;
  tokens: Pick<OpenIdTokensStore, "insertOpenIdToken" | "selectOpenIdToken" | "deleteOpenIdTokensExpiredBy">;
  now?: () => number;
}

export interface OpenIdTokenJson {
  access_token: string;
  token_type: "Bearer";
  matrix_server_name: string;
  /** Seconds. */
  expires_in: number;
}

export class OpenIdService {
  private readonly now: () => number;

  constructor(private readonly deps: OpenIdServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** A new token vouching for `userId` (the caller checks the requester is that user). */
  async issue(userId: string): Promise<OpenIdTokenJson> {
    const token = newOpenIdToken();
    const now = this.now();
    await runInTransaction(this.deps.db, async (tx) => {
      await this.deps.tokens.deleteOpenIdTokensExpiredBy(tx, now);
      await this.deps.tokens.insertOpenIdToken(tx, token, userId, now + OPENID_TOKEN_LIFETIME_MS);
    });
    return { access_token: token, token_type: "Bearer", matrix_server_name: this.deps.serverName, expires_in: OPENID_TOKEN_LIFETIME_MS / 1000 };
  }

  /** The user `token` vouches for; 401 M_UNKNOWN_TOKEN when unknown or expired. */
  async userOf(token: string): Promise<string> {
    const row = await this.deps.tokens.selectOpenIdToken(token);
    if (row === null || row.expiresTs <= this.now()) throw new MatrixError(401, ErrCode.UnknownToken, "OpenID token unknown or expired");
    return row.userId;
  }
}
