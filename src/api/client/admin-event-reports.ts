import type { EventReportJson, getEventReport, getEventReports } from "../../matrix/endpoints/client/admin-event-reports.js";
import type { Requester } from "../../matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import { DEFAULT_REPORTS_LIMIT, type ContentReport, type ContentReportArchive } from "../../services/reports/content-report-archive.js";

export interface AdminEventReportsDeps {
  readonly archive: Pick<ContentReportArchive, "listReports" | "getReport" | "getReportedEvent">;
  readonly isServerAdmin: (userId: string) => Promise<boolean>;
}

async function requireAdmin(deps: AdminEventReportsDeps, requester: Requester): Promise<void> {
  if (!(await deps.isServerAdmin(requester.userId))) throw new MatrixError(403, ErrCode.Forbidden, "Only server admins can read content reports.");
}

function toJson(report: ContentReport): EventReportJson {
  return {
    id: report.id,
    received_ts: report.receivedTs,
    room_id: report.roomId!,
    name: report.roomName,
    event_id: report.eventId!,
    user_id: report.userId,
    reason: report.reason,
    score: report.score,
    sender: report.targetUserId,
    canonical_alias: report.canonicalAlias,
  };
}

/**
 * GET /_synapse/admin/v1/event_reports: server admins only. `from` is an offset, `next_token`
 * the offset of the next page while there is one; `total` counts every report the filters match.
 * https://element-hq.github.io/synapse/latest/admin_api/event_reports.html
 */
export function handleGetEventReports(deps: AdminEventReportsDeps): EndpointHandler<typeof getEventReports> {
  return async ({ requester, query }) => {
    await requireAdmin(deps, requester);
    const offset = query.from ?? 0;
    const filter = { kind: "event" as const, userId: query.user_id, roomId: query.room_id, targetUserId: query.event_sender_user_id };
    const { reports, total } = await deps.archive.listReports(filter, { offset, limit: query.limit ?? DEFAULT_REPORTS_LIMIT, dir: query.dir ?? "b" });
    const response: { event_reports: EventReportJson[]; total: number; next_token?: number } = { event_reports: reports.map(toJson), total };
    if (offset + reports.length < total && reports.length > 0) response.next_token = offset + reports.length;
    return response;
  };
}

/**
 * GET /_synapse/admin/v1/event_reports/{reportId}: one event report with the reported event.
 * 400 M_INVALID_PARAM for an ID that is not a positive integer, 404 M_NOT_FOUND for an unknown one.
 */
export function handleGetEventReport(deps: AdminEventReportsDeps): EndpointHandler<typeof getEventReport> {
  return async ({ requester, params }) => {
    await requireAdmin(deps, requester);
    const id = /^[0-9]{1,15}$/.test(params.reportId) ? Number(params.reportId) : 0;
    if (id <= 0) throw new MatrixError(400, ErrCode.InvalidParam, "The report ID must be a positive integer.");
    const report = await deps.archive.getReport(id, "event");
    if (report === null) throw new MatrixError(404, ErrCode.NotFound, `No event report ${id}.`);
    return { ...toJson(report), event_json: await deps.archive.getReportedEvent(report) };
  };
}
