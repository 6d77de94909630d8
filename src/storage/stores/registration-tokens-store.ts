/**
 * registration_tokens for the `m.login.registration_token` auth stage. `pending` counts
 * registrations that passed the stage but have not finished; `completed` those that did. A token
 * is usable while `pending + completed < uses_allowed` (or uses_allowed is NULL) and it has not
 * expired.
 */
import type { EntityManager } from "typeorm";
import { toNullableNumber, toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export interface RegistrationTokenRow {
  token: string;
  usesAllowed: number | null;
  pending: number;
  completed: number;
  expiryTime: number | null;
}

export interface NewRegistrationToken {
  token: string;
  usesAllowed: number | null;
  expiryTime: number | null;
}

interface RegistrationTokenDbRow {
  token: string;
  uses_allowed: unknown;
  pending: unknown;
  completed: unknown;
  expiry_time: unknown;
}

const COLUMNS = "token, uses_allowed, pending, completed, expiry_time";
const USABLE = "(uses_allowed IS NULL OR pending + completed < uses_allowed) AND (expiry_time IS NULL OR expiry_time > ?)";

export class RegistrationTokensStore extends BaseStore {
  /** Throws UniqueViolationError when the token exists. */
  async insertRegistrationToken(tx: EntityManager, token: NewRegistrationToken): Promise<void> {
    await this.d.execute(tx, "INSERT INTO registration_tokens (token, uses_allowed, expiry_time) VALUES (?, ?, ?)", [
      token.token,
      token.usesAllowed,
      token.expiryTime,
    ]);
  }

  async selectRegistrationToken(token: string, em: EntityManager = this.reader): Promise<RegistrationTokenRow | null> {
    const rows = await this.d.query<RegistrationTokenDbRow>(em, `SELECT ${COLUMNS} FROM registration_tokens WHERE token = ?`, [token]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** All tokens, or with `usableAt` only those usable then (true) or not (false). */
  async selectRegistrationTokens(filter: { usable: boolean; nowMs: number } | null = null): Promise<RegistrationTokenRow[]> {
    const where = filter === null ? "" : filter.usable ? `WHERE ${USABLE}` : `WHERE NOT (${USABLE})`;
    const rows = await this.d.query<RegistrationTokenDbRow>(
      this.reader,
      `SELECT ${COLUMNS} FROM registration_tokens ${where} ORDER BY token`,
      filter === null ? [] : [filter.nowMs],
    );
    return rows.map(toRow);
  }

  /** Changes the limits; fields left undefined keep their value. Returns the row, or null. */
  async updateRegistrationToken(
    tx: EntityManager,
    token: string,
    changes: { usesAllowed?: number | null; expiryTime?: number | null },
  ): Promise<RegistrationTokenRow | null> {
    const sets: string[] = [];
    const params: unknown[] = [];
    if (changes.usesAllowed !== undefined) {
      sets.push("uses_allowed = ?");
      params.push(changes.usesAllowed);
    }
    if (changes.expiryTime !== undefined) {
      sets.push("expiry_time = ?");
      params.push(changes.expiryTime);
    }
    if (sets.length === 0) return this.selectRegistrationToken(token, tx);
    params.push(token);
    const rows = await this.d.query<RegistrationTokenDbRow>(
      tx,
      `UPDATE registration_tokens SET ${sets.join(", ")} WHERE token = ? RETURNING ${COLUMNS}`,
      params,
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /**
   * Takes one use of the token if it is usable at `nowMs` (pending + 1), in one statement so
   * that two registrations cannot both take the last use. Returns whether it was taken.
   */
  async updateRegistrationTokenAddPending(tx: EntityManager, token: string, nowMs: number): Promise<boolean> {
    const changed = await this.d.execute(tx, `UPDATE registration_tokens SET pending = pending + 1 WHERE token = ? AND ${USABLE}`, [token, nowMs]);
    return changed > 0;
  }

  /** A registration that took a use finished: pending − 1, completed + 1. */
  async updateRegistrationTokenComplete(tx: EntityManager, token: string): Promise<boolean> {
    const changed = await this.d.execute(
      tx,
      "UPDATE registration_tokens SET pending = pending - 1, completed = completed + 1 WHERE token = ? AND pending > 0",
      [token],
    );
    return changed > 0;
  }

  /** A registration that took a use was abandoned: pending − 1. */
  async updateRegistrationTokenReleasePending(tx: EntityManager, token: string): Promise<boolean> {
    const changed = await this.d.execute(tx, "UPDATE registration_tokens SET pending = pending - 1 WHERE token = ? AND pending > 0", [token]);
    return changed > 0;
  }

  async deleteRegistrationToken(tx: EntityManager, token: string): Promise<boolean> {
    return (await this.d.execute(tx, "DELETE FROM registration_tokens WHERE token = ?", [token])) > 0;
  }
}

function toRow(row: RegistrationTokenDbRow): RegistrationTokenRow {
  return {
    token: row.token,
    usesAllowed: toNullableNumber(row.uses_allowed),
    pending: toNumber(row.pending),
    completed: toNumber(row.completed),
    expiryTime: toNullableNumber(row.expiry_time),
  };
}
