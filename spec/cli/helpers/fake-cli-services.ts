/** In-memory CliServices for CLI tests: records what the commands asked for. */
import type {
  CliContentReport,
  CliRegistrationToken,
  CliReportFilter,
  CliServices,
  CliUserSummary,
  NewCliRegistrationToken,
} from "../../../src/cli/cli-services.js";

export interface FakeUser {
  password: string | null;
  admin: boolean;
  deactivated: boolean;
}

export class FakeCliServices implements CliServices {
  readonly users = new Map<string, FakeUser>();
  readonly registrationTokens = new Map<string, CliRegistrationToken>();
  /** Content reports, oldest first; `events` holds the JSON of reported events by ID. */
  readonly reports: CliContentReport[] = [];
  readonly events = new Map<string, Record<string, unknown>>();
  pendingMigrations: string[] = [];
  closed = false;

  constructor(readonly serverName: string) {}

  async migrate(): Promise<string[]> {
    const applied = this.pendingMigrations;
    this.pendingMigrations = [];
    return applied;
  }

  async addUser(localpart: string, password: string | null, admin: boolean): Promise<string> {
    if (this.users.has(localpart)) throw new Error(`user @${localpart}:${this.serverName} already exists`);
    this.users.set(localpart, { password, admin, deactivated: false });
    return `@${localpart}:${this.serverName}`;
  }

  async listUsers(): Promise<CliUserSummary[]> {
    return [...this.users].map(([localpart, user]) => ({
      userId: `@${localpart}:${this.serverName}`,
      admin: user.admin,
      deactivated: user.deactivated,
    }));
  }

  async deactivateUser(localpart: string): Promise<void> {
    this.existing(localpart).deactivated = true;
  }

  async resetPassword(localpart: string, password: string): Promise<void> {
    this.existing(localpart).password = password;
  }

  async createRegistrationToken(options: NewCliRegistrationToken): Promise<CliRegistrationToken> {
    const token = options.token ?? "G".repeat(options.length ?? 16);
    if (this.registrationTokens.has(token)) throw new Error(`The token ${token} already exists`);
    const row = { token, usesAllowed: options.usesAllowed, pending: 0, completed: 0, expiryTime: options.expiryTime };
    this.registrationTokens.set(token, row);
    return row;
  }

  async listRegistrationTokens(): Promise<CliRegistrationToken[]> {
    return [...this.registrationTokens.values()];
  }

  async revokeRegistrationToken(token: string): Promise<boolean> {
    return this.registrationTokens.delete(token);
  }

  async listReports(filter: CliReportFilter, page: { offset: number; limit: number; dir: "b" | "f" }): Promise<{ reports: CliContentReport[]; total: number }> {
    const matching = this.reports.filter(
      (r) => (filter.kind ?? r.kind) === r.kind && (filter.userId ?? r.userId) === r.userId && (filter.roomId ?? r.roomId) === r.roomId,
    );
    const ordered = page.dir === "b" ? [...matching].reverse() : matching;
    return { reports: ordered.slice(page.offset, page.offset + page.limit), total: matching.length };
  }

  async getReport(id: number): Promise<(CliContentReport & { event: Record<string, unknown> | null }) | null> {
    const report = this.reports.find((r) => r.id === id);
    if (report === undefined) return null;
    return { ...report, event: (report.eventId === null ? undefined : this.events.get(report.eventId)) ?? null };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private existing(localpart: string): FakeUser {
    const user = this.users.get(localpart);
    if (user === undefined) throw new Error(`no user @${localpart}:${this.serverName}`);
    return user;
  }
}
