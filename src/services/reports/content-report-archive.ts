/**
 * The server admins' view of content reports (content-report-service.ts stores them): pages of
 * reports and single reports, each with its room's current name and canonical alias, and the
 * reported event. Behind `hearth reports` and `GET /_synapse/admin/v1/event_reports`.
 */
import type { ContentReportFilter, ContentReportKind, ContentReportRow, ContentReportsStore } from "../../storage/stores/content-reports-store.js";
import type { CurrentStateStore } from "../../storage/stores/current-state-store.js";
import type { EventsStore } from "../../storage/stores/events-store.js";

export const DEFAULT_REPORTS_LIMIT = 100;

/** What the archive reads of rooms: the event persister in the server, the stores in the CLI. */
export interface ReportedRoomReader {
  getStateEvent(roomId: string, type: string, stateKey: string): Promise<{ readonly content: Readonly<Record<string, unknown>> } | null>;
  getEvent(eventId: string): Promise<{ readonly json: object } | null>;
}

export interface ContentReportArchiveDeps {
  store: Pick<ContentReportsStore, "selectContentReport" | "selectContentReports" | "countContentReports">;
  rooms: ReportedRoomReader;
}

/** A report with what an admin reviewing it wants to know of its room now. */
export interface ContentReport extends ContentReportRow {
  /** The room's current `m.room.name`, or null. */
  roomName: string | null;
  /** The room's current canonical alias, or null. */
  canonicalAlias: string | null;
}

export interface ContentReportPage {
  reports: ContentReport[];
  /** How many reports match the filter in all. */
  total: number;
}

export class ContentReportArchive {
  constructor(private readonly deps: ContentReportArchiveDeps) {}

  /** A page of reports, newest (`b`) or oldest (`f`) first, `offset` in. */
  async listReports(filter: ContentReportFilter, page: { offset: number; limit: number; dir: "b" | "f" }): Promise<ContentReportPage> {
    const [rows, total] = await Promise.all([this.deps.store.selectContentReports(filter, page), this.deps.store.countContentReports(filter)]);
    return { reports: await Promise.all(rows.map((row) => this.withRoom(row))), total };
  }

  /** One report, or null; with `kind`, only a report of that kind. */
  async getReport(id: number, kind?: ContentReportKind): Promise<ContentReport | null> {
    const row = await this.deps.store.selectContentReport(id);
    if (row === null || (kind !== undefined && row.kind !== kind)) return null;
    return this.withRoom(row);
  }

  /** The stored JSON of a reported event, or null (not an event report, or the event is gone). */
  async getReportedEvent(report: ContentReportRow): Promise<Record<string, unknown> | null> {
    if (report.eventId === null) return null;
    const event = await this.deps.rooms.getEvent(report.eventId);
    return event === null ? null : { ...event.json };
  }

  private async withRoom(row: ContentReportRow): Promise<ContentReport> {
    if (row.roomId === null) return { ...row, roomName: null, canonicalAlias: null };
    const [name, alias] = await Promise.all([
      this.deps.rooms.getStateEvent(row.roomId, "m.room.name", ""),
      this.deps.rooms.getStateEvent(row.roomId, "m.room.canonical_alias", ""),
    ]);
    return { ...row, roomName: nonEmpty(name?.content.name), canonicalAlias: nonEmpty(alias?.content.alias) };
  }
}

/** A ReportedRoomReader straight from storage, for the CLI (which runs no event persister). */
export function storedRoomReader(
  currentState: Pick<CurrentStateStore, "selectCurrentStateEventId">,
  events: Pick<EventsStore, "selectEventsByIds">,
): ReportedRoomReader {
  const eventJson = async (eventId: string): Promise<Record<string, unknown> | null> => {
    const row = (await events.selectEventsByIds([eventId])).get(eventId);
    return row === undefined ? null : (JSON.parse(row.json) as Record<string, unknown>);
  };
  return {
    getEvent: async (eventId) => {
      const json = await eventJson(eventId);
      return json === null ? null : { json };
    },
    getStateEvent: async (roomId, type, stateKey) => {
      const eventId = await currentState.selectCurrentStateEventId(roomId, type, stateKey);
      const json = eventId === null ? null : await eventJson(eventId);
      return json === null ? null : { content: (json.content ?? {}) as Record<string, unknown> };
    },
  };
}

function nonEmpty(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}
