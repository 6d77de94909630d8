/**
 * Third-party lookups answered by the application services that bridge the networks.
 * https://spec.matrix.org/v1.19/client-server-api/#third-party-lookups
 * https://spec.matrix.org/v1.19/application-service-api/#third-party-networks
 *
 * > Application services may declare which protocols they support via their registration
 * > configuration for the homeserver.
 *
 * Each lookup asks every appservice that registered the protocol (and has a URL) at once, with
 * its `hs_token`, and gives each one `timeoutMs` for its whole answer (config.yaml
 * `appservice.third_party_lookup_timeout_ms`). An appservice that fails, times out or answers
 * something malformed is logged and left out: the others' answers still make the response.
 *
 * Protocol metadata changes rarely and clients ask for it whenever they open a room directory, so
 * each appservice's answer for a protocol is kept `protocolCacheMs` (config.yaml
 * `appservice.third_party_protocol_cache_ms`; Synapse keeps it an hour), per appservice and
 * protocol, and concurrent askers share one request. Only answers are kept: an appservice that
 * failed is asked again next time rather than remembered as having no protocol.
 *
 * - Protocols: the metadata (`user_fields`, `field_types`, …) is the first answering
 *   appservice's in registration order; the `instances` of all of them are concatenated, and each
 *   instance with a `network_id` gets an `instance_id` of `{appservice id}|{network_id}`, unique
 *   across appservices (as Synapse does).
 * - Locations and users: the results of all appservices concatenated. The reverse lookups
 *   (`?alias=`, `?userid=`) name no protocol, so they go to every appservice with a protocol.
 * - Legacy routes: "if the application service receives an HTTP status code that does not
 *   indicate success (i.e.: 404, 500, 501, etc) then the homeserver should fall back to the
 *   older endpoints", here `/_matrix/app/unstable/thirdparty/…`.
 *   https://spec.matrix.org/v1.19/application-service-api/#legacy-routes
 *
 * Appservice URLs are the administrator's, so the outbound IP deny list does not apply (as for
 * the ping).
 */
import type {
  ProtocolInstanceJson,
  ProtocolJson,
  ThirdPartyLocationJson,
  ThirdPartyUserJson,
} from "../../matrix/endpoints/client/third-party-lookup.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { Logger } from "../../util/logger.js";
import type { Appservice } from "./appservice.js";

/** What is looked up: `location` (portal rooms) or `user` (Matrix users of the network). */
export type ThirdPartyKind = "location" | "user";

export interface ThirdPartyResultJson {
  location: ThirdPartyLocationJson;
  user: ThirdPartyUserJson;
}

/** Query parameters handed to the appservice, in order; a name may repeat. */
export type LookupFields = ReadonlyArray<readonly [string, string]>;

type LookupAppservice = Pick<Appservice, "id" | "url" | "hsToken" | "protocols">;

export interface ThirdPartyLookupOptions {
  /** The registered appservices, in registration order. */
  appservices: readonly LookupAppservice[];
  /** How long each appservice has to answer; default 10 s. */
  timeoutMs?: number;
  /** How long an appservice's protocol metadata is kept; default 5 minutes, 0 for not at all. */
  protocolCacheMs?: number;
  /** The clock of the protocol cache; default Date.now. */
  now?: () => number;
  logger?: Pick<Logger, "warn">;
}

export const DEFAULT_THIRD_PARTY_TIMEOUT_MS = 10_000;
export const DEFAULT_THIRD_PARTY_PROTOCOL_CACHE_MS = 5 * 60_000;
/** The key each result must carry a string for, besides `protocol`. */
const RESULT_KEY: Readonly<Record<ThirdPartyKind, string>> = { location: "alias", user: "userid" };

export class ThirdPartyLookup {
  private readonly appservices: readonly LookupAppservice[];
  private readonly timeoutMs: number;
  private readonly protocolCacheMs: number;
  private readonly now: () => number;
  private readonly logger: Pick<Logger, "warn"> | null;
  /** Protocol metadata by [appservice ID, protocol] (as JSON), answered or being asked. */
  private readonly protocolCache = new Map<string, { expiresAt: number; answer: Promise<ProtocolJson | null> }>();

  constructor(options: ThirdPartyLookupOptions) {
    this.appservices = options.appservices.filter((appservice) => appservice.url !== null && appservice.protocols.length > 0);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_THIRD_PARTY_TIMEOUT_MS;
    this.protocolCacheMs = options.protocolCacheMs ?? DEFAULT_THIRD_PARTY_PROTOCOL_CACHE_MS;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? null;
  }

  /** Every protocol some appservice answered for; `{}` when none did. */
  async getProtocols(): Promise<Record<string, ProtocolJson>> {
    const names = [...new Set(this.appservices.flatMap((appservice) => appservice.protocols))];
    const merged = await Promise.all(names.map(async (name) => [name, await this.mergedProtocol(name)] as const));
    const protocols: Record<string, ProtocolJson> = {};
    for (const [name, protocol] of merged) if (protocol !== null) protocols[name] = protocol;
    return protocols;
  }

  /** One protocol; 404 M_NOT_FOUND when no appservice provides it (or none answered). */
  async getProtocol(protocol: string): Promise<ProtocolJson> {
    const merged = await this.mergedProtocol(protocol);
    if (merged === null) throw unknownProtocol(protocol);
    return merged;
  }

  /** Locations or users of `protocol` matching `fields`; 404 M_NOT_FOUND when no appservice provides it. */
  async queryByProtocol<K extends ThirdPartyKind>(kind: K, protocol: string, fields: LookupFields): Promise<Array<ThirdPartyResultJson[K]>> {
    const providers = this.providersOf(protocol);
    if (providers.length === 0) throw unknownProtocol(protocol);
    return this.queryAll(providers, kind, `/thirdparty/${kind}/${encodeURIComponent(protocol)}`, fields);
  }

