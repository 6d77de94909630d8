/**
 * Defaults for config.yaml, so that a file holding only `server_name` works.
 *
 * | key                               | default                                             |
 * | --------------------------------- | --------------------------------------------------- |
 * | data_dir                          | `data` (next to the config file)                    |
 * | public_baseurl                    | `https://<server_name host>/`                       |
 * | listeners.client                  | bind 127.0.0.1, port 8008                           |
 * | listeners.federation              | none; when given, bind 0.0.0.0, port 8448           |
 * | database                          | when absent: engine sqlite, path <data_dir>/homeserver.db; when given, engine sqlite |
 * | signing_key_path                  | `<data_dir>/<server_name>.signing.key`              |
 * | media                             | store_path <data_dir>/media, max_upload_size 50 MiB |
 * | registration                      | enabled false, require_token false, allow_guests false |
 * | federation                        | enabled, verify_certificates, allow [], deny []     |
 * | outbound.deny_ip_ranges           | DEFAULT_DENY_IP_RANGES (private and special ranges) |
 * | session.access_token_lifetime_ms  | 300,000 (5 minutes, as Synapse's refreshable tokens) |
 * | password_hashing.scrypt_log_n     | 15 (32 MiB per hash)                                |
 * | rate_limits                       | enabled; message 0.2/s burst 10; login and registration 0.17/s burst 3 |
 * | push.notifications_*              | read ones kept 30 days, 500 per user; pruned hourly |
 * | appservice.config_files           | []                                                  |
 * | appservice.third_party_*          | lookup timeout 10 s, protocol metadata kept 5 minutes |
 * | log                               | level info, format pretty                           |
 * | max_request_size                  | 10 MiB (federation transactions carry up to 50 PDUs of 64 KiB; key uploads can be large) |
 * | voip                              | turn_uris [], turn_user_lifetime_ms 1 day           |
 *
 * Mappings are filled key by key, so `rate_limits: { enabled: false }` keeps the default buckets.
 * Lists are replaced whole. A key with an empty (null) value counts as absent.
 */
import { join } from "node:path";
import { DEFAULT_NOTIFICATIONS_PRUNING } from "../services/push/notifications-service.js";
import { DEFAULT_THIRD_PARTY_PROTOCOL_CACHE_MS, DEFAULT_THIRD_PARTY_TIMEOUT_MS } from "../services/appservices/third-party-lookup.js";
import { DEFAULT_DENY_IP_RANGES, type RateLimitSetting } from "./config.js";
import { splitServerName } from "./split-server-name.js";

const MIB = 1024 * 1024;

export const DEFAULT_DATA_DIR = "data";
export const DEFAULT_CLIENT_PORT = 8008;
export const DEFAULT_FEDERATION_PORT = 8448;
export const DEFAULT_CLIENT_BIND = "127.0.0.1";
export const DEFAULT_FEDERATION_BIND = "0.0.0.0";
export const DEFAULT_MAX_UPLOAD_SIZE = 50 * MIB;
export const DEFAULT_MAX_REQUEST_SIZE = 10 * MIB;
/** As Synapse's rc_message: one message every five seconds sustained, ten in a burst. */
export const DEFAULT_MESSAGE_RATE_LIMIT: RateLimitSetting = { per_second: 0.2, burst_count: 10 };
/** As Synapse's rc_login / rc_registration: about one every six seconds, three in a burst. */
export const DEFAULT_LOGIN_RATE_LIMIT: RateLimitSetting = { per_second: 0.17, burst_count: 3 };
/** How long an access token issued with a refresh token lasts. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME_MS = 5 * 60_000;
/** scrypt cost of new password hashes (log2 N); see services/users/password-hasher.ts. */
export const DEFAULT_SCRYPT_LOG_N = 15;
export const DEFAULT_REGISTRATION_RATE_LIMIT: RateLimitSetting = { per_second: 0.17, burst_count: 3 };
/** As Synapse's turn_user_lifetime: TURN credentials valid for a day. */
export const DEFAULT_TURN_USER_LIFETIME_MS = 24 * 3600_000;
export { DEFAULT_NOTIFICATIONS_PRUNING, DEFAULT_THIRD_PARTY_PROTOCOL_CACHE_MS, DEFAULT_THIRD_PARTY_TIMEOUT_MS };

type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The default SQLite database file inside `dataDir`. */
export function defaultDatabasePath(dataDir: string): string {
  return join(dataDir, "homeserver.db");
}

