/**
 * Registration tokens (the `m.login.registration_token` stage, MSC3231): the admin's side
 * (create, list, revoke: the `hearth registration-token` commands) and the validity check of
 * `GET /register/m.login.registration_token/validity`. Uses are taken by the UIA stage
 * (`pending`) and counted when the registration completes (`completed`).
 * https://spec.matrix.org/v1.19/client-server-api/#token-authenticated-registration
 */
import type { DataSource } from "typeorm";
import { randomString } from "../../crypto/random-string.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { RegistrationTokenRow, RegistrationTokensStore } from "../../storage/stores/registration-tokens-store.js";
import { UniqueViolationError } from "../../storage/storage-errors.js";
import { runInTransaction } from "../../storage/transaction.js";

export interface RegistrationTokenServiceDeps {
  db: DataSource;
  tokens: Pick<RegistrationTokensStore, "insertRegistrationToken" | "selectRegistrationToken" | "selectRegistrationTokens" | "deleteRegistrationToken">;
  now?: () => number;
}

export interface NewRegistrationTokenOptions {
  /** The token itself; generated when absent. */
  token?: string;
  /** How many registrations it allows; null: any number. */
  usesAllowed?: number | null;
  /** When it stops working (ms since the epoch); null: never. */
  expiryTime?: number | null;
  /** Length of a generated token; default 16. */
  length?: number;
}

/** "an opaque string using the Opaque Identifier Grammar, with maximum length of 64 characters" */
const TOKEN_GRAMMAR = /^[A-Za-z0-9._~-]{1,64}$/;
const DEFAULT_LENGTH = 16;

export class RegistrationTokenService {
  private readonly now: () => number;

  constructor(private readonly deps: RegistrationTokenServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async createToken(options: NewRegistrationTokenOptions = {}): Promise<RegistrationTokenRow> {
    const length = options.length ?? DEFAULT_LENGTH;
    if (!Number.isInteger(length) || length < 1 || length > 64) throw invalid("The length of a token must be from 1 to 64");
    const token = options.token ?? randomString(length);
    if (!TOKEN_GRAMMAR.test(token)) throw invalid("A token may only hold A-Z, a-z, 0-9, '.', '_', '~' and '-', and at most 64 of them");
    const usesAllowed = options.usesAllowed ?? null;
    if (usesAllowed !== null && (!Number.isSafeInteger(usesAllowed) || usesAllowed < 0)) throw invalid("The number of uses must be a whole number, 0 or more");
    const expiryTime = options.expiryTime ?? null;
    if (expiryTime !== null && (!Number.isSafeInteger(expiryTime) || expiryTime <= this.now())) throw invalid("The expiry time must be in the future");
    try {
      await runInTransaction(this.deps.db, (tx) => this.deps.tokens.insertRegistrationToken(tx, { token, usesAllowed, expiryTime }));
    } catch (err) {
      if (err instanceof UniqueViolationError) throw invalid(`The token ${token} already exists`);
      throw err;
    }
    return { token, usesAllowed, pending: 0, completed: 0, expiryTime };
  }

  /** Every token, or only those usable now (true) or not (false). */
  async listTokens(usable: boolean | null = null): Promise<RegistrationTokenRow[]> {
    return this.deps.tokens.selectRegistrationTokens(usable === null ? null : { usable, nowMs: this.now() });
  }

  /** Deletes the token; whether it existed. Registrations already past its stage still finish. */
  async revokeToken(token: string): Promise<boolean> {
    return runInTransaction(this.deps.db, (tx) => this.deps.tokens.deleteRegistrationToken(tx, token));
  }

  /** Whether the token could be used now: it exists, has not expired and has uses left. */
  async isTokenValid(token: string): Promise<boolean> {
    const row = await this.deps.tokens.selectRegistrationToken(token);
    if (row === null) return false;
    if (row.expiryTime !== null && row.expiryTime <= this.now()) return false;
    return row.usesAllowed === null || row.pending + row.completed < row.usesAllowed;
  }
}

function invalid(message: string): MatrixError {
  return new MatrixError(400, ErrCode.InvalidParam, message);
}
