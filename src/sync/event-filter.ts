/**
 * A compiled EventFilter: the type and sender rules shared by every filter section.
 *
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3useruseridfilter_request_eventfilter
 *   - "If this list is absent then all event types are included." A present but empty list
 *     includes nothing.
 *   - "A matching type will be excluded even if it is listed in the `types` filter." (`not_*`
 *     wins, for senders too.)
 *   - "A `*` can be used as a wildcard to match any sequence of characters." (types only)
 *
 * Lists are compiled once: literal types into a Set, wildcard types into one anchored RegExp.
 */
import type { EventFilterJson } from "./filter-schema.js";

/** The fields filters look at; wire events (`ClientEventJson`, PDUs, EDUs) satisfy it. */
export interface FilterableEvent {
  readonly type: string;
  readonly sender?: string;
  readonly room_id?: string;
  readonly content?: unknown;
}

export type StringPredicate = (value: string) => boolean;

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/** Compiles a list of event types, where `*` matches any sequence of characters. */
export function compileTypeList(patterns: readonly string[]): StringPredicate {
  const literals = new Set<string>();
  const globs: string[] = [];
  for (const pattern of patterns) {
    if (pattern.includes("*")) {
      globs.push(pattern.split("*").map((part) => part.replace(REGEXP_SPECIAL, "\\$&")).join("[\\s\\S]*"));
    } else {
      literals.add(pattern);
    }
  }
  if (globs.length === 0) return (type) => literals.has(type);
  const regexp = new RegExp(`^(?:${globs.join("|")})$`);
  if (literals.size === 0) return (type) => regexp.test(type);
  return (type) => literals.has(type) || regexp.test(type);
}

/** `null` for an absent (or null) list, which does not restrict. */
export function compileOptionalTypeList(patterns: readonly string[] | null | undefined): StringPredicate | null {
  return patterns == null ? null : compileTypeList(patterns);
}

export function optionalSet(values: readonly string[] | null | undefined): ReadonlySet<string> | null {
  return values == null ? null : new Set(values);
}

/** Whether `value` passes an include list and an exclude list (exclusion wins). */
export function passesLists(
  value: string | undefined,
  include: ReadonlySet<string> | null,
  exclude: ReadonlySet<string> | null,
): boolean {
  if (value === undefined) return include === null;
  if (exclude !== null && exclude.has(value)) return false;
  return include === null || include.has(value);
}

export class EventFilter {
  /** The filter of an absent section: everything passes, no limit asked for. */
  static readonly ALL = new EventFilter({});

  /** The `limit` the client asked for, or null (the caller applies its default). */
  readonly limit: number | null;
  private readonly types: StringPredicate | null;
  private readonly notTypes: StringPredicate | null;
  private readonly senders: ReadonlySet<string> | null;
  private readonly notSenders: ReadonlySet<string> | null;

  /** `json` must have passed the filter schema (filter-schema.ts). */
  constructor(json: EventFilterJson) {
    this.limit = json.limit ?? null;
    this.types = compileOptionalTypeList(json.types);
    this.notTypes = compileOptionalTypeList(json.not_types);
    this.senders = optionalSet(json.senders);
    this.notSenders = optionalSet(json.not_senders);
  }

  /** Whether the type lists alone let `type` through (before the event itself is at hand). */
  matchesType(type: string): boolean {
    if (this.notTypes !== null && this.notTypes(type)) return false;
    return this.types === null || this.types(type);
  }

  /**
   * Whether an event passes the type and sender lists. An event without a sender (account
   * data, typing) fails a `senders` list, which names the senders to include.
   */
  matches(event: FilterableEvent): boolean {
    const type = event.type;
    if (this.notTypes !== null && this.notTypes(type)) return false;
    if (this.types !== null && !this.types(type)) return false;
    return passesLists(event.sender, this.senders, this.notSenders);
  }
}