  /** The reverse lookups: locations of an `alias`, or third-party users of a `userid`, from every appservice. */
  async reverseLookup<K extends ThirdPartyKind>(kind: K, fields: LookupFields): Promise<Array<ThirdPartyResultJson[K]>> {
    return this.queryAll(this.appservices, kind, `/thirdparty/${kind}`, fields);
  }

  private providersOf(protocol: string): LookupAppservice[] {
    return this.appservices.filter((appservice) => appservice.protocols.includes(protocol));
  }

  private async mergedProtocol(protocol: string): Promise<ProtocolJson | null> {
    const answers = await Promise.all(this.providersOf(protocol).map((appservice) => this.cachedProtocol(appservice, protocol)));
    let merged: ProtocolJson | null = null;
    for (const answer of answers) {
      if (answer === null) continue;
      // Copies: the answers stay in the cache.
      if (merged === null) merged = { ...answer, instances: [...answer.instances] };
      else merged.instances.push(...answer.instances);
    }
    return merged;
  }

  /** `appservice`'s metadata for `protocol`, from the cache while it is fresh; null (not kept) when it failed. */
  private cachedProtocol(appservice: LookupAppservice, protocol: string): Promise<ProtocolJson | null> {
    if (this.protocolCacheMs <= 0) return this.askProtocol(appservice, protocol);
    const key = JSON.stringify([appservice.id, protocol]);
    const now = this.now();
    const cached = this.protocolCache.get(key);
    if (cached !== undefined && cached.expiresAt > now) return cached.answer;
    const entry = { expiresAt: now + this.protocolCacheMs, answer: this.askProtocol(appservice, protocol) };
    this.protocolCache.set(key, entry);
    void entry.answer.then((answer) => {
      if (answer === null && this.protocolCache.get(key) === entry) this.protocolCache.delete(key);
    });
    return entry.answer;
  }

  private async askProtocol(appservice: LookupAppservice, protocol: string): Promise<ProtocolJson | null> {
    const info = await this.ask(appservice, `/thirdparty/protocol/${encodeURIComponent(protocol)}`, []);
    if (info === undefined) return null;
    if (!isProtocol(info)) {
      this.logger?.warn({ appservice: appservice.id, protocol }, "application service answered invalid third-party protocol metadata");
      return null;
    }
    return { ...info, instances: info.instances.map((instance) => withInstanceId(instance, appservice.id)) };
  }

  private async queryAll<K extends ThirdPartyKind>(
    appservices: readonly LookupAppservice[],
    kind: K,
    path: string,
    fields: LookupFields,
  ): Promise<Array<ThirdPartyResultJson[K]>> {
    const answers = await Promise.all(
      appservices.map(async (appservice) => {
        const answer = await this.ask(appservice, path, fields);
        if (answer === undefined) return [];
        if (!Array.isArray(answer)) {
          this.logger?.warn({ appservice: appservice.id, path }, "application service answered a third-party lookup with something other than a list");
          return [];
        }
        const valid = answer.filter((result): result is ThirdPartyResultJson[K] => isResult(result, RESULT_KEY[kind]));
        if (valid.length < answer.length) {
          this.logger?.warn({ appservice: appservice.id, path, dropped: answer.length - valid.length }, "application service answered invalid third-party lookup results");
        }
        return valid;
      }),
    );
    return answers.flat();
  }

  /**
   * GET `{url}/_matrix/app/v1{path}?{fields}`, then the legacy `/_matrix/app/unstable{path}` when
   * that is not a success. The parsed JSON, or undefined (logged) when there is none to use.
   */
  private async ask(appservice: LookupAppservice, path: string, fields: LookupFields): Promise<unknown> {
    const base = (appservice.url ?? "").replace(/\/+$/, "");
    const query = new URLSearchParams(fields.map(([name, value]): [string, string] => [name, value]));
    const search = query.size === 0 ? "" : `?${query.toString()}`;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      for (const prefix of ["/_matrix/app/v1", "/_matrix/app/unstable"]) {
        const response = await fetch(`${base}${prefix}${path}${search}`, {
          headers: { authorization: `Bearer ${appservice.hsToken}`, accept: "application/json" },
          signal,
        });
        const text = await response.text();
        if (response.ok) return JSON.parse(text) as unknown;
        this.logger?.warn({ appservice: appservice.id, path: `${prefix}${path}`, status: response.status }, "application service refused a third-party lookup");
      }
    } catch (err) {
      this.logger?.warn({ appservice: appservice.id, path, err }, "third-party lookup at an application service failed");
    }
    return undefined;
  }
}

function unknownProtocol(protocol: string): MatrixError {
  return new MatrixError(404, ErrCode.NotFound, `Unknown protocol: ${protocol}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Enough of protocol.yaml to merge: an object whose `instances` is a list of objects. */
function isProtocol(value: unknown): value is ProtocolJson {
  return isObject(value) && Array.isArray(value.instances) && value.instances.every(isObject);
}

/** location.yaml / user.yaml: `alias` or `userid`, and `protocol`, are strings; `fields` an object. */
function isResult(value: unknown, key: string): boolean {
  return isObject(value) && typeof value[key] === "string" && typeof value.protocol === "string" && isObject(value.fields);
}

function withInstanceId(instance: ProtocolInstanceJson, appserviceId: string): ProtocolInstanceJson {
  return typeof instance.network_id === "string" ? { ...instance, instance_id: `${appserviceId}|${instance.network_id}` } : { ...instance };
}
