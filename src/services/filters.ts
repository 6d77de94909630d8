/**
 * Sync filters uploaded by clients. https://spec.matrix.org/v1.19/client-server-api/#filtering
 * Filters are validated on upload (M_BAD_JSON naming the field), stored once per distinct
 * content, and handed back compiled (SyncFilter) from a cache, since every /sync names one.
 */
import { createHash } from "node:crypto";
import type { DataSource } from "typeorm";
import { canonicalJson } from "../crypto/canonical-json.js";
import type { FiltersStore } from "../storage/stores/filters-store.js";
import { LruCache } from "../storage/lru-cache.js";
import { runInTransaction } from "../storage/transaction.js";
import { validateFilterJson, type FilterJson } from "../sync/filter-schema.js";
import { SyncFilter, type SyncFilterOptions } from "../sync/filters.js";

export interface FilterServiceDeps {
  db: DataSource;
  store: Pick<FiltersStore, "insertFilter" | "selectFilter">;
  syncFilterOptions?: SyncFilterOptions;
  /** Compiled filters kept; default 10,000. */
  cacheSize?: number;
}

/** Filter IDs we hand out: the row ID in decimal. */
const FILTER_ID = /^[1-9][0-9]{0,15}$/;

export class FilterService {
  private readonly cache: LruCache<string, SyncFilter>;

  constructor(private readonly deps: FilterServiceDeps) {
    this.cache = new LruCache(deps.cacheSize ?? 10_000);
  }

  /** POST /user/{userId}/filter: validates (400 M_BAD_JSON) and stores; returns the filter ID. */
  async createFilter(userId: string, json: unknown): Promise<string> {
    const filter = validateFilterJson(json);
    const text = canonicalText(filter);
    const hash = createHash("sha256").update(text).digest("base64");
    const id = await runInTransaction(this.deps.db, (tx) => this.deps.store.insertFilter(tx, userId, hash, text));
    return String(id);
  }

  /** GET /user/{userId}/filter/{filterId}: the filter as uploaded, or null when unknown. */
  async getFilter(userId: string, filterId: string): Promise<FilterJson | null> {
    if (!FILTER_ID.test(filterId)) return null;
    const text = await this.deps.store.selectFilter(userId, Number(filterId));
    return text === null ? null : (JSON.parse(text) as FilterJson);
  }

  /** The compiled filter for /sync's `filter=<id>`, or null when the user has no such filter. */
  async getSyncFilter(userId: string, filterId: string): Promise<SyncFilter | null> {
    const key = `${userId}\u0000${filterId}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const json = await this.getFilter(userId, filterId);
    if (json === null) return null;
    const filter = new SyncFilter(json, this.deps.syncFilterOptions);
    this.cache.set(key, filter);
    return filter;
  }
}

/** Canonical JSON, so equal filters hash alike; plain JSON for what canonical JSON refuses (floats in unknown keys). */
function canonicalText(filter: FilterJson): string {
  try {
    return canonicalJson(filter);
  } catch {
    return JSON.stringify(filter);
  }
}
