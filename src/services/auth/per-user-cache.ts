/**
 * What the caches keyed by user share (AccessTokenCache, ProfileCache): forgetting a user's
 * entries, telling listeners of this process's own forgets (so that TokenCacheRedisBridge can
 * announce them to the other processes), and applying the forgets other processes announced.
 */
export abstract class PerUserCache {
  private readonly localForgetListeners = new Set<(userId: string) => void>();

  /**
   * A change this process made (committed): the user's entries are read again. The onLocalForget
   * listeners hear of it.
   */
  forgetUser(userId: string): void {
    this.forget(userId);
    for (const listener of this.localForgetListeners) listener(userId);
  }

  /** forgetUser for a change another process made (and has announced itself). */
  forgetUserFromElsewhere(userId: string): void {
    this.forget(userId);
  }

  /** Calls `listener` after each forgetUser of this process; returns the unsubscribe function. */
  onLocalForget(listener: (userId: string) => void): () => void {
    this.localForgetListeners.add(listener);
    return () => this.localForgetListeners.delete(listener);
  }

  protected abstract forget(userId: string): void;
}
