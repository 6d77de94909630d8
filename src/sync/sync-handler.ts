/**
 * /sync: builds a response from the stream providers and, for a long-poll, waits on the
 * notifier until there is something to send. https://spec.matrix.org/v1.19/client-server-api/#syncing
 *
 * One batch covers the positions (since, to], where `to` is each provider's latest position
 * (never below `since`: tokens never go backwards). The room provider runs first, the others
 * after it (they read the rooms it chose). A long-poll with nothing to send waits for the
 * notifier to wake it for this user's rooms or this user, then builds the batch (to, new to];
 * a spurious wake-up (something the filter drops, another user's private receipt) just waits
 * again, until `timeout` has passed. When the notifier has announced nothing for the user since
 * the client's token (the usual long-poll, sent just after its last answer), the first build is
 * skipped: it could only come out empty. A woken wait builds its batch at once, before the event loop
 * turns to new I/O. The WebSocket transport uses the same nextBatch().
 */
import type { SyncResponseJson } from "../matrix/endpoints/client/sync.js";
import type { Notifier } from "./notifier.js";
import { StreamToken, type StreamName, type StreamPositions } from "./stream-token.js";
import type { MembershipCache } from "./sync-memberships.js";
import { SyncResult } from "./sync-result.js";
import type { StreamProvider, SyncContext, SyncRequest } from "./streams/stream-provider.js";
import { fillUnreadCounts, type UnreadCountsSource } from "./sync-unread-counts.js";

export interface SyncHandlerDeps {
  /** Without mayHaveUpdate, every incremental sync starts with a build, even one with nothing new. */
  notifier: Pick<Notifier, "waitForUpdate" | "currentToken"> & Partial<Pick<Notifier, "mayHaveUpdate">>;
  memberships: Pick<MembershipCache, "get" | "joinedRooms">;
  /** The room provider: runs first and decides the rooms of each response. */
  rooms: StreamProvider;
  /** Every other provider (typing, receipts, account data, presence, to-device, device lists). */
  providers: readonly StreamProvider[];
  /** The users `userId` ignores (`m.ignored_user_list`). Default: none. */
  ignoredUsers?: (userId: string) => Promise<ReadonlySet<string>>;
  /** `set_presence` of a sync; "offline" leaves presence alone. Default: presence is not tracked. */
  setPresence?: (userId: string, state: "online" | "unavailable") => Promise<void>;
  /** Unread notification counts of the joined rooms sent, after every provider. Default: all 0. */
  unreadCounts?: UnreadCountsSource;
  now?: () => number;
}

export interface NextBatchOptions {
  /** Longest wait for something to send, in ms; 0 answers at once. */
  readonly timeoutMs: number;
  /** Aborting ends the wait (the client went away). */
  readonly signal?: AbortSignal;
}

export interface SyncBatch {
  readonly result: SyncResult;
  readonly token: StreamToken;
}

const NO_USERS: ReadonlySet<string> = new Set();

export class SyncHandler {
  private readonly all: readonly StreamProvider[];
  private readonly now: () => number;

  constructor(private readonly deps: SyncHandlerDeps) {
    this.all = [deps.rooms, ...deps.providers];
    this.now = deps.now ?? Date.now;
  }

  /** GET /sync: the response for `request`, waiting up to `timeoutMs` for something to send. */
  async sync(request: SyncRequest, options: NextBatchOptions): Promise<SyncResponseJson> {
    await this.applyPresence(request);
    // "If full_state is true … the timeout parameter will be ignored and the query will return immediately"
    const timeoutMs = request.fullState ? 0 : options.timeoutMs;
    const { result, token } = await this.nextBatch(request, { timeoutMs, signal: options.signal });
    return result.toJson(token);
  }

  /** `set_presence`: online (the default) or unavailable marks the user so; offline changes nothing. */
  async applyPresence(request: SyncRequest): Promise<void> {
    const state = request.setPresence ?? "online";
    if (state !== "offline" && this.deps.setPresence !== undefined) await this.deps.setPresence(request.userId, state);
  }

