/**
 * Part of the composition root (app.ts): content reports — the service that takes users'
 * reports of events, rooms and users, and the archive server admins read them from.
 */
import type { ReportContentRoutesDeps } from "./api/client/report-content.js";
import type { RoomServices } from "./app-rooms.js";
import { ContentReportArchive, storedRoomReader } from "./services/reports/content-report-archive.js";
import { ContentReportService } from "./services/reports/content-report-service.js";
import type { HearthDataSource } from "./storage/data-source.js";
import { ContentReportsStore } from "./storage/stores/content-reports-store.js";
import { CurrentStateStore } from "./storage/stores/current-state-store.js";
import { EventsStore } from "./storage/stores/events-store.js";

export interface ReportServicesDeps {
  serverName: string;
  rooms: Pick<RoomServices, "persister" | "visibility" | "timeline">;
  /** Whether a user of this server exists (deactivated ones too). */
  userExists: (userId: string) => Promise<boolean>;
  isServerAdmin: (userId: string) => Promise<boolean>;
}

export interface ReportServices {
  readonly reports: ContentReportService;
  readonly archive: ContentReportArchive;
  /** What the report routes need. */
  readonly routes: ReportContentRoutesDeps;
}

export function buildReportServices(db: HearthDataSource, deps: ReportServicesDeps): ReportServices {
  const store = new ContentReportsStore(db);
  const { persister, visibility, timeline } = deps.rooms;
  const reports = new ContentReportService({ db, serverName: deps.serverName, store, reader: persister, visibility, timeline, userExists: deps.userExists });
  const archive = new ContentReportArchive({ store, rooms: persister });
  return { reports, archive, routes: { reports, archive, isServerAdmin: deps.isServerAdmin } };
}

/** The archive alone, read from storage (the CLI runs no event persister). */
export function buildReportArchive(db: HearthDataSource): ContentReportArchive {
  return new ContentReportArchive({ store: new ContentReportsStore(db), rooms: storedRoomReader(new CurrentStateStore(db), new EventsStore(db)) });
}
