/**
 * `hearth reports list [--kind K] [--room ROOM] [--reporter USER] [--limit N] [--offset N] [--oldest-first]`
 * and `hearth reports show ID`: the reports users sent with the client API's "Reporting content"
 * endpoints (events, rooms and users).
 *
 * `list` prints one report per line, newest first, tab-separated: the ID, when it arrived (ISO
 * 8601), its kind, the reporter, what was reported (`EVENT_ID in ROOM_ID`, a room ID or a user ID)
 * and the reason (`-` when none), on one line. When more reports match than were printed, a note
 * on stderr says how to see the next ones. `show` prints one report's fields, with the reported
 * event's JSON.
 */
import { InvalidArgumentError, type Command } from "commander";
import { loadConfig } from "../config/load-config.js";
import { configPathOf, type CliContext } from "./cli-context.js";
import type { CliContentReport } from "./cli-services.js";
import { oneLine } from "./one-line.js";
import { withCliServices } from "./with-cli-services.js";

const KINDS = ["event", "room", "user"] as const;

interface ListOptions {
  kind?: (typeof KINDS)[number];
  room?: string;
  reporter?: string;
  limit: number;
  offset: number;
  oldestFirst?: boolean;
}

export function registerReportCommands(program: Command, ctx: CliContext): void {
  const reports = program.command("reports").description("read the content reports users sent (events, rooms, users)");

  reports
    .command("list")
    .description("list reports, newest first: ID, time, kind, reporter, what was reported, reason")
    .option("--kind <kind>", "only reports of events, rooms or users (event, room, user)", parseKind)
    .option("--room <roomId>", "only reports of this room or of its events")
    .option("--reporter <userId>", "only reports sent by this user")
    .option("--limit <n>", "how many to print", parseCount, 100)
    .option("--offset <n>", "how many to skip first", parseCount, 0)
    .option("--oldest-first", "oldest first")
    .action(async (options: ListOptions, command: Command) => {
      const config = loadConfig(configPathOf(command, ctx));
      const filter = { kind: options.kind, roomId: options.room, userId: options.reporter };
      const page = { offset: options.offset, limit: options.limit, dir: options.oldestFirst === true ? ("f" as const) : ("b" as const) };
      const { reports: rows, total } = await withCliServices(config, ctx, async (services) => services.listReports(filter, page));
      for (const row of rows) {
        ctx.stdout.write(`${row.id}\t${new Date(row.receivedTs).toISOString()}\t${row.kind}\t${row.userId}\t${subject(row)}\t${reasonOf(row)}\n`);
      }
      const next = options.offset + rows.length;
      if (rows.length > 0 && next < total) ctx.stderr.write(`${total - next} more: --offset ${next} shows the next ones\n`);
    });

  reports
    .command("show")
    .description("show one report, with the reported event")
    .argument("<id>", "the report ID (from `hearth reports list`)", parseId)
    .action(async (id: number, _options: unknown, command: Command) => {
      const config = loadConfig(configPathOf(command, ctx));
      const report = await withCliServices(config, ctx, async (services) => services.getReport(id));
      if (report === null) throw new Error(`no report ${id}`);
      const lines: Array<[string, string | number | null]> = [
        ["id", report.id],
        ["kind", report.kind],
        ["received", new Date(report.receivedTs).toISOString()],
        ["reporter", report.userId],
        ["room", report.roomId],
        ["room name", report.roomName],
        ["room alias", report.canonicalAlias],
        ["event", report.eventId],
        [report.kind === "user" ? "user" : "sender", report.targetUserId],
        ["score", report.score],
        ["reason", report.reason === null ? null : oneLine(report.reason)],
      ];
      for (const [key, value] of lines) if (value !== null) ctx.stdout.write(`${key}: ${value}\n`);
      if (report.event !== null) ctx.stdout.write(`event json:\n${JSON.stringify(report.event, null, 2)}\n`);
    });
}

/** What a report is about, on one line. */
function subject(row: CliContentReport): string {
  if (row.kind === "event") return `${row.eventId} in ${row.roomId}`;
  return (row.kind === "room" ? row.roomId : row.targetUserId) ?? "-";
}

function reasonOf(row: CliContentReport): string {
  return row.reason === null || row.reason.trim() === "" ? "-" : oneLine(row.reason).replace(/\t/g, " ");
}

function parseKind(value: string): (typeof KINDS)[number] {
  const kind = KINDS.find((k) => k === value);
  if (kind === undefined) throw new InvalidArgumentError(`Expected one of ${KINDS.join(", ")}.`);
  return kind;
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError("Expected a whole number.");
  return Number(value);
}

function parseId(value: string): number {
  const id = parseCount(value);
  if (id === 0) throw new InvalidArgumentError("Expected a report ID, a positive whole number.");
  return id;
}
