/**
 * Access token → owner, kept in memory so that most requests authenticate without a database
 * read (Synapse caches `get_user_by_access_token` the same way). Bounded (least recently used
 * tokens go first) and short-lived: an entry is trusted for `ttlMs` after it was read.
 *
 * Invalidation. Every change that ends a session or changes what a token says about its owner
 * (logout, logout/all, device deletion, login reusing a device ID, refresh, password change,
 * deactivation, guest upgrade) calls forgetUser(userId) once its transaction has committed; the
 * next request with any of the user's tokens reads the database again. A read that was already
 * running when forgetUser was called is not cached, so a token read just before its deletion
 * committed cannot come back.
 *
 * Other processes. With Redis configured, server processes sharing the database tell each other
 * whose tokens to forget (TokenCacheRedisBridge, listening through onLocalForget); a message lost
 * while Redis is unreachable, or a change made by the `hearth` CLI (deactivating a user,
 * resetting a password), which has no cache of its own to announce from, leaves a removed token
 * usable elsewhere for at most `ttlMs`. Keep it short.
 */
import type { AccessTokenInfo } from "../../storage/stores/access-tokens-store.js";
import { LruCache } from "../../storage/lru-cache.js";
import { PerUserCache } from "./per-user-cache.js";

export interface AccessTokenCacheOptions {
  /** Tokens kept; default 20,000. */
  maxEntries?: number;
  /** How long an entry is trusted after its read, in ms; default 10 s. */
  ttlMs?: number;
  now?: () => number;
}

interface Entry {
  readonly info: AccessTokenInfo;
  /** The read's generation (see AccessTokenCache.generation). */
  readonly generation: number;
  readonly expiresAt: number;
}

/** What a caller keeps between starting a read and storing its result. */
export interface TokenRead {
  readonly generation: number;
  readonly startedAt: number;
}

export const DEFAULT_TOKEN_CACHE_ENTRIES = 20_000;
export const DEFAULT_TOKEN_CACHE_TTL_MS = 10_000;

export class AccessTokenCache extends PerUserCache {
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly entries: LruCache<string, Entry>;
  /** Bumped by every forgetUser: the clock that orders reads and invalidations. */
  private generation = 0;
  /** Per user, the generation and time of its last invalidation (kept for ttlMs). */
  private readonly forgotten = new Map<string, { generation: number; at: number }>();

  constructor(options: AccessTokenCacheOptions = {}) {
    super();
    this.ttlMs = options.ttlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS;
    this.now = options.now ?? Date.now;
    this.entries = new LruCache(options.maxEntries ?? DEFAULT_TOKEN_CACHE_ENTRIES);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached owner of `token`, or undefined (unknown, expired, or its user was forgotten since). */
  get(token: string): AccessTokenInfo | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now() || this.forgottenSince(entry.info.userId, entry)) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.info;
  }

  /** Call before reading a token from the database; pass the result to set(). */
  startRead(): TokenRead {
    return { generation: this.generation, startedAt: this.now() };
  }

  /** Caches what a read started with startRead() found, unless its user was forgotten meanwhile. */
  set(token: string, info: AccessTokenInfo, read: TokenRead): void {
    if (this.forgottenSince(info.userId, read)) return;
    this.entries.set(token, { info, generation: read.generation, expiresAt: read.startedAt + this.ttlMs });
  }

  protected override forget(userId: string): void {
    const now = this.now();
    this.generation++;
    // Records older than the TTL guard nothing: every entry read before them has expired.
    if (this.forgotten.size > 0) {
      for (const [user, record] of this.forgotten) if (now - record.at > this.ttlMs) this.forgotten.delete(user);
    }
    this.forgotten.set(userId, { generation: this.generation, at: now });
  }

  /** Whether `userId`'s tokens were forgotten after `read` started. */
  forgottenSince(userId: string, read: Pick<TokenRead, "generation">): boolean {
    const record = this.forgotten.get(userId);
    return record !== undefined && record.generation > read.generation;
  }
}
