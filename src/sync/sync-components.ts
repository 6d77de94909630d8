/**
 * The sync module's parts wired together (Dendrite's syncapi setup): the shared caches (events,
 * state points, summaries, memberships, the event window), the providers and the handler.
 * app.ts hands in the notifier, the stores and whichever services exist; a missing service
 * leaves its section empty.
 */
import type { DataSource } from "typeorm";
import type { Pdu } from "../room/pdu.js";
import type { RoomVersionRules } from "../room/room-versions.js";
import type { StateStore } from "../storage/stores/state-store.js";
import { SyncStore } from "../storage/stores/sync-store.js";
import type { SyncFilterOptions } from "./filters.js";
import type { Notifier } from "./notifier.js";
import { AccountDataStreamProvider, type AccountDataSource } from "./streams/account-data-stream.js";
import { DeviceListStreamProvider, type DeviceListSource } from "./streams/device-list-stream.js";
import { PduStreamProvider, type PduStreamDeps } from "./streams/pdu-stream.js";
import { PresenceStreamProvider, type PresenceSource } from "./streams/presence-stream.js";
import { ReceiptStreamProvider, type ReceiptSource } from "./streams/receipt-stream.js";
import { RoomSummaries } from "./streams/room-summaries.js";
import { TimelineSelector } from "./streams/room-timelines.js";
import type { StreamProvider } from "./streams/stream-provider.js";
import { ToDeviceStreamProvider, type ToDeviceSource } from "./streams/to-device-stream.js";
import { TypingStreamProvider, type TypingSource } from "./streams/typing-stream.js";
import { SyncEventCache } from "./sync-event-cache.js";
import { EventWindow } from "./sync-event-window.js";
import { SyncHandler } from "./sync-handler.js";
import { LazyMemberCache } from "./sync-lazy-members.js";
import { MembershipCache } from "./sync-memberships.js";
import type { SyncFilterLookup, SyncRequestParser } from "./sync-request.js";
import { SyncStateReader, type EventGroups } from "./sync-state.js";
import type { UnreadCountsSource } from "./sync-unread-counts.js";

export interface SyncComponentsDeps {
  db: DataSource;
  notifier: Notifier;
  /** The persister's state store: its cache of state maps is shared. */
  stateStore: Pick<StateStore, "selectEventStateGroups" | "selectStateGroup">;
  /** A room's version rules (the persister's cached lookup). */
  roomVersion(roomId: string): Promise<RoomVersionRules | null>;
  filters?: SyncFilterLookup;
  filterOptions?: SyncFilterOptions;
  typing?: TypingSource;
  receipts?: ReceiptSource;
  accountData?: AccountDataSource & { getIgnoredUsers(userId: string): Promise<ReadonlySet<string>> };
  presence?: PresenceSource & { setPresenceFromSync(userId: string, state: "online" | "unavailable"): Promise<void> };
  toDevice?: ToDeviceSource;
  deviceLists?: DeviceListSource;
  forgottenRooms?: (userId: string) => Promise<ReadonlyMap<string, string>>;
  /** Bundled aggregations of limited timelines (the room engine's); none without. */
  aggregations?: PduStreamDeps["aggregations"];
  /** Unread notification counts (push); without them every room's counts are 0. */
  unreadCounts?: UnreadCountsSource;
  now?: () => number;
  /** Cache sizes (events kept in memory, the event window). */
  eventCacheSize?: number;
  windowSize?: number;
}

/** An event the writer has just committed, with what sync would otherwise read back (its groups, its transaction). */
export interface CommittedSyncEvent {
  readonly pdu: Pdu;
  readonly streamOrdering: number;
  readonly topologicalOrdering: number;
  readonly txn: { readonly deviceId: string; readonly txnId: string } | null;
  readonly stateGroups: EventGroups;
}

export interface SyncComponents {
  readonly handler: SyncHandler;
  readonly parser: SyncRequestParser;
  readonly window: EventWindow;
  /**
   * Takes in events an in-process writer has just committed (before announcing them): the event
   * window still reads which events a range holds, but finds these parsed, with their groups and
   * transactions, instead of reading and parsing them again.
   */
  rememberCommitted(events: readonly CommittedSyncEvent[]): void;
}

export function createSyncComponents(deps: SyncComponentsDeps): SyncComponents {
  const store = new SyncStore(deps.db);
  const events = new SyncEventCache({ store, roomVersion: deps.roomVersion, capacity: deps.eventCacheSize });
  const state = new SyncStateReader({ store: deps.stateStore });
  const window = new EventWindow({ store, cache: events, state, capacity: deps.windowSize }, deps.notifier.currentToken().pdu);
  const memberships = new MembershipCache({ store, window });
  const rooms = new PduStreamProvider({
    position: () => deps.notifier.currentToken().pdu,
    store,
    events,
    state,
    timelines: new TimelineSelector({ store, window, events, state }),
    summaries: new RoomSummaries({ state, events, store }),
    lazyMembers: new LazyMemberCache(),
    forgottenRooms: deps.forgottenRooms,
    aggregations: deps.aggregations,
  });
  const providers: StreamProvider[] = [];
  if (deps.typing) providers.push(new TypingStreamProvider(deps.typing));
  if (deps.receipts) providers.push(new ReceiptStreamProvider(deps.receipts));
  if (deps.accountData) providers.push(new AccountDataStreamProvider(deps.accountData));
  if (deps.presence) providers.push(new PresenceStreamProvider(deps.presence, store));
  providers.push(new ToDeviceStreamProvider(deps.toDevice ?? null), new DeviceListStreamProvider(deps.deviceLists ?? null));
  const accountData = deps.accountData;
  const presence = deps.presence;
  const handler = new SyncHandler({
    notifier: deps.notifier,
    memberships,
    rooms,
    providers,
    ignoredUsers: accountData ? (userId) => accountData.getIgnoredUsers(userId) : undefined,
    setPresence: presence ? (userId, state) => presence.setPresenceFromSync(userId, state) : undefined,
    unreadCounts: deps.unreadCounts,
    now: deps.now,
  });
  const rememberCommitted = (committed: readonly CommittedSyncEvent[]): void => {
    for (const { pdu, streamOrdering, topologicalOrdering, txn, stateGroups } of committed) {
      // Unredacted: a redaction in the same batch is noted as the window reads it (noteRedactions).
      events.remember({ pdu, streamOrdering, topologicalOrdering, redactedBy: null, txn });
      state.rememberGroups(pdu.eventId, stateGroups);
    }
  };
  return { handler, parser: { filters: deps.filters ?? null, filterOptions: deps.filterOptions }, window, rememberCommitted };
}
