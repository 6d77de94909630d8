/**
 * Carries notifier wake-ups between processes over Redis pub/sub (DESIGN.md "Scaling"): every
 * local notification is published on one channel, and notifications published by other
 * processes are applied to this process's notifier as "remote" ones (which are not published
 * again). Only positions and target IDs cross the wire, as in the notifier itself.
 *
 * Pub/sub is fire-and-forget: a message lost while Redis is unreachable delays the affected
 * long-polls until their timeout, and the next sync still reads everything from storage.
 */
import { PubSubRelay, type PubSubPublisher, type PubSubRelayOptions, type PubSubSubscriber, type RelayMessage } from "../util/redis-pubsub.js";
import type { Notifier, NotifierEvents, NotifyTargets } from "./notifier.js";
import { isStreamName } from "./stream-token.js";

/** The part of an ioredis client the publishing side uses. */
export type NotifierPublisher = PubSubPublisher;

/** The part of an ioredis client (in subscriber mode) the receiving side uses. */
export type NotifierSubscriber = PubSubSubscriber;

/** `channel` defaults to "hearth:notifier". */
export type RedisNotifierBridgeOptions = PubSubRelayOptions;

const DEFAULT_CHANNEL = "hearth:notifier";

/** The wire form: short keys, since every notification of every process goes through it. */
interface WireNotification extends RelayMessage {
  o: string;
  s: string;
  p: number;
  r?: string[];
  u?: string[];
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

export class RedisNotifierBridge {
  private closed = false;

  private readonly onLocalNotify = (...[stream, position, targets, origin]: NotifierEvents["notify"]): void => {
    if (origin !== "local") return;
    const wire: WireNotification = { o: this.relay.processId, s: stream, p: position };
    if (targets.roomIds !== undefined && targets.roomIds.length > 0) wire.r = [...targets.roomIds];
    if (targets.userIds !== undefined && targets.userIds.length > 0) wire.u = [...targets.userIds];
    this.relay.publish(wire);
  };

  private constructor(
    private readonly notifier: Notifier,
    private readonly relay: PubSubRelay,
  ) {}

  get processId(): string {
    return this.relay.processId;
  }

  get channel(): string {
    return this.relay.channel;
  }

  /**
   * Bridges `notifier` through the given clients: `subscriber` must be a connection of its own,
   * as Redis puts a subscribing connection into subscriber mode. The caller keeps ownership.
   */
  static async attach(
    notifier: Notifier,
    publisher: NotifierPublisher,
    subscriber: NotifierSubscriber,
    options: RedisNotifierBridgeOptions = {},
  ): Promise<RedisNotifierBridge> {
    return RedisNotifierBridge.start(notifier, (receive) => PubSubRelay.attach(publisher, subscriber, DEFAULT_CHANNEL, options, receive));
  }

  /** Opens two connections to `redisUrl` (publish, subscribe), owned and closed by the bridge. */
  static async connect(notifier: Notifier, redisUrl: string, options: RedisNotifierBridgeOptions = {}): Promise<RedisNotifierBridge> {
    return RedisNotifierBridge.start(notifier, (receive) => PubSubRelay.connect(redisUrl, DEFAULT_CHANNEL, options, receive));
  }

  private static async start(
    notifier: Notifier,
    open: (receive: (message: RelayMessage) => void) => Promise<PubSubRelay>,
  ): Promise<RedisNotifierBridge> {
    let bridge: RedisNotifierBridge | null = null;
    const relay = await open((message) => bridge?.apply(message));
    bridge = new RedisNotifierBridge(notifier, relay);
    notifier.on("notify", bridge.onLocalNotify);
    return bridge;
  }

  /** Stops relaying in both directions and closes the connections the bridge opened. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notifier.off("notify", this.onLocalNotify);
    await this.relay.close();
  }

  /** Another process's notification, applied here as a remote one. */
  private apply(wire: Partial<WireNotification>): void {
    const { s: stream, p: position, r: roomIds, u: userIds } = wire;
    if (
      !isStreamName(stream) ||
      typeof position !== "number" ||
      !Number.isSafeInteger(position) ||
      position < 0 ||
      (roomIds !== undefined && !isStringArray(roomIds)) ||
      (userIds !== undefined && !isStringArray(userIds))
    ) {
      this.relay.report(new Error(`Malformed notifier message on ${this.relay.channel}`));
      return;
    }
    const targets: NotifyTargets = { roomIds, userIds };
    this.notifier.notify(stream, position, targets, "remote");
  }
}
