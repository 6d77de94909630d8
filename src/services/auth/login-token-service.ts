/**
 * Login tokens: `POST /login/get_token` hands a logged-in user a single-use, short-lived token
 * that another client redeems with `POST /login` `{type: "m.login.token", token}`.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv1loginget_token
 * https://spec.matrix.org/v1.19/client-server-api/#login
 *
 * Issuing:
 * 1. Guests cannot (they have no password to re-authenticate with): 403 M_GUEST_ACCESS_FORBIDDEN.
 * 2. User-Interactive Authentication with `m.login.password`, every time: "servers MUST always
 *    re-prompt the user for verification to ensure explicit consent is gained for each
 *    additional client". Each call is a session of its own, bound to its operation.
 * 3. A new token for the requester, valid for `expires_in_ms` (2 minutes, the spec's
 *    recommendation), stored hashed in the transaction that ends the UIA session.
 *
 * Redeeming: "The generated token MUST only be valid for a single login, enforced by the server";
 * an unknown, used or expired token is 403 M_FORBIDDEN ("In the case that the token is not valid,
 * the homeserver must respond with `403 Forbidden` and an error code of `M_FORBIDDEN`"). Tokens
 * live in the database, so a token issued by one process is redeemed by any.
 */
import type { DataSource } from "typeorm";
import { LoginType } from "../../matrix/endpoints/client/account-auth.js";
import type { Requester } from "../../matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { LoginTokensStore } from "../../storage/stores/login-tokens-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import { newLoginToken } from "./session-tokens.js";
import type { UiaService } from "./uiaa.js";

export interface LoginTokenServiceDeps {
  db: DataSource;
  tokens: Pick<LoginTokensStore, "insertLoginToken" | "deleteLoginToken" | "deleteLoginTokensExpiredBy">;
  uia: Pick<UiaService, "authenticate" | "finish">;
  now?: () => number;
  /** How long a token is accepted; default LOGIN_TOKEN_LIFETIME_MS. */
  lifetimeMs?: number;
}

export interface IssuedLoginToken {
  token: string;
  expiresInMs: number;
}

/** "`120000` (2 minutes) is recommended as a default." */
export const LOGIN_TOKEN_LIFETIME_MS = 120_000;

/** The UIA operation of `POST /login/get_token`. */
const OPERATION = "POST /login/get_token";
const FLOWS: readonly (readonly string[])[] = [[LoginType.Password]];

export class LoginTokenService {
  private readonly now: () => number;
  private readonly lifetimeMs: number;

  constructor(private readonly deps: LoginTokenServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.lifetimeMs = deps.lifetimeMs ?? LOGIN_TOKEN_LIFETIME_MS;
  }

  /** Steps 1–3 above: throws the UIA 401 until the requester has proved their password. */
  async issueLoginToken(requester: Requester, auth: unknown): Promise<IssuedLoginToken> {
    if (requester.isGuest) throw new MatrixError(403, ErrCode.GuestAccessForbidden, "Guest accounts cannot generate login tokens");
    const completion = await this.deps.uia.authenticate({ auth, operation: OPERATION, flows: FLOWS, userId: requester.userId });
    const token = newLoginToken();
    const now = this.now();
    await runInTransaction(this.deps.db, async (tx) => {
      await this.deps.uia.finish(tx, completion);
      // Issuing is rare (rate-limited, behind a password): sweep the expired tokens here.
      await this.deps.tokens.deleteLoginTokensExpiredBy(tx, now);
      await this.deps.tokens.insertLoginToken(tx, { token, userId: requester.userId, expiresTs: now + this.lifetimeMs });
    });
    return { token, expiresInMs: this.lifetimeMs };
  }

  /** Uses up `token`; returns the user it logs in. 403 M_FORBIDDEN when unknown, used or expired. */
  async redeemLoginToken(token: string): Promise<string> {
    const row = await runInTransaction(this.deps.db, (tx) => this.deps.tokens.deleteLoginToken(tx, token));
    if (row === null || row.expiresTs <= this.now()) throw new MatrixError(403, ErrCode.Forbidden, "Invalid or expired login token");
    return row.userId;
  }
}
