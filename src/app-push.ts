/**
 * Part of the composition root (app.ts): push — users' push rules (the /pushrules API and the
 * `m.push_rules` account data), the worker that evaluates them for new events after they commit,
 * the unread notification counts /sync reads, and the notifications list (read ones pruned).
 *
 * The worker reads rooms through the room engine's event reader and state store (sharing their
 * caches) and follows the notifier; it runs in the process that serves /sync. HTTP pusher
 * delivery runs in one process of a deployment (the holder of its lock, see pusher-delivery.ts).
 */
import type { PushRulesDeps } from "./api/client/push-rules.js";
import type { PushersDeps } from "./api/client/pushers.js";
import type { RoomVersionRules } from "./room/room-versions.js";
import type { Pdu } from "./room/pdu.js";
import type { ClientEventJson } from "./matrix/pdu-json.js";
import type { AccountDataService } from "./services/account-data.js";
import { EventPushEvaluator } from "./services/push/event-push-evaluator.js";
import { NotificationCounts } from "./services/push/notification-counts.js";
import { NotificationsService, type NotificationsPruning } from "./services/push/notifications-service.js";
import { PushActionsWorker } from "./services/push/push-actions-worker.js";
import { PushRulesService } from "./services/push/push-rules-service.js";
import { PusherDelivery, type PusherDeliveryOptions } from "./services/push/pusher-delivery.js";
import { PusherService } from "./services/push/pusher-service.js";
import { RoomPushStates } from "./services/push/room-push-states.js";
import type { HearthDataSource } from "./storage/data-source.js";
import type { CurrentStateStore } from "./storage/stores/current-state-store.js";
import { EventPushActionsStore } from "./storage/stores/event-push-actions-store.js";
import { PushersStore } from "./storage/stores/pushers-store.js";
import { PushRulesStore } from "./storage/stores/push-rules-store.js";
import type { StateStore } from "./storage/stores/state-store.js";
import { SyncStore } from "./storage/stores/sync-store.js";
import type { Notifier } from "./sync/notifier.js";
import type { Logger } from "./util/logger.js";

export interface PushServicesDeps {
  serverName: string;
  notifier: Pick<Notifier, "on" | "off" | "currentToken">;
  accountData: Pick<AccountDataService, "setAccountData" | "getIgnoredUsers">;
  /** The room engine's reads: events (cached), room versions, state groups. */
  rooms: {
    events: { getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>> };
    roomVersion(roomId: string): Promise<RoomVersionRules | null>;
    stateStore: Pick<StateStore, "selectStateGroup">;
    /** Pusher delivery (room and sender names) and GET /notifications (client events). */
    currentState: Pick<CurrentStateStore, "selectCurrentStateEventId">;
    serializer: { serialize(pdus: readonly Pdu[], options?: { includeRoomId?: boolean }): Promise<ClientEventJson[]> };
  };
  /** Retries, queue bounds and concurrency of HTTP pusher delivery. */
  pusherDelivery?: PusherDeliveryOptions;
  /** How long read notifications stay listed (config.yaml `push.notifications_*`). */
  notificationsPruning?: NotificationsPruning;
  logger?: Logger;
}

export interface PushServices {
  readonly rules: PushRulesService;
  readonly worker: PushActionsWorker;
  readonly counts: NotificationCounts;
  /** Sends the notifications to users' HTTP pushers. */
  readonly delivery: PusherDelivery;
  /** What the /pushers and /notifications routes need. */
  readonly pushersRoutes: PushersDeps;
  /** What the /pushrules routes need. */
  readonly routes: PushRulesDeps;
  /** Starts the worker (from where it stopped), the counts' following of receipts, and delivery (from each pusher's position). */
  start(): Promise<void>;
  /** Stops both, the worker after its current batch. */
  close(): Promise<void>;
}

export function buildPushServices(db: HearthDataSource, deps: PushServicesDeps): PushServices {
  const { serverName, rooms, accountData } = deps;
  const rules = new PushRulesService({ db, store: new PushRulesStore(db), accountData });
  const roomStates = new RoomPushStates({
    serverName,
    state: rooms.stateStore,
    memberships: new SyncStore(db),
    events: rooms.events,
    roomVersion: (roomId) => rooms.roomVersion(roomId),
  });
  const evaluator = new EventPushEvaluator({
    isLocal: (userId) => roomStates.isLocal(userId),
    events: rooms.events,
    rules,
    ignoredUsers: (userId) => accountData.getIgnoredUsers(userId),
  });
  const store = new EventPushActionsStore(db);
  const worker = new PushActionsWorker({
    db,
    store,
    events: rooms.events,
    roomStates,
    evaluator,
    notifier: deps.notifier,
    onBatch: (batch) => {
      counts.applyBatch(batch);
      delivery.onBatch(batch);
      notifications.noteBatch(batch);
    },
    logger: deps.logger,
  });
  const notifications: NotificationsService = new NotificationsService({
    db,
    store,
    events: rooms.events,
    serializer: rooms.serializer,
    pruning: deps.notificationsPruning,
    logger: deps.logger,
  });
  const counts: NotificationCounts = new NotificationCounts({ store, worker, notifier: deps.notifier });
  const pushersStore = new PushersStore(db);
  const delivery: PusherDelivery = new PusherDelivery({
    db,
    pushers: pushersStore,
    store,
    events: rooms.events,
    currentState: rooms.currentState,
    counts,
    logger: deps.logger,
    options: deps.pusherDelivery,
  });
  return {
    rules,
    worker,
    counts,
    routes: rules,
    delivery,
    pushersRoutes: {
      pushers: new PusherService({ db, store: pushersStore }),
      notifications,
    },
    start: async () => {
      counts.start();
      notifications.start();
      // Before the worker: what the pushers were not sent is queued before its new rows.
      await delivery.start();
      await worker.start();
    },
    close: async () => {
      counts.stop();
      await worker.stop();
      await delivery.close();
      await notifications.stop();
    },
  };
}
