/**
 * Account data: per-user client config, global or per room, including room tags (`m.tag`) and
 * the ignored users list (`m.ignored_user_list`).
 * https://spec.matrix.org/v1.19/client-server-api/#client-config
 * https://spec.matrix.org/v1.19/client-server-api/#room-tagging
 * https://spec.matrix.org/v1.19/client-server-api/#ignoring-users
 *
 * Every write takes the next accountData stream position and, once committed, wakes the user's
 * syncs (notifier, userIds [user]).
 */
import type { DataSource } from "typeorm";
import { ErrCode, MatrixError } from "../matrix/errors.js";
import type { JsonObject } from "../matrix/pdu-json.js";
import { isJsonObject } from "../room/is-json-object.js";
import type { AccountDataEntry, AccountDataStore } from "../storage/stores/account-data-store.js";
import { LruCache } from "../storage/lru-cache.js";
import { onCommit, runInTransaction } from "../storage/transaction.js";
import type { Notifier } from "../sync/notifier.js";

export const TAG_EVENT = "m.tag";
export const IGNORED_USER_LIST = "m.ignored_user_list";

/**
 * "Servers MUST reject setting account data for event types that the server manages by using a
 * 405 error response. Currently, this only includes `m.fully_read` and `m.push_rules`."
 */
export const SERVER_MANAGED_ACCOUNT_DATA: ReadonlySet<string> = new Set(["m.fully_read", "m.push_rules"]);

/** "The name of a tag MUST NOT exceed 255 bytes." */
export const MAX_TAG_BYTES = 255;

export type TagContentJson = JsonObject & { order?: number };

export interface AccountDataServiceDeps {
  db: DataSource;
  store: Pick<AccountDataStore, "nextStreamId" | "selectMaxStreamId" | "upsertAccountData" | "selectAccountData" | "selectAccountDataChangedSince">;
  notifier: Pick<Notifier, "notify">;
  /**
   * Global content the server provides for a type the user has no stored entry of (the
   * server-default `m.push_rules`): read back by getAccountData, and sent by an initial sync.
   */
  serverDefaults?: ReadonlyMap<string, (userId: string) => JsonObject>;
}

export class AccountDataService {
  private readonly ignoredCache = new LruCache<string, ReadonlySet<string>>(10_000);
  /** Bumped by every ignored-list write: a read that overlapped one does not fill the cache. */
  private ignoredWrites = 0;
  private position = 0;

  constructor(private readonly deps: AccountDataServiceDeps) {}

  async start(): Promise<void> {
    this.position = Math.max(this.position, await this.deps.store.selectMaxStreamId());
  }

  /** The accountData stream's latest committed position. */
  currentPosition(): number {
    return this.position;
  }

  /**
   * PUT /user/{userId}[/rooms/{roomId}]/account_data/{type}: refuses the server-managed types
   * (405 M_BAD_JSON) and a malformed `m.ignored_user_list` (400 M_BAD_JSON).
   */
  async setClientAccountData(userId: string, roomId: string | null, type: string, content: JsonObject): Promise<void> {
    if (SERVER_MANAGED_ACCOUNT_DATA.has(type)) {
      throw new MatrixError(405, ErrCode.BadJson, `Cannot set ${type} through this API.`);
    }
    if (type === IGNORED_USER_LIST && roomId === null) checkIgnoredUserList(content);
    await this.setAccountData(userId, roomId, type, content);
  }

  /** Writes any type, server-managed ones included (read markers, push rules). Returns the position. */
  async setAccountData(userId: string, roomId: string | null, type: string, content: JsonObject): Promise<number> {
    return this.write(userId, roomId, type, async () => content);
  }

  /** One entry's content (or the server's default for it), or null when never set. */
  async getAccountData(userId: string, roomId: string | null, type: string): Promise<JsonObject | null> {
    const stored = await this.deps.store.selectAccountData(userId, roomId, type);
    if (stored !== null || roomId !== null) return stored;
    return this.deps.serverDefaults?.get(type)?.(userId) ?? null;
  }

  /** GET /user/{userId}/rooms/{roomId}/tags: tag name → tag content. */
  async getTags(userId: string, roomId: string): Promise<Record<string, TagContentJson>> {
    return tagsOf(await this.deps.store.selectAccountData(userId, roomId, TAG_EVENT));
  }

