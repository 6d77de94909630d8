/**
 * What the Redis bridges (the notifier's wake-ups, the access-token cache's invalidations) need
 * of Redis pub/sub: the two connections each opens (one to publish, one to subscribe: Redis puts
 * a subscribing connection into subscriber mode) and PubSubRelay, one channel between the
 * processes of a homeserver. ioredis is loaded only when connecting, so a server without Redis
 * never loads it.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

/** The part of an ioredis client the publishing side uses. */
export interface PubSubPublisher {
  publish(channel: string, message: string): Promise<unknown>;
}

/** The part of an ioredis client (in subscriber mode) the receiving side uses. */
export interface PubSubSubscriber {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: "message", listener: (channel: string, message: string) => void): unknown;
  off(event: "message", listener: (channel: string, message: string) => void): unknown;
}

export interface PubSubConnections {
  readonly publisher: PubSubPublisher;
  readonly subscriber: PubSubSubscriber;
  /** Closes both connections (waiting for pending commands). */
  quit(): Promise<void>;
  /** Drops both connections at once. */
  disconnect(): void;
}

/** Opens the publishing and the subscribing connection to `redisUrl`; connection errors go to `onError`. */
export async function openPubSub(redisUrl: string, onError?: (error: Error) => void): Promise<PubSubConnections> {
  const { Redis } = await import("ioredis");
  const publisher = new Redis(redisUrl);
  const subscriber = new Redis(redisUrl);
  const report = (err: Error): void => onError?.(err);
  publisher.on("error", report);
  subscriber.on("error", report);
  return {
    publisher,
    subscriber,
    quit: async () => {
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
    disconnect: () => {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

export interface PubSubRelayOptions {
  /** Pub/sub channel shared by the processes of one homeserver. */
  readonly channel?: string;
  /** Distinguishes this process's own messages; default hostname:pid:random. */
  readonly processId?: string;
  /** Publish failures, connection errors and malformed messages; default: ignored. */
  readonly onError?: (error: Error) => void;
}

/** A message on the wire: a JSON object whose `o` names the process that published it. */
export interface RelayMessage {
  readonly o: string;
  readonly [field: string]: unknown;
}

/**
 * One Redis channel between the processes of a homeserver: publish() sends a JSON object to the
 * others, and what the others publish reaches `receive` (this process's own messages, which Redis
 * delivers back too, do not). Pub/sub is fire-and-forget: what is published while Redis is
 * unreachable is lost. The bridges built on it stop their local listening before close().
 */
export class PubSubRelay {
  readonly channel: string;
  readonly processId: string;
  private readonly onError: (error: Error) => void;
  private owned: PubSubConnections | null = null;
  private closed = false;

  private readonly onMessage = (channel: string, text: string): void => {
    if (channel !== this.channel) return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (err) {
      this.report(err);
      return;
    }
    if (typeof message !== "object" || message === null || typeof (message as { o?: unknown }).o !== "string") {
      this.report(new Error(`Malformed message on ${channel}`));
      return;
    }
    if ((message as RelayMessage).o !== this.processId) this.receive(message as RelayMessage);
  };

  private constructor(
    private readonly publisher: PubSubPublisher,
    private readonly subscriber: PubSubSubscriber,
    defaultChannel: string,
    options: PubSubRelayOptions,
    private readonly receive: (message: RelayMessage) => void,
  ) {
    this.channel = options.channel ?? defaultChannel;
    this.processId = options.processId ?? `${hostname()}:${process.pid}:${randomUUID()}`;
    this.onError = options.onError ?? (() => {});
  }

  /**
   * A relay through the given clients: `subscriber` must be a connection of its own, as Redis
   * puts a subscribing connection into subscriber mode. The caller keeps ownership.
   */
  static async attach(
    publisher: PubSubPublisher,
    subscriber: PubSubSubscriber,
    defaultChannel: string,
    options: PubSubRelayOptions,
    receive: (message: RelayMessage) => void,
  ): Promise<PubSubRelay> {
    const relay = new PubSubRelay(publisher, subscriber, defaultChannel, options, receive);
    subscriber.on("message", relay.onMessage);
    await subscriber.subscribe(relay.channel);
    return relay;
  }

  /** A relay over two connections of its own to `redisUrl`, closed by close(). */
  static async connect(redisUrl: string, defaultChannel: string, options: PubSubRelayOptions, receive: (message: RelayMessage) => void): Promise<PubSubRelay> {
    const connections = await openPubSub(redisUrl, options.onError);
    try {
      const relay = await PubSubRelay.attach(connections.publisher, connections.subscriber, defaultChannel, options, receive);
      relay.owned = connections;
      return relay;
    } catch (err) {
      connections.disconnect();
      throw err;
    }
  }

  /** Sends `message` (its `o` set to this process) to the other processes. */
  publish(message: RelayMessage): void {
    if (this.closed) return;
    this.publisher.publish(this.channel, JSON.stringify(message)).catch((err: unknown) => this.report(err));
  }

  /** A message that arrived well-formed as JSON but not as the bridge expects. */
  report(err: unknown): void {
    this.onError(err instanceof Error ? err : new Error(String(err)));
  }

  /** Stops receiving and closes the connections the relay opened. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriber.off("message", this.onMessage);
    if (this.owned !== null) await this.owned.quit();
    else await this.subscriber.unsubscribe(this.channel);
  }
}
