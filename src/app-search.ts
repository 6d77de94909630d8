/**
 * Part of the composition root (app.ts): server-side search — the indexer that writes the
 * full-text index (event_search) in the event persister's transactions, and the search service over it, which
 * reads rooms through the room engine (visibility, timeline, serializer).
 */
import type { SearchDeps } from "./api/client/search.js";
import type { RoomServices } from "./app-rooms.js";
import { EventSearchIndexer } from "./services/search/event-search-indexer.js";
import { SearchService } from "./services/search/search-service.js";
import type { HearthDataSource } from "./storage/data-source.js";
import { CurrentStateStore } from "./storage/stores/current-state-store.js";
import { EventSearchStore } from "./storage/stores/event-search-store.js";
import type { Notifier } from "./sync/notifier.js";
import type { Logger } from "./util/logger.js";

export interface SearchServicesDeps {
  notifier: Pick<Notifier, "on" | "off" | "currentToken">;
  rooms: Pick<RoomServices, "persister" | "visibility" | "timeline" | "serializer">;
  logger?: Logger;
}

export interface SearchServices {
  readonly indexer: EventSearchIndexer;
  readonly search: SearchService;
  /** What the /search route needs. */
  readonly routes: SearchDeps;
  /** Starts the indexer from where it stopped. */
  start(): Promise<void>;
  /** Stops it after its current batch. */
  close(): Promise<void>;
}

export function buildSearchServices(db: HearthDataSource, deps: SearchServicesDeps): SearchServices {
  const store = new EventSearchStore(db);
  const indexer = new EventSearchIndexer({ db, store, notifier: deps.notifier, logger: deps.logger });
  const { persister, visibility, timeline, serializer } = deps.rooms;
  // Index rows commit with the events they index (EventSearchIndexer.stage).
  indexer.attachTo(persister);
  const search = new SearchService({
    indexer,
    notifier: deps.notifier,
    store,
    rooms: new CurrentStateStore(db),
    reader: persister,
    visibility,
    timeline,
    serializer,
  });
  return { indexer, search, routes: search, start: () => indexer.start(), close: () => indexer.stop() };
}
