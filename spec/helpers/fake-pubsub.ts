/**
 * An in-memory stand-in for Redis pub/sub, for the Redis bridges' specs: a message published on
 * a channel reaches every client subscribed to it (the publisher's own too) a turn later, as it
 * would come back from Redis.
 */
import type { PubSubPublisher, PubSubSubscriber } from "../../src/util/redis-pubsub.js";

type Listener = (channel: string, message: string) => void;

export class FakeBus {
  readonly clients = new Set<FakeClient>();
  /** Every message published, in order. */
  readonly published: string[] = [];
}

export class FakeClient implements PubSubPublisher, PubSubSubscriber {
  private readonly channels = new Set<string>();
  private readonly listeners = new Set<Listener>();

  constructor(private readonly bus: FakeBus) {
    bus.clients.add(this);
  }

  async publish(channel: string, message: string): Promise<number> {
    this.bus.published.push(message);
    let receivers = 0;
    for (const client of this.bus.clients) {
      if (client.channels.has(channel)) {
        receivers++;
        setImmediate(() => client.deliver(channel, message));
      }
    }
    return receivers;
  }

  async subscribe(channel: string): Promise<void> {
    this.channels.add(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel);
  }

  on(_event: "message", listener: Listener): this {
    this.listeners.add(listener);
    return this;
  }

  off(_event: "message", listener: Listener): this {
    this.listeners.delete(listener);
    return this;
  }

  deliver(channel: string, message: string): void {
    for (const listener of this.listeners) listener(channel, message);
  }
}
