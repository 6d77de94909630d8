/**
 * Reporting content: users report events, rooms and users to the server admins, who read the
 * reports with `hearth reports` or Synapse's event reports admin API (content-report-archive.ts).
 * https://spec.matrix.org/v1.19/client-server-api/#reporting-content
 *
 * > When processing event reports, servers MUST verify that the reporting user is currently
 * > joined to the room the event is in before accepting a report. (v1.8)
 * > […] servers MUST NOT restrict room reports based on whether or not the reporting user is
 * > joined to the room. (v1.13)
 * > Similarly, servers MUST NOT restrict user reports based on whether or not the reporting user
 * > is joined to any rooms that the reported user is joined to. (v1.14)
 *
 * An event report is refused with the one 404 whether the event is missing, in another room,
 * hidden from the reporter by history visibility, or the reporter is not joined: the answer does
 * not tell an outsider which events a room has. A room report needs a room this server knows, and
 * a user report a user of this server that exists (the spec's 404s); users of other servers
 * cannot be checked here, so reports about them are taken as they come.
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import { domainOf, isValidUserId } from "../../room/auth/user-ids.js";
import type { ContentReportRow, ContentReportsStore } from "../../storage/stores/content-reports-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import type { HearthDataSource } from "../../storage/data-source.js";
import type { EventPersister } from "../rooms/event-persister.js";
import type { RoomTimelineService } from "../rooms/timeline.js";
import type { RoomVisibility } from "../rooms/visibility.js";

export interface ContentReportServiceDeps {
  db: HearthDataSource;
  serverName: string;
  store: Pick<ContentReportsStore, "insertContentReport">;
  reader: Pick<EventPersister, "getRoomVersion">;
  visibility: Pick<RoomVisibility, "getRoomAccess">;
  /** The event as the reporter may see it (404 M_NOT_FOUND otherwise). */
  timeline: Pick<RoomTimelineService, "getEvent">;
  /** Whether a user of this server exists (deactivated ones too). */
  userExists: (userId: string) => Promise<boolean>;
  now?: () => number;
}

const EVENT_NOT_FOUND = "The event was not found or you are not joined to the room.";

export class ContentReportService {
  private readonly now: () => number;

  constructor(private readonly deps: ContentReportServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** `POST /rooms/{roomId}/report/{eventId}`: the reporter must be joined and able to see the event. */
  async reportEvent(reporter: string, roomId: string, eventId: string, body: { reason?: string; score?: unknown }): Promise<number> {
    const access = await this.deps.visibility.getRoomAccess(reporter, roomId);
    if (access.membership !== "join") throw new MatrixError(404, ErrCode.NotFound, EVENT_NOT_FOUND);
    const event = await this.deps.timeline.getEvent(reporter, roomId, eventId).catch((err: unknown) => {
      if (err instanceof MatrixError && err.status === 404) throw new MatrixError(404, ErrCode.NotFound, EVENT_NOT_FOUND);
      throw err;
    });
    // `score` left the spec in v1.18; an integer one from an older client is kept for the admins.
    const score = typeof body.score === "number" && Number.isSafeInteger(body.score) ? body.score : null;
    return this.insert({ kind: "event", userId: reporter, roomId, eventId, targetUserId: event.sender, reason: body.reason ?? null, score });
  }

  /** `POST /rooms/{roomId}/report`: any user, about any room this server knows. */
  async reportRoom(reporter: string, roomId: string, reason: string): Promise<number> {
    if ((await this.deps.reader.getRoomVersion(roomId)) === null) throw new MatrixError(404, ErrCode.NotFound, "The room was not found.");
    return this.insert({ kind: "room", userId: reporter, roomId, eventId: null, targetUserId: null, reason, score: null });
  }

  /** `POST /users/{userId}/report`: any user, about a user of this server or of another. */
  async reportUser(reporter: string, userId: string, reason: string): Promise<number> {
    if (!isValidUserId(userId)) throw new MatrixError(400, ErrCode.InvalidParam, `${JSON.stringify(userId)} is not a valid user ID.`);
    if (domainOf(userId) === this.deps.serverName && !(await this.deps.userExists(userId))) {
      throw new MatrixError(404, ErrCode.NotFound, "The user was not found.");
    }
    return this.insert({ kind: "user", userId: reporter, roomId: null, eventId: null, targetUserId: userId, reason, score: null });
  }

  private async insert(report: Omit<ContentReportRow, "id" | "receivedTs">): Promise<number> {
    const receivedTs = this.now();
    return runInTransaction(this.deps.db, (tx) => this.deps.store.insertContentReport(tx, { ...report, receivedTs }));
  }
}
