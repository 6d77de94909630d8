/**
 * The ajv schema of config.yaml, typed against `Config` so the two cannot drift apart.
 *
 * Every object has `additionalProperties: false`: a misspelt key is an error, never silently
 * ignored. Optional keys are `nullable` only because JSONSchemaType demands it for optional
 * properties; loadConfig() drops keys whose value is null (an empty YAML value) before validating,
 * so null never reaches the checked config.
 *
 * A schema's `description`, where present, is the phrase error messages use for what was expected
 * ("must be <description>"): patterns and formats say nothing useful on their own.
 */
import type { JSONSchemaType } from "ajv";
import type {
  Config,
  FederationListenerConfig,
  ListenerConfig,
  LogLevel,
  RateLimitSetting,
} from "./config.js";

/**
 * https://spec.matrix.org/v1.19/appendices/#server-name
 *
 *     server_name = hostname [ ":" port ]
 *     port        = 1*5DIGIT
 *     hostname    = IPv4address / "[" IPv6address "]" / dns-name
 *     IPv6address = 2*45IPv6char         ; 0-9, A-F, a-f, :, .
 *     dns-name    = 1*255dns-char        ; DIGIT / ALPHA / "-" / "."
 *
 * IPv4address (1*3DIGIT "." …) is a subset of dns-name, so it needs no branch of its own.
 */
export const SERVER_NAME_PATTERN = "^(?:\\[[0-9A-Fa-f:.]{2,45}\\]|[0-9A-Za-z.-]{1,255})(?::[0-9]{1,5})?$";

export const LOG_LEVELS: readonly LogLevel[] = ["trace", "debug", "info", "warn", "error", "fatal"];

const serverName = {
  type: "string",
  pattern: SERVER_NAME_PATTERN,
  description: "a server name: a DNS name, IPv4 address or [IPv6] address, optionally followed by :port",
} as const;

const httpUrl = {
  type: "string",
  format: "uri",
  pattern: "^https?://[^/?#]",
  description: "an http:// or https:// URL",
} as const;

const port = { type: "integer", minimum: 1, maximum: 65535 } as const;
const nonEmptyString = { type: "string", minLength: 1 } as const;
const positiveInteger = { type: "integer", minimum: 1 } as const;
const stringList = { type: "array", items: { type: "string", minLength: 1 } } as const;
const bind = { type: "string", minLength: 1, description: "an IP address or host name to listen on" } as const;

const clientListener: JSONSchemaType<ListenerConfig> = {
  type: "object",
  additionalProperties: false,
  required: ["bind", "port"],
  properties: { bind, port },
};

const federationListener: JSONSchemaType<FederationListenerConfig> & { nullable: true } = {
  type: "object",
  nullable: true,
  additionalProperties: false,
  required: ["bind", "port", "tls_cert", "tls_key"],
  properties: { bind, port, tls_cert: nonEmptyString, tls_key: nonEmptyString },
};

const rateLimit: JSONSchemaType<RateLimitSetting> = {
  type: "object",
  additionalProperties: false,
  required: ["per_second", "burst_count"],
  properties: {
    per_second: { type: "number", exclusiveMinimum: 0 },
    burst_count: positiveInteger,
  },
};