  /** PUT …/tags/{tag}. 400 M_INVALID_PARAM for a tag over 255 bytes. */
  async setTag(userId: string, roomId: string, tag: string, content: TagContentJson): Promise<void> {
    if (Buffer.byteLength(tag, "utf8") > MAX_TAG_BYTES) throw new MatrixError(400, ErrCode.InvalidParam, `Tag names may not exceed ${MAX_TAG_BYTES} bytes`);
    await this.write(userId, roomId, TAG_EVENT, (current) => ({ tags: { ...tagsOf(current), [tag]: content } }));
  }

  /** DELETE …/tags/{tag}; removing a tag the room does not have succeeds and changes nothing. */
  async removeTag(userId: string, roomId: string, tag: string): Promise<void> {
    const tags = await this.getTags(userId, roomId);
    if (!Object.hasOwn(tags, tag)) return;
    await this.write(userId, roomId, TAG_EVENT, (current) => {
      const next = { ...tagsOf(current) };
      delete next[tag];
      return { tags: next };
    });
  }

  /** The users `userId` ignores (for /sync and invites); cached. */
  async getIgnoredUsers(userId: string): Promise<ReadonlySet<string>> {
    const cached = this.ignoredCache.get(userId);
    if (cached !== undefined) return cached;
    const writes = this.ignoredWrites;
    const ignored = ignoredSet(await this.deps.store.selectAccountData(userId, null, IGNORED_USER_LIST));
    if (writes === this.ignoredWrites) this.ignoredCache.set(userId, ignored);
    return ignored;
  }

  /**
   * For /sync: the user's entries written at positions in (since, upTo] (upTo defaults to the
   * current position), global ones with roomId null; from 0, the server defaults of types
   * never written too.
   */
  async getAccountDataChangedSince(userId: string, since: number, upTo: number = this.position): Promise<AccountDataEntry[]> {
    const entries = await this.deps.store.selectAccountDataChangedSince(userId, since, upTo);
    const defaults = this.deps.serverDefaults;
    if (since !== 0 || defaults === undefined || defaults.size === 0) return entries;
    // A type without an entry up to `upTo` gets its default, as if written at position 0 (an
    // entry written after `upTo` follows in the next sync).
    const stored = new Set<string>();
    for (const entry of entries) if (entry.roomId === null) stored.add(entry.type);
    const missing: AccountDataEntry[] = [];
    for (const [type, content] of defaults) if (!stored.has(type)) missing.push({ roomId: null, type, content: content(userId), streamId: 0 });
    return [...missing, ...entries];
  }

  /**
   * One write: the position first (it serializes account data writers, so `next` reads and
   * replaces the current content without racing), then the new content.
   */
  private async write(userId: string, roomId: string | null, type: string, next: (current: JsonObject | null) => Promise<JsonObject> | JsonObject): Promise<number> {
    const { store, notifier } = this.deps;
    return runInTransaction(this.deps.db, async (tx) => {
      const streamId = await store.nextStreamId(tx);
      const content = await next(await store.selectAccountData(userId, roomId, type, tx));
      await store.upsertAccountData(tx, userId, roomId, type, content, streamId);
      onCommit(tx, () => {
        if (streamId > this.position) this.position = streamId;
        if (type === IGNORED_USER_LIST && roomId === null) {
          this.ignoredWrites++;
          this.ignoredCache.set(userId, ignoredSet(content));
        }
        notifier.notify("accountData", streamId, { userIds: [userId] });
      });
      return streamId;
    });
  }
}

function ignoredSet(content: JsonObject | null): ReadonlySet<string> {
  return content !== null && isJsonObject(content.ignored_users) ? new Set(Object.keys(content.ignored_users)) : new Set<string>();
}

function tagsOf(content: JsonObject | null): Record<string, TagContentJson> {
  return content !== null && isJsonObject(content.tags) ? (content.tags as Record<string, TagContentJson>) : {};
}

/** `{"ignored_users": {"@user:server": {}, …}}`: 400 M_BAD_JSON otherwise. */
function checkIgnoredUserList(content: JsonObject): void {
  const ignored = content.ignored_users;
  if (!isJsonObject(ignored)) throw new MatrixError(400, ErrCode.BadJson, "ignored_users must be an object");
  for (const [userId, value] of Object.entries(ignored)) {
    if (!/^@[^:]+:.+$/.test(userId)) throw new MatrixError(400, ErrCode.BadJson, `ignored_users: ${userId} is not a user ID`);
    if (!isJsonObject(value)) throw new MatrixError(400, ErrCode.BadJson, `ignored_users: the value for ${userId} must be an object`);
  }
}
