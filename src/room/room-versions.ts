/**
 * Room versions as data: one rules object per version, each built from the previous one with
 * `{...previous, changed}` (STYLE.md habit 8: ask `rules.authorization.restrictedJoinRule`, never
 * compare version strings). https://spec.matrix.org/v1.19/rooms/
 */

/**
 * `v1`: `event_id` is a field of the event; `prev_events`/`auth_events` are `[id, hashes]` pairs.
 * `v3`: the event ID is `$` + the reference hash in standard unpadded Base64.
 * `v4`: as v3 with URL-safe unpadded Base64.
 */
export type EventFormat = "v1" | "v3" | "v4";

/** `server`: `!opaque:server`. `createEventHash` (v12): the create event's ID with the `!` sigil. */
export type RoomIdFormat = "server" | "createEventHash";

/** `v2.1` is room version 12's variant: iterative auth checks start from an empty state map. */
export type StateResolutionAlgorithm = "v1" | "v2" | "v2.1";

/** Which parts of the authorization rules apply. https://spec.matrix.org/v1.19/rooms/v12/#authorisation-rules */
export interface AuthorizationRules {
  /** v1–v5 rule 4: `m.room.aliases` is allowed iff its `state_key` is the sender's domain. */
  readonly specialCaseAliases: boolean;
  /** v1–v2 rule 11: `m.room.redaction` needs the redact level or the same event-ID domain. */
  readonly redactionAuth: boolean;
  /** v6+: `notifications` in `m.room.power_levels` is guarded like `events`. */
  readonly notificationsPowerLevels: boolean;
  /** v7+: the `knock` join rule and `knock` membership. */
  readonly knockJoinRule: boolean;
  /** v8+: the `restricted` join rule and `join_authorised_via_users_server`. */
  readonly restrictedJoinRule: boolean;
  /** v10+: the `knock_restricted` join rule. */
  readonly knockRestrictedJoinRule: boolean;
  /** v10+: power levels must be JSON integers (no strings, no floats). */
  readonly integerPowerLevels: boolean;
  /** v1–v10: `m.room.create` must have `content.creator`, which names the creator. v11+: the sender does. */
  readonly creatorInContent: boolean;
  /** v1–v11: `m.room.create` is one of every event's `auth_events`. v12: it must not be. */
  readonly createEventInAuthEvents: boolean;
  /** v12: creators (sender + `additional_creators`) have infinite power and may not appear in `users`. */
  readonly privilegedCreators: boolean;
  /** v12: `content.additional_creators` of `m.room.create` is validated and names more creators. */
  readonly additionalCreators: boolean;
}

/**
 * The redaction algorithm's variations; five distinct algorithms (v1, v6, v8, v9, v11).
 * https://spec.matrix.org/v1.19/rooms/v11/#redactions
 */
export interface RedactionRules {
  /** v1–v10: top-level `origin`, `membership` and `prev_state` survive redaction. */
  readonly keepOriginMembershipPrevState: boolean;
  /** v1–v5: `m.room.aliases` keeps `aliases`. */
  readonly keepAliases: boolean;
  /** v8+: `m.room.join_rules` keeps `allow`. */
  readonly keepJoinRulesAllow: boolean;
  /** v9+: `m.room.member` keeps `join_authorised_via_users_server`. */
  readonly keepJoinAuthorisedVia: boolean;
  /** v11+: `m.room.create` keeps its whole content (before: `creator` only). */
  readonly keepAllCreateContent: boolean;
  /** v11+: `m.room.power_levels` keeps `invite`. */
  readonly keepPowerLevelsInvite: boolean;
  /** v11+: `m.room.redaction` keeps `content.redacts`. */
  readonly keepRedactionRedacts: boolean;
  /** v11+: `m.room.member` keeps `third_party_invite.signed`. */
  readonly keepThirdPartyInviteSigned: boolean;
}

export interface RoomVersionRules {
  readonly id: string;
  readonly stability: "stable" | "unstable";
  readonly eventFormat: EventFormat;
  readonly roomIdFormat: RoomIdFormat;
  readonly stateResolution: StateResolutionAlgorithm;
  /** v5+: signing keys must be valid at the event's `origin_server_ts`. */
  readonly enforceKeyValidity: boolean;
  /** v1–v2: a signature from the `event_id`'s domain is required as well as the sender's. */
  readonly eventIdDomainSignature: boolean;
  /** v6+: events must be valid canonical JSON (integers in ±(2^53−1), no floats). */
  readonly strictCanonicalJson: boolean;
  /** v11+: `m.room.redaction` carries `redacts` in `content`, not at the top level. */
  readonly redactsInContent: boolean;
  /** Largest allowed `depth`: 2^63−1 before v6 (not representable exactly here), 2^53−1 from v6. */
  readonly maxDepth: number;
  readonly authorization: AuthorizationRules;
  readonly redaction: RedactionRules;
}