export const configSchema: JSONSchemaType<Config> = {
  type: "object",
  additionalProperties: false,
  required: [
    "server_name", "public_baseurl", "listeners", "database", "signing_key_path", "media", "registration",
    "federation", "outbound", "session", "password_hashing", "rate_limits", "push", "appservice", "log", "max_request_size",
  ],
  properties: {
    server_name: serverName,
    data_dir: { ...nonEmptyString, nullable: true },
    public_baseurl: httpUrl,
    listeners: {
      type: "object",
      additionalProperties: false,
      required: ["client"],
      properties: { client: clientListener, federation: federationListener },
    },
    database: {
      type: "object",
      additionalProperties: false,
      required: ["engine"],
      properties: {
        engine: { type: "string", enum: ["sqlite", "postgres"] },
        path: { ...nonEmptyString, nullable: true },
        url: {
          type: "string",
          nullable: true,
          pattern: "^postgres(?:ql)?://",
          description: "a postgres:// or postgresql:// URL",
        },
      },
    },
    redis: {
      type: "object",
      nullable: true,
      additionalProperties: false,
      required: ["url"],
      properties: {
        url: { type: "string", pattern: "^rediss?://", description: "a redis:// or rediss:// URL" },
      },
    },
    signing_key_path: nonEmptyString,
    media: {
      type: "object",
      additionalProperties: false,
      required: ["store_path", "max_upload_size"],
      properties: { store_path: nonEmptyString, max_upload_size: positiveInteger },
    },
    registration: {
      type: "object",
      additionalProperties: false,
      required: ["enabled", "require_token", "allow_guests"],
      properties: {
        enabled: { type: "boolean" },
        shared_secret: { ...nonEmptyString, nullable: true },
        require_token: { type: "boolean" },
        allow_guests: { type: "boolean" },
      },
    },
    federation: {
      type: "object",
      additionalProperties: false,
      required: ["enabled", "verify_certificates", "allow", "deny"],
      properties: {
        enabled: { type: "boolean" },
        verify_certificates: { type: "boolean" },
        allow: stringList,
        deny: stringList,
      },
    },
    outbound: {
      type: "object",
      additionalProperties: false,
      required: ["deny_ip_ranges"],
      properties: { deny_ip_ranges: stringList },
    },
    session: {
      type: "object",
      additionalProperties: false,
      required: ["access_token_lifetime_ms"],
      properties: { access_token_lifetime_ms: { type: "integer", minimum: 1000, description: "a whole number of milliseconds, at least 1000" } },
    },
    password_hashing: {
      type: "object",
      additionalProperties: false,
      required: ["scrypt_log_n"],
      properties: { scrypt_log_n: { type: "integer", minimum: 1, maximum: 20, description: "an integer from 1 to 20" } },
    },
    rate_limits: {
      type: "object",
      additionalProperties: false,
      required: ["enabled", "message", "login", "registration"],
      properties: {
        enabled: { type: "boolean" },
        message: rateLimit,
        login: rateLimit,
        registration: rateLimit,
      },
    },
    push: {
      type: "object",
      additionalProperties: false,
      required: ["notifications_keep_read_ms", "notifications_keep_read_per_user", "notifications_prune_interval_ms"],
      properties: {
        notifications_keep_read_ms: { type: "integer", minimum: 0, description: "a whole number of milliseconds, 0 or more" },
        notifications_keep_read_per_user: { type: "integer", minimum: 0, description: "a whole number, 0 or more" },
        notifications_prune_interval_ms: { type: "integer", minimum: 1000, description: "a whole number of milliseconds, at least 1000" },
      },
    },
    appservice: {
      type: "object",
      additionalProperties: false,
      required: ["config_files", "third_party_lookup_timeout_ms", "third_party_protocol_cache_ms"],
      properties: {
        config_files: stringList,
        third_party_lookup_timeout_ms: { type: "integer", minimum: 1, description: "a whole number of milliseconds, at least 1" },
        third_party_protocol_cache_ms: { type: "integer", minimum: 0, description: "a whole number of milliseconds, 0 or more" },
      },
    },
    log: {
      type: "object",
      additionalProperties: false,
      required: ["level", "format"],
      properties: {
        level: { type: "string", enum: LOG_LEVELS },
        format: { type: "string", enum: ["pretty", "json"] },
        file: { ...nonEmptyString, nullable: true },
      },
    },
    max_request_size: positiveInteger,
    voip: {
      type: "object",
      additionalProperties: false,
      required: ["turn_uris", "turn_user_lifetime_ms"],
      properties: {
        turn_uris: {
          type: "array",
          items: { type: "string", pattern: "^turns?:", description: "a turn: or turns: URI" },
        },
        turn_shared_secret: { ...nonEmptyString, nullable: true },
        turn_username: { ...nonEmptyString, nullable: true },
        turn_password: { ...nonEmptyString, nullable: true },
        turn_user_lifetime_ms: positiveInteger,
      },
    },
    well_known: {
      type: "object",
      nullable: true,
      additionalProperties: false,
      required: [],
      properties: {
        server: { ...serverName, nullable: true },
        client: { ...httpUrl, nullable: true },
      },
    },
  },
};