  /**
   * The next batch after `request.since`: at once when there is something to send (or for an
   * initial sync, or with no timeout), else as soon as something arrives, else an empty batch
   * once `timeoutMs` has passed. The batch's token is the `next_batch` / `since` to continue from.
   */
  async nextBatch(request: SyncRequest, options: NextBatchOptions): Promise<SyncBatch> {
    let to = this.currentToken(request.since);
    const waits = request.since !== null && options.timeoutMs > 0;
    // A long-poll that the notifier has nothing newer for (most of them, the client having just
    // been answered) skips the build, which could only come out empty, and waits at once.
    let batch = waits && !(await this.mayHaveUpdate(request.userId, request.since!)) ? null : await this.build(request, to);
    if (batch !== null && !(waits && batch.result.isEmpty())) return batch;

    const deadline = this.now() + options.timeoutMs;
    // Without a batch, the wait starts from the client's token itself: positions a provider
    // shows before the notifier has announced them (another process's writes) still wake it.
    let since = batch === null ? request.since! : to;
    let waitFrom = since;
    for (;;) {
      const remaining = deadline - this.now();
      if (remaining <= 0 || options.signal?.aborted === true) return batch ?? this.build(request, this.currentToken(request.since));
      const joined = await this.deps.memberships.joinedRooms(request.userId, since.pdu);
      const woke = await this.deps.notifier.waitForUpdate({
        userId: request.userId,
        roomIds: () => joined,
        since: waitFrom,
        timeoutMs: remaining,
        signal: options.signal,
      });
      if (woke === null) return batch ?? this.build(request, this.currentToken(request.since));
      // Built at once: this runs once the job that notified has finished, so everything it
      // announced together (an event persister batch, every room of it) is in this batch, and the
      // delivery does not wait behind the next turn's I/O (requests read, the next write batch).
      to = this.currentToken(since);
      if (to.equals(since)) {
        // The notifier knows of positions no provider shows yet (another process's writes):
        // wait for something newer than those, rather than spin.
        waitFrom = since.max(this.deps.notifier.currentToken());
        continue;
      }
      batch = await this.build({ ...request, since }, to);
      if (!batch.result.isEmpty()) return batch;
      since = to;
      waitFrom = to;
    }
  }

  /** False when the notifier has announced nothing for `userId` after `since` (see Notifier). */
  private async mayHaveUpdate(userId: string, since: StreamToken): Promise<boolean> {
    const { notifier } = this.deps;
    if (notifier.mayHaveUpdate === undefined) return true;
    const joined = await this.deps.memberships.joinedRooms(userId, since.pdu);
    return notifier.mayHaveUpdate(userId, joined, since);
  }

  /** The providers' latest positions, never below `floor` (a token never goes backwards). */
  currentToken(floor: StreamToken | null): StreamToken {
    const positions: Partial<Record<StreamName, number>> = {};
    for (const provider of this.all) positions[provider.stream] = provider.latestPosition();
    const latest = StreamToken.from(positions as Partial<StreamPositions>);
    return floor === null ? latest : latest.max(floor);
  }

  /** One batch: the positions (request.since, to]. */
  async build(request: SyncRequest, to: StreamToken): Promise<SyncBatch> {
    const { userId } = request;
    const [memberships, ignoredUsers] = await Promise.all([
      this.deps.memberships.get(userId, to.pdu),
      this.deps.ignoredUsers === undefined ? NO_USERS : this.deps.ignoredUsers(userId),
    ]);
    const ctx: SyncContext = {
      request,
      to,
      result: new SyncResult(request.useStateAfter),
      memberships,
      ignoredUsers,
      now: this.now(),
      rooms: { joined: [], newlyJoined: new Set(), left: [] },
    };
    const since = request.since;
    for (const provider of this.all) {
      if (since === null) await provider.completeSync(ctx);
      else await provider.incrementalSync(ctx, since.get(provider.stream), to.get(provider.stream));
    }
    if (this.deps.unreadCounts !== undefined) await fillUnreadCounts(ctx, this.deps.unreadCounts);
    return { result: ctx.result, token: to };
  }
}

