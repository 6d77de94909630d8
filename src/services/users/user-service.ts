/**
 * Local accounts: creating, listing, deactivating, and changing passwords. The client API's
 * registration and login build on this; so does the `hearth user` CLI.
 */
import type { DataSource, EntityManager } from "typeorm";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import { checkNewLocalpart, localpartOf, userIdOf } from "../../matrix/ids.js";
import type { UserRow, UsersStore } from "../../storage/stores/users-store.js";
import { UniqueViolationError } from "../../storage/storage-errors.js";
import { onCommit, runInTransaction } from "../../storage/transaction.js";
import type { Logger } from "../../util/logger.js";
import type { SessionService } from "../auth/session-service.js";
import type { PasswordHasher } from "./password-hasher.js";

export interface UserServiceDeps {
  db: DataSource;
  serverName: string;
  users: Pick<
    UsersStore,
    "insertUser" | "selectUserById" | "selectUsers" | "updatePasswordHash" | "updateDeactivated" | "updateGuest" | "updateDisplayname" | "updateAvatarUrl"
  >;
  sessions: Pick<SessionService, "revokeSessions">;
  hasher: Pick<PasswordHasher, "hash" | "verify" | "needsRehash">;
  /**
   * Makes a deactivated user leave (or reject) every room they are in. Absent where rooms are
   * out of reach (the CLI); errors are logged, the account stays deactivated.
   */
  leaveAllRooms?: (userId: string) => Promise<void>;
  logger?: Pick<Logger, "warn">;
  now?: () => number;
  /**
   * Forgets the cached tokens of a user (AccessTokenCache.forgetUser), whose `is_guest` changed;
   * called after commit. (Deactivation and password changes end sessions through `sessions`.)
   */
  forgetTokens?: (userId: string) => void;
}

export interface NewAccount {
  localpart: string;
  /** Null: the account cannot log in with a password. */
  password: string | null;
  admin?: boolean;
  guest?: boolean;
  displayname?: string | null;
}

/** A session to keep when the others end: the request's own device and token. */
export interface KeptSession {
  deviceId: string | null;
  accessToken: string;
}

export interface SetPasswordOptions {
  /** Whether the user's other sessions end (default true). */
  logoutDevices?: boolean;
  /** The session that stays logged in; null: none does. */
  keep?: KeptSession | null;
}

/** Runs inside the transaction that created or changed the account. */
export type AccountTransactionStep<T> = (tx: EntityManager, userId: string) => Promise<T>;

const LOCALPART_PROBLEMS = {
  empty: "User ID may not be empty",
  invalid_chars: "User ID may only contain the characters a-z, 0-9, ., _, =, -, / and +",
  too_long: "User ID may not be longer than 255 bytes",
} as const;

export class UserService {
  private readonly now: () => number;

