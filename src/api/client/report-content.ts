/**
 * Reporting content, and the admins' view of the reports.
 * https://spec.matrix.org/v1.19/client-server-api/#reporting-content
 */
import { getEventReport, getEventReports } from "../../matrix/endpoints/client/admin-event-reports.js";
import { reportEvent, reportRoom, reportUser } from "../../matrix/endpoints/client/report-content.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import { route, type Route } from "../../http/route.js";
import type { ContentReportService } from "../../services/reports/content-report-service.js";
import { handleGetEventReport, handleGetEventReports, type AdminEventReportsDeps } from "./admin-event-reports.js";
import { requireRoomId } from "./path-checks.js";

export interface ReportContentDeps {
  readonly reports: Pick<ContentReportService, "reportEvent" | "reportRoom" | "reportUser">;
}

/**
 * POST /_matrix/client/v3/rooms/{roomId}/report/{eventId}
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidreporteventid
 */
export function handleReportEvent(deps: ReportContentDeps): EndpointHandler<typeof reportEvent> {
  return async ({ requester, params, body }) => {
    requireRoomId(params.roomId);
    await deps.reports.reportEvent(requester.userId, params.roomId, params.eventId, body);
    return {};
  };
}

/**
 * POST /_matrix/client/v3/rooms/{roomId}/report
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidreport
 */
export function handleReportRoom(deps: ReportContentDeps): EndpointHandler<typeof reportRoom> {
  return async ({ requester, params, body }) => {
    requireRoomId(params.roomId);
    await deps.reports.reportRoom(requester.userId, params.roomId, body.reason);
    return {};
  };
}

/**
 * POST /_matrix/client/v3/users/{userId}/report
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3usersuseridreport
 */
export function handleReportUser(deps: ReportContentDeps): EndpointHandler<typeof reportUser> {
  return async ({ requester, params, body }) => {
    await deps.reports.reportUser(requester.userId, params.userId, body.reason);
    return {};
  };
}

/** The routes of this file and of the admin API over the reports (admin-event-reports.ts). */
export type ReportContentRoutesDeps = ReportContentDeps & AdminEventReportsDeps;

export function reportContentRoutes(deps: ReportContentRoutesDeps): Route[] {
  return [
    route(reportEvent, handleReportEvent(deps)),
    route(reportRoom, handleReportRoom(deps)),
    route(reportUser, handleReportUser(deps)),
    route(getEventReports, handleGetEventReports(deps)),
    route(getEventReport, handleGetEventReport(deps)),
  ];
}
