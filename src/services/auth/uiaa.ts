/**
 * User-Interactive Authentication: sessions of stages that an endpoint requires before it acts.
 * https://spec.matrix.org/v1.19/client-server-api/#user-interactive-authentication-api
 *
 * For each request to a protected endpoint:
 * 1. No `auth`: a new session and the 401 with the flows ("A request to an endpoint that uses
 *    User-Interactive Authentication never succeeds without auth").
 * 2. `auth.session` names the session (unknown or expired: 400 M_INVALID_PARAM). It belongs to
 *    one operation and one user: reusing it for another request is 403 M_FORBIDDEN. Without a
 *    session the stage attempt starts a new one.
 * 3. `auth.type` already completed: not run again ("Completed stages cannot be retried").
 *    Otherwise it must be the next stage of some flow ("the flow's stages must be completed in
 *    order"); it is checked, and a failure is the 401 with `errcode` and `error` added.
 * 4. Once the completed stages are a whole flow, the operation may go ahead; it calls finish()
 *    in its own transaction, which ends the session (so it authorises the operation once) and
 *    counts the registration token use it held as completed. Else: the 401 with `completed`.
 *
 * Sessions live in the database, so any process can continue one. Expired sessions are swept
 * now and then, releasing the registration-token uses they held.
 *
 * Fallback (https://spec.matrix.org/v1.19/client-server-api/#fallback): a stage can also be
 * completed out of band, on the page `/auth/{type}/fallback/web?session=…`, after which "the
 * client … should resubmit the request with an auth dict with just the session ID". Each session
 * keeps the flows it was offered so that step 3 runs there exactly as it does on the request.
 */
import type { DataSource, EntityManager } from "typeorm";
import { LoginType, type UiaResponseJson } from "../../matrix/endpoints/client/account-auth.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import { isJsonObject } from "../../room/is-json-object.js";
import type { RegistrationTokensStore } from "../../storage/stores/registration-tokens-store.js";
import type { UiAuthSessionRow, UiAuthSessionsStore } from "../../storage/stores/ui-auth-sessions-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import type { UserService } from "../users/user-service.js";
import { newUiaSessionId } from "./session-tokens.js";
import { UiaResponseError } from "./uia-response-error.js";
import { resolveUserIdentifier } from "./user-identifier.js";

export interface UiaServiceDeps {
  db: DataSource;
  serverName: string;
  sessions: Pick<
    UiAuthSessionsStore,
    "insertUiAuthSession" | "selectUiAuthSession" | "updateUiAuthSession" | "deleteUiAuthSession" | "deleteUiAuthSessionsCreatedBefore"
  >;
  registrationTokens: Pick<
    RegistrationTokensStore,
    "updateRegistrationTokenAddPending" | "updateRegistrationTokenComplete" | "updateRegistrationTokenReleasePending"
  >;
  users: Pick<UserService, "checkPassword">;
  now?: () => number;
  /** How long a session lasts from its creation; default one hour. */
  sessionLifetimeMs?: number;
}

export interface UiaRequest {
  /** The request body's `auth`, unchecked. */
  auth: unknown;
  /** What the session authorises, e.g. `DELETE /devices/ABCDEF`: one session, one operation. */
  operation: string;
  /** Each flow is the stage types to complete in order; completing any one flow suffices. */
  flows: readonly (readonly string[])[];
  /** The authenticated requester, whom the password stage must prove; null for anonymous requests. */
  userId: string | null;
  params?: Readonly<Record<string, Record<string, unknown>>>;
}

export interface UiaCompletion {
  sessionId: string;
  /** The user the stages proved (the requester, or whom the password stage named); null if none did. */
  userId: string | null;
  /** The registration token whose use the session holds. */
  registrationToken: string | null;
}

/** What the fallback page needs to know of a session for one stage. */
export interface UiaFallbackStage {
  /** The user the session authenticates, once known: the password stage must name this one. */
  userId: string | null;
  /** Whether the stage is completed already. */
  completed: boolean;
}

