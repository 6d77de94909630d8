/**
 * What the `hearth` CLI needs from the rest of the server, and what it expects `src/app.ts` (the
 * composition root) to export. The CLI loads app.ts lazily, so `hearth config …` and
 * `hearth generate-config` never pull in storage or HTTP.
 */
import type { Config } from "../config/config.js";
import type { ContentReport } from "../services/reports/content-report-archive.js";

export interface CliUserSummary {
  userId: string;
  admin: boolean;
  deactivated: boolean;
}

/** A registration token as `hearth registration-token` shows it. */
export interface CliRegistrationToken {
  token: string;
  /** Null: any number of registrations. */
  usesAllowed: number | null;
  /** Registrations past the token's stage but not finished. */
  pending: number;
  completed: number;
  /** Milliseconds since the epoch; null: never expires. */
  expiryTime: number | null;
}

export interface NewCliRegistrationToken {
  /** Generated when absent. */
  token?: string;
  usesAllowed: number | null;
  expiryTime: number | null;
  /** Length of a generated token. */
  length?: number;
}

/** A content report as `hearth reports` shows it: with its room's current name and alias. */
export type CliContentReport = ContentReport;

/** Which reports `hearth reports list` shows; absent fields do not filter. */
export interface CliReportFilter {
  kind?: "event" | "room" | "user";
  /** The reporter. */
  userId?: string;
  roomId?: string;
}

/** The storage and user operations behind `hearth migrate`, `hearth user …`, `hearth registration-token …` and `hearth reports …`. */
export interface CliServices {
  /** Runs pending migrations; returns the names of those applied (empty when up to date). */
  migrate(): Promise<string[]>;
  /** Creates a local user; a null password makes an account that cannot log in with one. Returns the user ID. */
  addUser(localpart: string, password: string | null, admin: boolean): Promise<string>;
  listUsers(): Promise<CliUserSummary[]>;
  deactivateUser(localpart: string): Promise<void>;
  resetPassword(localpart: string, password: string): Promise<void>;
  createRegistrationToken(options: NewCliRegistrationToken): Promise<CliRegistrationToken>;
  listRegistrationTokens(): Promise<CliRegistrationToken[]>;
  /** Whether the token existed. */
  revokeRegistrationToken(token: string): Promise<boolean>;
  /** A page of content reports (newest first with `dir: "b"`) and how many match in all. */
  listReports(filter: CliReportFilter, page: { offset: number; limit: number; dir: "b" | "f" }): Promise<{ reports: CliContentReport[]; total: number }>;
  /** One report with the reported event's JSON (null when not an event report or the event is gone), or null. */
  getReport(id: number): Promise<(CliContentReport & { event: Record<string, unknown> | null }) | null>;
  /** Releases database connections so the process can exit. */
  close(): Promise<void>;
}

export type OpenCliServices = (config: Config) => Promise<CliServices>;

export interface RunningHomeserver {
  stop(): Promise<void>;
}

export type StartHomeserver = (config: Config, opts?: { configPath?: string }) => Promise<RunningHomeserver>;

/** The exports of src/app.ts the CLI uses. */
export interface AppEntry {
  startHomeserver: StartHomeserver;
  openCliServices: OpenCliServices;
}