  constructor(private readonly deps: UserServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Why `localpart` cannot name a new account (M_INVALID_USERNAME), or nothing. */
  checkLocalpart(localpart: string): void {
    const problem = checkNewLocalpart(localpart, this.deps.serverName);
    if (problem !== null) throw new MatrixError(400, ErrCode.InvalidUsername, LOCALPART_PROBLEMS[problem]);
  }

  /** Creates an account; M_INVALID_USERNAME for a bad localpart, M_USER_IN_USE when taken. */
  async createUser(account: NewAccount): Promise<string> {
    return (await this.createUserWith(account, async () => undefined)).userId;
  }

  /**
   * Creates an account and runs `then` in the same transaction (a registration's first login),
   * so that both happen or neither does. The password is hashed before the transaction starts.
   */
  async createUserWith<T>(account: NewAccount, then: AccountTransactionStep<T>): Promise<{ userId: string; result: T }> {
    this.checkLocalpart(account.localpart);
    const userId = userIdOf(account.localpart, this.deps.serverName);
    const passwordHash = account.password === null ? null : await this.deps.hasher.hash(account.password);
    try {
      const result = await runInTransaction(this.deps.db, async (tx) => {
        await this.deps.users.insertUser(tx, {
          userId,
          localpart: account.localpart,
          passwordHash,
          isAdmin: account.admin ?? false,
          isGuest: account.guest ?? false,
          createdTs: this.now(),
          displayname: account.displayname ?? null,
        });
        return then(tx, userId);
      });
      return { userId, result };
    } catch (err) {
      if (err instanceof UniqueViolationError) throw new MatrixError(400, ErrCode.UserInUse, "User ID already taken.");
      throw err;
    }
  }

  /** A local user by ID or bare localpart, or null. */
  async getUser(userIdOrLocalpart: string): Promise<UserRow | null> {
    const localpart = localpartOf(userIdOrLocalpart, this.deps.serverName);
    if (localpart === null) return null;
    return this.deps.users.selectUserById(userIdOf(localpart, this.deps.serverName));
  }

  async listUsers(opts: { includeDeactivated?: boolean; includeGuests?: boolean } = {}): Promise<UserRow[]> {
    const all: UserRow[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.deps.users.selectUsers({ afterUserId: after, limit: 500, ...opts });
      all.push(...page);
      if (page.length < 500) return all;
      after = page[page.length - 1]!.userId;
    }
  }

  /**
   * Turns a guest into a full account with a password (the guest module's "upgrade"); `then`
   * runs in the same transaction.
   */
  async upgradeGuest<T>(userId: string, password: string, then: AccountTransactionStep<T>): Promise<T> {
    const user = await this.requireUser(userId);
    if (!user.isGuest) throw new MatrixError(403, ErrCode.Forbidden, `${userId} is not a guest account`);
    const hash = await this.deps.hasher.hash(password);
    return runInTransaction(this.deps.db, async (tx) => {
      await this.deps.users.updatePasswordHash(tx, userId, hash);
      await this.deps.users.updateGuest(tx, userId, false);
      const forget = this.deps.forgetTokens;
      if (forget !== undefined) onCommit(tx, () => forget(userId));
      return then(tx, userId);
    });
  }

  /**
   * Deactivates the account: it can no longer log in (its password is kept, so a login with it
   * says M_USER_DEACTIVATED rather than M_FORBIDDEN), every device and token goes, and the user
   * leaves their rooms. `erase` also clears the profile (the spec's "non-event data").
   */
  async deactivateUser(userId: string, opts: { erase?: boolean } = {}): Promise<void> {
    await this.requireUser(userId);
    await runInTransaction(this.deps.db, async (tx) => {
      await this.deps.users.updateDeactivated(tx, userId, true);
      await this.deps.sessions.revokeSessions(tx, userId, null);
      if (opts.erase) {
        await this.deps.users.updateDisplayname(tx, userId, null);
        await this.deps.users.updateAvatarUrl(tx, userId, null);
      }
    });
    if (this.deps.leaveAllRooms) {
      try {
        await this.deps.leaveAllRooms(userId);
      } catch (err) {
        this.deps.logger?.warn({ err, userId }, "a deactivated user could not leave all their rooms");
      }
    }
  }

  /** Sets a new password; by default every session but `keep` ends (spec `logout_devices`). */
  async setPassword(userId: string, password: string, opts: SetPasswordOptions = {}): Promise<void> {
    await this.requireUser(userId);
    const hash = await this.deps.hasher.hash(password);
    await runInTransaction(this.deps.db, async (tx) => {
      await this.deps.users.updatePasswordHash(tx, userId, hash);
      if (opts.logoutDevices ?? true) await this.deps.sessions.revokeSessions(tx, userId, opts.keep ?? null);
    });
  }

  /**
   * The user when the password matches, else null (never says which part failed). Deactivated
   * accounts are returned too: callers tell them apart. A hash made with an older cost is
   * replaced by one with the configured cost.
   */
  async checkPassword(userId: string, password: string): Promise<UserRow | null> {
    const user = await this.deps.users.selectUserById(userId);
    if (!user || user.passwordHash === null) return null;
    if (!(await this.deps.hasher.verify(password, user.passwordHash))) return null;
    if (!user.deactivated && this.deps.hasher.needsRehash(user.passwordHash)) {
      const hash = await this.deps.hasher.hash(password);
      await runInTransaction(this.deps.db, (tx) => this.deps.users.updatePasswordHash(tx, userId, hash));
    }
    return user;
  }

  private async requireUser(userId: string): Promise<UserRow> {
    const user = await this.deps.users.selectUserById(userId);
    if (!user) throw new MatrixError(404, ErrCode.NotFound, `No such user: ${userId}`);
    return user;
  }
}