const V1: RoomVersionRules = Object.freeze({
  id: "1",
  stability: "stable",
  eventFormat: "v1",
  roomIdFormat: "server",
  stateResolution: "v1",
  enforceKeyValidity: false,
  eventIdDomainSignature: true,
  strictCanonicalJson: false,
  redactsInContent: false,
  maxDepth: 2 ** 63 - 1,
  authorization: Object.freeze({
    specialCaseAliases: true,
    redactionAuth: true,
    notificationsPowerLevels: false,
    knockJoinRule: false,
    restrictedJoinRule: false,
    knockRestrictedJoinRule: false,
    integerPowerLevels: false,
    creatorInContent: true,
    createEventInAuthEvents: true,
    privilegedCreators: false,
    additionalCreators: false,
  }),
  redaction: Object.freeze({
    keepOriginMembershipPrevState: true,
    keepAliases: true,
    keepJoinRulesAllow: false,
    keepJoinAuthorisedVia: false,
    keepAllCreateContent: false,
    keepPowerLevelsInvite: false,
    keepRedactionRedacts: false,
    keepThirdPartyInviteSigned: false,
  }),
});

function next(
  previous: RoomVersionRules,
  id: string,
  changes: Partial<Omit<RoomVersionRules, "id" | "authorization" | "redaction">>,
  authorization: Partial<AuthorizationRules> = {},
  redaction: Partial<RedactionRules> = {},
): RoomVersionRules {
  return Object.freeze({
    ...previous,
    ...changes,
    id,
    authorization: Object.freeze({ ...previous.authorization, ...authorization }),
    redaction: Object.freeze({ ...previous.redaction, ...redaction }),
  });
}

/** v2: state resolution v2. */
const V2 = next(V1, "2", { stateResolution: "v2" });
/** v3: event IDs are reference hashes; redaction auth deferred to "handling redactions". */
const V3 = next(V2, "3", { eventFormat: "v3", eventIdDomainSignature: false }, { redactionAuth: false });
/** v4: URL-safe event IDs. */
const V4 = next(V3, "4", { eventFormat: "v4" });
/** v5: signing key validity periods. */
const V5 = next(V4, "5", { enforceKeyValidity: true });
/** v6: canonical JSON enforced, aliases special case gone, `notifications` guarded. */
const V6 = next(
  V5,
  "6",
  { strictCanonicalJson: true, maxDepth: Number.MAX_SAFE_INTEGER },
  { specialCaseAliases: false, notificationsPowerLevels: true },
  { keepAliases: false },
);
/** v7: knocking. */
const V7 = next(V6, "7", {}, { knockJoinRule: true });
/** v8: restricted joins; join rules keep `allow`. */
const V8 = next(V7, "8", {}, { restrictedJoinRule: true }, { keepJoinRulesAllow: true });
/** v9: member events keep `join_authorised_via_users_server`. */
const V9 = next(V8, "9", {}, {}, { keepJoinAuthorisedVia: true });
/** v10: `knock_restricted`, integer power levels. */
const V10 = next(V9, "10", {}, { knockRestrictedJoinRule: true, integerPowerLevels: true });
/** v11: creator is the sender; `redacts` moves into content; new redaction algorithm. */
const V11 = next(
  V10,
  "11",
  { redactsInContent: true },
  { creatorInContent: false },
  {
    keepOriginMembershipPrevState: false,
    keepAllCreateContent: true,
    keepPowerLevelsInvite: true,
    keepRedactionRedacts: true,
    keepThirdPartyInviteSigned: true,
  },
);
/** v12: room ID is the create event's hash; privileged creators; state resolution v2.1. */
const V12 = next(
  V11,
  "12",
  { roomIdFormat: "createEventHash", stateResolution: "v2.1" },
  { createEventInAuthEvents: false, privilegedCreators: true, additionalCreators: true },
);

export const ROOM_VERSIONS: ReadonlyMap<string, RoomVersionRules> = new Map(
  [V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12].map((rules) => [rules.id, rules]),
);

/** The version of rooms created without an explicit `room_version`. */
export const DEFAULT_ROOM_VERSION = "12";

/** The rules for a room version, or null for a version this server does not know. */
export function getRoomVersion(id: string): RoomVersionRules | null {
  return ROOM_VERSIONS.get(id) ?? null;
}
