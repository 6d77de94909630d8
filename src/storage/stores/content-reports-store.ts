/**
 * content_reports: the reports of events, rooms and users that users send their server
 * (ContentReportService), for the server admins to read.
 */
import type { EntityManager } from "typeorm";
import { toNullableNumber, toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export type ContentReportKind = "event" | "room" | "user";

export interface NewContentReport {
  kind: ContentReportKind;
  /** The reporter. */
  userId: string;
  roomId: string | null;
  eventId: string | null;
  /** Whom the report is against: the reported user, or the reported event's sender. */
  targetUserId: string | null;
  reason: string | null;
  score: number | null;
  receivedTs: number;
}

export interface ContentReportRow extends NewContentReport {
  id: number;
}

/** Which reports a listing covers; absent fields do not filter. */
export interface ContentReportFilter {
  kind?: ContentReportKind;
  userId?: string;
  roomId?: string;
  targetUserId?: string;
}

interface ContentReportDbRow {
  id: unknown;
  kind: ContentReportKind;
  user_id: string;
  room_id: string | null;
  event_id: string | null;
  target_user_id: string | null;
  reason: string | null;
  score: unknown;
  received_ts: unknown;
}

const COLUMNS = "id, kind, user_id, room_id, event_id, target_user_id, reason, score, received_ts";
const FILTER_COLUMNS: ReadonlyArray<[keyof ContentReportFilter, string]> = [
  ["kind", "kind"],
  ["userId", "user_id"],
  ["roomId", "room_id"],
  ["targetUserId", "target_user_id"],
];

export class ContentReportsStore extends BaseStore {
  /** Stores a report; returns its ID. */
  async insertContentReport(tx: EntityManager, report: NewContentReport): Promise<number> {
    const rows = await this.d.query<{ id: unknown }>(
      tx,
      "INSERT INTO content_reports (kind, user_id, room_id, event_id, target_user_id, reason, score, received_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      [report.kind, report.userId, report.roomId, report.eventId, report.targetUserId, report.reason, report.score, report.receivedTs],
    );
    return toNumber(rows[0]!.id);
  }

  async selectContentReport(id: number, em: EntityManager = this.reader): Promise<ContentReportRow | null> {
    const rows = await this.d.query<ContentReportDbRow>(em, `SELECT ${COLUMNS} FROM content_reports WHERE id = ?`, [id]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Up to `limit` reports matching `filter` after skipping `offset`, newest (`b`) or oldest (`f`) first. */
  async selectContentReports(filter: ContentReportFilter, page: { offset: number; limit: number; dir: "b" | "f" }): Promise<ContentReportRow[]> {
    const { where, params } = whereOf(filter);
    const rows = await this.d.query<ContentReportDbRow>(
      this.reader,
      `SELECT ${COLUMNS} FROM content_reports ${where} ORDER BY id ${page.dir === "b" ? "DESC" : "ASC"} LIMIT ? OFFSET ?`,
      [...params, page.limit, page.offset],
    );
    return rows.map(toRow);
  }

  /** How many reports match `filter`. */
  async countContentReports(filter: ContentReportFilter): Promise<number> {
    const { where, params } = whereOf(filter);
    const rows = await this.d.query<{ total: unknown }>(this.reader, `SELECT COUNT(*) AS total FROM content_reports ${where}`, params);
    return toNumber(rows[0]!.total);
  }
}

function whereOf(filter: ContentReportFilter): { where: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  for (const [key, column] of FILTER_COLUMNS) {
    const value = filter[key];
    if (value === undefined) continue;
    clauses.push(`${column} = ?`);
    params.push(value);
  }
  return { where: clauses.length === 0 ? "" : `WHERE ${clauses.join(" AND ")}`, params };
}

function toRow(row: ContentReportDbRow): ContentReportRow {
  return {
    id: toNumber(row.id),
    kind: row.kind,
    userId: row.user_id,
    roomId: row.room_id,
    eventId: row.event_id,
    targetUserId: row.target_user_id,
    reason: row.reason,
    score: toNullableNumber(row.score),
    receivedTs: toNumber(row.received_ts),
  };
}
