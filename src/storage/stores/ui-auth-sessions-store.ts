/**
 * ui_auth_sessions: User-Interactive Authentication sessions (services/auth/uiaa.ts). Updates
 * are compare-and-set on `completed`, so two requests racing on one session cannot both complete
 * the same stage. Each session keeps the flows it was offered, so that a stage can be completed
 * without the request that started it (the fallback page).
 */
import type { EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export interface UiAuthSessionRow {
  sessionId: string;
  operation: string;
  userId: string | null;
  /** The flows offered when the session started: each the stage types to complete in order. */
  flows: string[][];
  /** Stage types completed so far, in order. */
  completed: string[];
  registrationToken: string | null;
  createdTs: number;
}

export interface NewUiAuthSession {
  sessionId: string;
  operation: string;
  userId: string | null;
  /** None when absent: then no stage can be completed out of band. */
  flows?: readonly (readonly string[])[];
  createdTs: number;
}

export interface UiAuthSessionChanges {
  completed: readonly string[];
  userId: string | null;
  registrationToken: string | null;
}

interface UiAuthSessionDbRow {
  session_id: string;
  operation: string;
  user_id: string | null;
  flows: string;
  completed: string;
  registration_token: string | null;
  created_ts: unknown;
}

const COLUMNS = "session_id, operation, user_id, flows, completed, registration_token, created_ts";

export class UiAuthSessionsStore extends BaseStore {
  async insertUiAuthSession(tx: EntityManager, session: NewUiAuthSession): Promise<void> {
    await this.d.execute(tx, `INSERT INTO ui_auth_sessions (${COLUMNS}) VALUES (?, ?, ?, ?, '[]', NULL, ?)`, [
      session.sessionId,
      session.operation,
      session.userId,
      JSON.stringify(session.flows ?? []),
      session.createdTs,
    ]);
  }

  async selectUiAuthSession(sessionId: string, em: EntityManager = this.reader): Promise<UiAuthSessionRow | null> {
    const rows = await this.d.query<UiAuthSessionDbRow>(em, `SELECT ${COLUMNS} FROM ui_auth_sessions WHERE session_id = ?`, [sessionId]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /**
   * Records progress, but only if the session's completed stages are still `expected` (nobody
   * else moved it on meanwhile). Returns whether it was updated.
   */
  async updateUiAuthSession(tx: EntityManager, sessionId: string, expected: readonly string[], changes: UiAuthSessionChanges): Promise<boolean> {
    const changed = await this.d.execute(
      tx,
      "UPDATE ui_auth_sessions SET completed = ?, user_id = ?, registration_token = ? WHERE session_id = ? AND completed = ?",
      [JSON.stringify(changes.completed), changes.userId, changes.registrationToken, sessionId, JSON.stringify(expected)],
    );
    return changed > 0;
  }

  /** Deletes the session; returns the row as it was, or null when there was none. */
  async deleteUiAuthSession(tx: EntityManager, sessionId: string): Promise<UiAuthSessionRow | null> {
    const rows = await this.d.query<UiAuthSessionDbRow>(tx, `DELETE FROM ui_auth_sessions WHERE session_id = ? RETURNING ${COLUMNS}`, [sessionId]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Deletes the sessions created before `createdBefore`; returns the registration tokens they held. */
  async deleteUiAuthSessionsCreatedBefore(tx: EntityManager, createdBefore: number): Promise<string[]> {
    const rows = await this.d.query<{ registration_token: string | null }>(
      tx,
      "DELETE FROM ui_auth_sessions WHERE created_ts < ? RETURNING registration_token",
      [createdBefore],
    );
    const tokens: string[] = [];
    for (const row of rows) if (row.registration_token !== null) tokens.push(row.registration_token);
    return tokens;
  }
}

function toRow(row: UiAuthSessionDbRow): UiAuthSessionRow {
  return {
    sessionId: row.session_id,
    operation: row.operation,
    userId: row.user_id,
    flows: JSON.parse(row.flows) as string[][],
    completed: JSON.parse(row.completed) as string[],
    registrationToken: row.registration_token,
    createdTs: toNumber(row.created_ts),
  };
}