interface StageResult {
  userId: string | null;
  registrationToken: string | null;
}

/**
 * A stage attempt the stage refused (a wrong password, an invalid token). The request answers it
 * as the 401 with `errcode` and `error` added; the fallback page shows its form again.
 */
export class UiaStageFailure extends MatrixError {
  constructor(errcode: string, message: string) {
    super(401, errcode, message);
    this.name = "UiaStageFailure";
  }
}

/** Rolls back recordStage's transaction when another request updated the session first. */
class LostRace extends Error {}

const DEFAULT_LIFETIME_MS = 3600_000;
const SWEEP_INTERVAL_MS = 60_000;
/** Registration tokens use the opaque identifier grammar, at most 64 characters. */
const REGISTRATION_TOKEN = /^[A-Za-z0-9._~-]{1,64}$/;

export class UiaService {
  private readonly now: () => number;
  private readonly lifetimeMs: number;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: UiaServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.lifetimeMs = deps.sessionLifetimeMs ?? DEFAULT_LIFETIME_MS;
  }

  /** Steps 1–4 above: the completion when a flow is done, else throws the 401 (or another error). */
  async authenticate(request: UiaRequest): Promise<UiaCompletion> {
    const auth = request.auth === undefined || request.auth === null ? null : request.auth;
    if (auth !== null && !isJsonObject(auth)) throw new MatrixError(400, ErrCode.BadJson, "'auth' must be an object");
    const sessionId = auth?.session;
    if (sessionId !== undefined && typeof sessionId !== "string") throw new MatrixError(400, ErrCode.BadJson, "'auth.session' must be a string");
    const type = auth?.type;
    if (type !== undefined && typeof type !== "string") throw new MatrixError(400, ErrCode.BadJson, "'auth.type' must be a string");

    let session = sessionId === undefined ? await this.startSession(request) : await this.loadSession(sessionId, request);
    if (auth === null) throw this.challenge(request, session, null);
    if (type !== undefined) {
      try {
        session = await this.advance(session, request.flows, type, auth);
      } catch (err) {
        if (err instanceof UiaStageFailure) throw this.challenge(request, session, { errcode: err.errcode, message: err.message });
        throw err;
      }
    }
    if (!completesFlow(request.flows, session.completed)) throw this.challenge(request, session, null);
    return { sessionId: session.sessionId, userId: session.userId, registrationToken: session.registrationToken };
  }

  /**
   * Fallback, showing the page: the session and stage `type` as the page presents them. 400
   * M_INVALID_PARAM for an unknown or expired session, 403 M_FORBIDDEN when `type` is neither
   * completed nor the next stage of a flow the session offers.
   */
  async describeFallbackStage(sessionId: string, type: string): Promise<UiaFallbackStage> {
    const session = await this.loadFallbackSession(sessionId, type);
    return { userId: session.userId, completed: session.completed.includes(type) };
  }

  /**
   * Fallback, submitting the page: step 3 for `auth` (its `type` and the stage's own keys) in
   * session `sessionId`, as the same `auth` on the session's request would run it. The operation
   * itself waits for the client to resubmit its request with the session. Throws what
   * describeFallbackStage throws, and UiaStageFailure when the stage refuses.
   */
  async completeFallbackStage(sessionId: string, auth: Readonly<Record<string, unknown>> & { type: string }): Promise<void> {
    const session = await this.loadFallbackSession(sessionId, auth.type);
    await this.advance(session, session.flows, auth.type, auth);
  }

  /**
   * Ends the session inside the operation's transaction, counting the registration token use it
   * held as completed. A session that expired meanwhile aborts the operation (400).
   */
  async finish(tx: EntityManager, completion: UiaCompletion): Promise<void> {
    const row = await this.deps.sessions.deleteUiAuthSession(tx, completion.sessionId);
    if (row === null) throw expiredSession();
    if (row.registrationToken !== null) await this.deps.registrationTokens.updateRegistrationTokenComplete(tx, row.registrationToken);
  }

  /** finish() in a transaction of its own, for operations that need none. */
  async finishAlone(completion: UiaCompletion): Promise<void> {
    await runInTransaction(this.deps.db, (tx) => this.finish(tx, completion));
  }

  /** Deletes expired sessions now, releasing the registration token uses they held. */
  async sweepExpired(): Promise<void> {
    const now = this.now();
    this.lastSweep = now;
    await runInTransaction(this.deps.db, async (tx) => {
      const tokens = await this.deps.sessions.deleteUiAuthSessionsCreatedBefore(tx, now - this.lifetimeMs);
      for (const token of tokens) await this.deps.registrationTokens.updateRegistrationTokenReleasePending(tx, token);
    });
  }

  private async startSession(request: UiaRequest): Promise<UiAuthSessionRow> {
    const now = this.now();
    if (now - this.lastSweep >= SWEEP_INTERVAL_MS) await this.sweepExpired();
    const row: UiAuthSessionRow = {
      sessionId: newUiaSessionId(),
      operation: request.operation,
      userId: request.userId,
      flows: request.flows.map((flow) => [...flow]),
      completed: [],
      registrationToken: null,
      createdTs: now,
    };
    await runInTransaction(this.deps.db, (tx) => this.deps.sessions.insertUiAuthSession(tx, row));
    return row;
  }

  private async loadSession(sessionId: string, request: UiaRequest): Promise<UiAuthSessionRow> {
    const session = await this.loadLiveSession(sessionId);
    if (session.operation !== request.operation) {
      throw new MatrixError(403, ErrCode.Forbidden, "This authentication session was started for another request");
    }
    if (request.userId !== null && session.userId !== null && session.userId !== request.userId) {
      throw new MatrixError(403, ErrCode.Forbidden, "This authentication session belongs to another user");
    }
    return session;
  }

  private async loadFallbackSession(sessionId: string, type: string): Promise<UiAuthSessionRow> {
    const session = await this.loadLiveSession(sessionId);
    if (!session.completed.includes(type) && !isNextStage(session.flows, session.completed, type)) {
      throw new MatrixError(403, ErrCode.Forbidden, `${type} is not the next stage of this authentication session`);
    }
    return session;
  }

  private async loadLiveSession(sessionId: string): Promise<UiAuthSessionRow> {
    const session = await this.deps.sessions.selectUiAuthSession(sessionId);
    if (session === null || session.createdTs <= this.now() - this.lifetimeMs) throw expiredSession();
    return session;
  }

  /**
   * Step 3: unless `type` is completed already, checks that it continues a flow, runs it and
   * records it. A refusal is a UiaStageFailure.
   */
  private async advance(
    session: UiAuthSessionRow,
    flows: readonly (readonly string[])[],
    type: string,
    auth: Readonly<Record<string, unknown>>,
  ): Promise<UiAuthSessionRow> {
    if (session.completed.includes(type)) return session;
    if (!isNextStage(flows, session.completed, type)) throw new UiaStageFailure(ErrCode.Forbidden, `${type} is not the next stage of any flow offered`);
    return this.recordStage(session, type, await this.runStage(type, auth, session));
  }

  private async runStage(type: string, auth: Readonly<Record<string, unknown>>, session: UiAuthSessionRow): Promise<StageResult> {
    switch (type) {
      case LoginType.Dummy:
        return { userId: session.userId, registrationToken: session.registrationToken };
      case LoginType.Password:
        return { userId: await this.checkPasswordStage(auth, session), registrationToken: session.registrationToken };
      case LoginType.RegistrationToken: {
        const token = auth.token;
        if (typeof token !== "string") throw new UiaStageFailure(ErrCode.MissingParam, "'auth.token' is required");
        if (!REGISTRATION_TOKEN.test(token)) throw new UiaStageFailure(ErrCode.Unauthorized, "Invalid registration token");
        return { userId: session.userId, registrationToken: token };
      }
      default:
        // isNextStage only lets through the types of the flows offered, all handled above.
        throw new UiaStageFailure(ErrCode.Unrecognized, `Unsupported authentication type ${type}`);
    }
  }

  /** `m.login.password`: the identified user's password, and the session's user if it has one. */
  private async checkPasswordStage(auth: Readonly<Record<string, unknown>>, session: UiAuthSessionRow): Promise<string> {
    let userId: string;
    try {
      userId = resolveUserIdentifier(auth, this.deps.serverName);
    } catch (err) {
      if (err instanceof MatrixError) throw new UiaStageFailure(err.errcode, err.message);
      throw err;
    }
    const password = auth.password;
    if (typeof password !== "string") throw new UiaStageFailure(ErrCode.MissingParam, "'auth.password' is required");
    if (session.userId !== null && session.userId !== userId) throw new UiaStageFailure(ErrCode.Forbidden, "Invalid username or password");
    const user = await this.deps.users.checkPassword(userId, password);
    if (user === null) throw new UiaStageFailure(ErrCode.Forbidden, "Invalid username or password");
    if (user.deactivated) throw new UiaStageFailure(ErrCode.UserDeactivated, "This account has been deactivated");
    return userId;
  }

  /**
   * Adds the stage to the session, compare-and-set on the stages completed so far; the
   * registration token stage takes one use of its token in the same transaction.
   */
  private async recordStage(session: UiAuthSessionRow, type: string, result: StageResult): Promise<UiAuthSessionRow> {
    const completed = [...session.completed, type];
    const takesToken = type === LoginType.RegistrationToken;
    const outcome = await runInTransaction(this.deps.db, async (tx) => {
      if (takesToken && !(await this.deps.registrationTokens.updateRegistrationTokenAddPending(tx, result.registrationToken!, this.now()))) {
        return "invalid-token" as const;
      }
      const changes = { completed, userId: result.userId, registrationToken: result.registrationToken };
      if (!(await this.deps.sessions.updateUiAuthSession(tx, session.sessionId, session.completed, changes))) {
        // Another request moved the session on first: the rollback returns this one's token use.
        throw new LostRace();
      }
      return "recorded" as const;
    }).catch((err: unknown) => {
      if (err instanceof LostRace) return "lost" as const;
      throw err;
    });
    if (outcome === "invalid-token") throw new UiaStageFailure(ErrCode.Unauthorized, "Invalid registration token");
    if (outcome === "lost") {
      // Carry on from where the other request left the session.
      const current = await this.deps.sessions.selectUiAuthSession(session.sessionId);
      if (current === null) throw expiredSession();
      return current;
    }
    return { ...session, completed, userId: result.userId, registrationToken: result.registrationToken };
  }

  private challenge(request: UiaRequest, session: UiAuthSessionRow, failure: { errcode: string; message: string } | null): UiaResponseError {
    return new UiaResponseError(challengeBody(session, request), failure);
  }
}

function challengeBody(session: UiAuthSessionRow, request: UiaRequest): UiaResponseJson {
  const body: UiaResponseJson = {
    flows: request.flows.map((stages) => ({ stages: [...stages] })),
    params: { ...request.params },
    session: session.sessionId,
  };
  if (session.completed.length > 0) body.completed = [...session.completed];
  return body;
}

/** Whether `type` continues `completed` along some flow. */
function isNextStage(flows: readonly (readonly string[])[], completed: readonly string[], type: string): boolean {
  return flows.some((flow) => flow.length > completed.length && flow[completed.length] === type && completed.every((stage, i) => flow[i] === stage));
}

/** Whether `completed` is exactly one of the flows. */
function completesFlow(flows: readonly (readonly string[])[], completed: readonly string[]): boolean {
  return flows.some((flow) => flow.length === completed.length && flow.every((stage, i) => completed[i] === stage));
}

function expiredSession(): MatrixError {
  return new MatrixError(400, ErrCode.InvalidParam, "Unknown or expired authentication session");
}