/** The default signing key file inside `dataDir`, named as Synapse names it. */
export function defaultSigningKeyPath(dataDir: string, serverName: string): string {
  return join(dataDir, `${serverName}.signing.key`);
}

/**
 * Fills the defaults above into `raw` (a parsed, not yet validated config mapping) in place.
 * Values of the wrong type are left alone for the schema to report.
 */
export function applyConfigDefaults(raw: Mapping): void {
  dropNullKeys(raw);
  const dataDir = typeof raw.data_dir === "string" && raw.data_dir !== "" ? raw.data_dir : DEFAULT_DATA_DIR;
  const serverName = typeof raw.server_name === "string" ? raw.server_name : null;

  const defaults: Mapping = {
    data_dir: DEFAULT_DATA_DIR,
    listeners: { client: { bind: DEFAULT_CLIENT_BIND, port: DEFAULT_CLIENT_PORT } },
    media: { store_path: join(dataDir, "media"), max_upload_size: DEFAULT_MAX_UPLOAD_SIZE },
    registration: { enabled: false, require_token: false, allow_guests: false },
    federation: { enabled: true, verify_certificates: true, allow: [], deny: [] },
    outbound: { deny_ip_ranges: [...DEFAULT_DENY_IP_RANGES] },
    session: { access_token_lifetime_ms: DEFAULT_ACCESS_TOKEN_LIFETIME_MS },
    password_hashing: { scrypt_log_n: DEFAULT_SCRYPT_LOG_N },
    rate_limits: {
      enabled: true,
      message: { ...DEFAULT_MESSAGE_RATE_LIMIT },
      login: { ...DEFAULT_LOGIN_RATE_LIMIT },
      registration: { ...DEFAULT_REGISTRATION_RATE_LIMIT },
    },
    push: {
      notifications_keep_read_ms: DEFAULT_NOTIFICATIONS_PRUNING.keepReadMs,
      notifications_keep_read_per_user: DEFAULT_NOTIFICATIONS_PRUNING.keepReadPerUser,
      notifications_prune_interval_ms: DEFAULT_NOTIFICATIONS_PRUNING.pruneIntervalMs,
    },
    appservice: {
      config_files: [],
      third_party_lookup_timeout_ms: DEFAULT_THIRD_PARTY_TIMEOUT_MS,
      third_party_protocol_cache_ms: DEFAULT_THIRD_PARTY_PROTOCOL_CACHE_MS,
    },
    log: { level: "info", format: "pretty" },
    max_request_size: DEFAULT_MAX_REQUEST_SIZE,
    voip: { turn_uris: [], turn_user_lifetime_ms: DEFAULT_TURN_USER_LIFETIME_MS },
  };
  if (serverName !== null && serverName !== "") {
    defaults.public_baseurl = defaultPublicBaseUrl(serverName);
    defaults.signing_key_path = defaultSigningKeyPath(dataDir, serverName);
  }
  fillDefaults(raw, defaults);

  if (raw.database === undefined) raw.database = { engine: "sqlite", path: defaultDatabasePath(dataDir) };
  else if (isMapping(raw.database)) fillDefaults(raw.database, { engine: "sqlite" });

  const listeners = raw.listeners;
  if (isMapping(listeners) && isMapping(listeners.federation)) {
    fillDefaults(listeners.federation, { bind: DEFAULT_FEDERATION_BIND, port: DEFAULT_FEDERATION_PORT });
  }
}

/** `https://<host>/`: clients reach the server by its host name on the standard HTTPS port. */
function defaultPublicBaseUrl(serverName: string): string {
  const { host } = splitServerName(serverName);
  return host.includes(":") ? `https://[${host}]/` : `https://${host}/`;
}

function fillDefaults(target: Mapping, defaults: Mapping): void {
  for (const key of Object.keys(defaults)) {
    const value = defaults[key];
    const current = target[key];
    if (current === undefined) target[key] = structuredClone(value);
    else if (isMapping(current) && isMapping(value)) fillDefaults(current, value);
  }
}

/** Deletes keys whose value is null (an empty YAML value), in every nested mapping. */
function dropNullKeys(mapping: Mapping): void {
  for (const key of Object.keys(mapping)) {
    const value = mapping[key];
    if (value === null) delete mapping[key];
    else if (isMapping(value)) dropNullKeys(value);
  }
}
