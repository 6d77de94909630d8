/**
 * Part of the composition root (app.ts): push — users' push rules (the /pushrules API and the
 * `m.push_rules` account data), the worker that evaluates them for new events after they commit,
 * and the unread notification counts /sync reads.
 *
 * The worker reads rooms through the room engine's event reader and state store (sharing their
 * caches) and follows the notifier; it runs in the process that serves /sync.
 */
import type { PushRulesDeps } from "./api/client/push-rules.js";
import type { RoomVersionRules } from "./room/room-versions.js";
import type { Pdu } from "./room/pdu.js";
import type { AccountDataService } from "./services/account-data.js";
import { EventPushEvaluator } from "./services/push/event-push-evaluator.js";
import { NotificationCounts } from "./services/push/notification-counts.js";
import { PushActionsWorker } from "./services/push/push-actions-worker.js";
import { PushRulesService } from "./services/push/push-rules-service.js";
import { RoomPushStates } from "./services/push/room-push-states.js";
import type { HearthDataSource } from "./storage/data-source.js";
import { EventPushActionsStore } from "./storage/stores/event-push-actions-store.js";
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
  };
  logger?: Logger;
}

export interface PushServices {
  readonly rules: PushRulesService;
  readonly worker: PushActionsWorker;
  readonly counts: NotificationCounts;
  /** What the /pushrules routes need. */
  readonly routes: PushRulesDeps;
  /** Starts the worker (from where it stopped) and the counts' following of receipts. */
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
    onBatch: (batch) => counts.applyBatch(batch),
    logger: deps.logger,
  });
  const counts: NotificationCounts = new NotificationCounts({ store, worker, notifier: deps.notifier });
  return {
    rules,
    worker,
    counts,
    routes: rules,
    start: async () => {
      counts.start();
      await worker.start();
    },
    close: async () => {
      counts.stop();
      await worker.stop();
    },
  };
}
