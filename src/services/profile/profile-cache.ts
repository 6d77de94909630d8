/**
 * Local users' display names and avatars, kept in memory: every join, invite and knock puts the
 * member's profile into the member event, and presence content carries it too, so without a
 * cache each of them reads the users row.
 *
 * Invalidation, not expiry, keeps it right. ProfileService forgets a user once a change of their
 * display name or avatar has committed (forgetUser); so does whatever else changes them (the
 * erasing deactivation, through app.ts). A read that was running when any user was forgotten is
 * not kept, so an answer read just before a change committed cannot come back. With Redis, the
 * server processes sharing the database tell each other whom to forget (TokenCacheRedisBridge on
 * a channel of its own: it relays any cache with onLocalForget / forgetUserFromElsewhere).
 * Entries also expire after `ttlMs` (default 5 min), a bound only for an invalidation lost while
 * Redis was unreachable; a read-through cache with a short TTL alone would serve a changed name
 * into member events for that long.
 */
import { LruCache } from "../../storage/lru-cache.js";
import { PerUserCache } from "../auth/per-user-cache.js";

export interface DisplayProfile {
  displayname: string | null;
  avatarUrl: string | null;
}

export interface ProfileCacheOptions {
  /** Users kept; default 10,000. */
  maxEntries?: number;
  /** How long an entry is trusted after its read, in ms; default 5 minutes. */
  ttlMs?: number;
  now?: () => number;
}

/** What a caller keeps between starting a read and storing its result. */
export interface ProfileRead {
  readonly generation: number;
  readonly startedAt: number;
}

export class ProfileCache extends PerUserCache {
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly entries: LruCache<string, { profile: DisplayProfile; expiresAt: number }>;
  /** Bumped by every forget: a read that saw it change is not kept (changes are rare). */
  private generation = 0;

  constructor(options: ProfileCacheOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.entries = new LruCache(options.maxEntries ?? 10_000);
  }

  get(userId: string): DisplayProfile | undefined {
    const entry = this.entries.get(userId);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry.profile;
    this.entries.delete(userId);
    return undefined;
  }

  /** Call before reading a profile from the database; pass the result to set(). */
  startRead(): ProfileRead {
    return { generation: this.generation, startedAt: this.now() };
  }

  /** Keeps what a read started with startRead() found, unless anyone was forgotten meanwhile. */
  set(userId: string, profile: DisplayProfile, read: ProfileRead): void {
    if (read.generation !== this.generation) return;
    this.entries.set(userId, { profile, expiresAt: read.startedAt + this.ttlMs });
  }

  protected override forget(userId: string): void {
    this.generation++;
    this.entries.delete(userId);
  }
}
