/**
 * Carries access-token cache invalidations between the server processes of one homeserver over
 * Redis pub/sub (DESIGN.md "Scaling"): when this process forgets a user's cached tokens (a
 * logout, a deleted device …; see access-token-cache.ts) it publishes the user ID, and the user
 * IDs other processes publish are forgotten here too, so a token ended through one process stops
 * working on the others within a pub/sub round trip rather than at the cache's TTL.
 *
 * Pub/sub is fire-and-forget: a message lost while Redis is unreachable leaves the token usable
 * on the other processes until their cache entries expire (AccessTokenCache's TTL, 10 s).
 */
import { PubSubRelay, type PubSubPublisher, type PubSubRelayOptions, type PubSubSubscriber, type RelayMessage } from "../../util/redis-pubsub.js";
import type { AccessTokenCache } from "./access-token-cache.js";

/** `channel` defaults to "hearth:tokens". */
export type TokenCacheRedisBridgeOptions = PubSubRelayOptions;

const DEFAULT_CHANNEL = "hearth:tokens";

/** The wire form: the publishing process and the user whose tokens to forget. */
interface WireForget extends RelayMessage {
  o: string;
  u: string;
}

type Cache = Pick<AccessTokenCache, "onLocalForget" | "forgetUserFromElsewhere">;

export class TokenCacheRedisBridge {
  private readonly stopListening: () => void;
  private closed = false;

  private constructor(
    private readonly cache: Cache,
    private readonly relay: PubSubRelay,
  ) {
    this.stopListening = cache.onLocalForget((userId) => {
      const wire: WireForget = { o: relay.processId, u: userId };
      relay.publish(wire);
    });
  }

  get channel(): string {
    return this.relay.channel;
  }

  /**
   * Bridges `cache` through the given clients: `subscriber` must be a connection of its own, as
   * Redis puts a subscribing connection into subscriber mode. The caller keeps ownership.
   */
  static async attach(cache: Cache, publisher: PubSubPublisher, subscriber: PubSubSubscriber, options: TokenCacheRedisBridgeOptions = {}): Promise<TokenCacheRedisBridge> {
    return TokenCacheRedisBridge.start(cache, (receive) => PubSubRelay.attach(publisher, subscriber, DEFAULT_CHANNEL, options, receive));
  }

  /** Opens two connections to `redisUrl` (publish, subscribe), owned and closed by the bridge. */
  static async connect(cache: Cache, redisUrl: string, options: TokenCacheRedisBridgeOptions = {}): Promise<TokenCacheRedisBridge> {
    return TokenCacheRedisBridge.start(cache, (receive) => PubSubRelay.connect(redisUrl, DEFAULT_CHANNEL, options, receive));
  }

  private static async start(cache: Cache, open: (receive: (message: RelayMessage) => void) => Promise<PubSubRelay>): Promise<TokenCacheRedisBridge> {
    let bridge: TokenCacheRedisBridge | null = null;
    const relay = await open((message) => bridge?.apply(message));
    bridge = new TokenCacheRedisBridge(cache, relay);
    return bridge;
  }

  /** Stops relaying in both directions and closes the connections the bridge opened. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopListening();
    await this.relay.close();
  }

  /** Another process forgot a user's tokens: so does this one. */
  private apply(wire: Partial<WireForget>): void {
    if (typeof wire.u !== "string") this.relay.report(new Error(`Malformed token cache message on ${this.relay.channel}`));
    else this.cache.forgetUserFromElsewhere(wire.u);
  }
}
