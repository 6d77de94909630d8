/**
 * The shape of config.yaml. Keys keep the file's snake_case names: this type is the file format
 * (a wire type, like the spec's), and `config-schema.ts` checks it with `JSONSchemaType<Config>`
 * so the schema and this type cannot drift apart.
 */
export type DatabaseEngine = "sqlite" | "postgres";
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

export interface ListenerConfig {
  bind: string;
  port: number;
}

export interface FederationListenerConfig extends ListenerConfig {
  tls_cert: string;
  tls_key: string;
}

export interface RateLimitSetting {
  /** Sustained requests per second. */
  per_second: number;
  /** Bucket size: requests allowed in a burst. */
  burst_count: number;
}

export interface Config {
  server_name: string;
  /**
   * Directory for the server's own files; the default location of the SQLite database, the
   * signing key and the media store. loadConfig() always fills it in (default: `data` next to the
   * config file).
   */
  data_dir?: string;
  public_baseurl: string;
  listeners: {
    client: ListenerConfig;
    federation?: FederationListenerConfig;
  };
  database: {
    engine: DatabaseEngine;
    /** SQLite file path (engine: sqlite). */
    path?: string;
    /** PostgreSQL connection URL (engine: postgres). */
    url?: string;
  };
  redis?: { url: string };
  signing_key_path: string;
  media: {
    store_path: string;
    max_upload_size: number;
  };
  registration: {
    enabled: boolean;
    shared_secret?: string;
    require_token: boolean;
    allow_guests: boolean;
  };
  federation: {
    enabled: boolean;
    verify_certificates: boolean;
    /** Server names (globs with `*`) federation is limited to; empty means all. */
    allow: string[];
    deny: string[];
  };
  outbound: {
    /** CIDR ranges the server never connects to (federation, push gateways, URL previews). */
    deny_ip_ranges: string[];
  };
  session: {
    /**
     * Lifetime of access tokens issued together with a refresh token (clients that send
     * `refresh_token: true`), in milliseconds. Tokens issued without one never expire.
     */
    access_token_lifetime_ms: number;
  };
  password_hashing: {
    /** log2 of scrypt's N for new password hashes: 15 costs 32 MiB and tens of milliseconds per hash. */
    scrypt_log_n: number;
  };
  rate_limits: {
    enabled: boolean;
    message: RateLimitSetting;
    login: RateLimitSetting;
    registration: RateLimitSetting;
  };
  /** Push notifications: how long GET /notifications keeps listing read ones. */
  push: {
    /** Read notifications are deleted this long after they were read, in milliseconds. */
    notifications_keep_read_ms: number;
    /** Read notifications kept per user (the newest). */
    notifications_keep_read_per_user: number;
    /** Time between prunings of read notifications, in milliseconds. */
    notifications_prune_interval_ms: number;
  };
  appservice: {
    config_files: string[];
    /** How long each application service has to answer a third-party lookup, in milliseconds. */
    third_party_lookup_timeout_ms: number;
    /** How long an application service's third-party protocol metadata is kept, in milliseconds; 0: not kept. */
    third_party_protocol_cache_ms: number;
  };
  log: {
    level: LogLevel;
    format: "pretty" | "json";
    /** Also write log lines to this file. */
    file?: string;
  };
  /** Largest request body accepted, in bytes (media uploads use media.max_upload_size). */
  max_request_size: number;
  /** TURN servers for VoIP clients (GET /voip/turnServer). */
  voip: {
    /** turn: / turns: URIs; empty means no TURN server is offered. */
    turn_uris: string[];
    /** Secret shared with the TURN server (coturn `static-auth-secret`): time-limited credentials. */
    turn_shared_secret?: string;
    /** A fixed username and password, when there is no shared secret. */
    turn_username?: string;
    turn_password?: string;
    /** How long handed-out credentials stay valid, in milliseconds. */
    turn_user_lifetime_ms: number;
  };
  /** Well-known delegation (served at /.well-known/matrix/server when set). */
  well_known?: {
    server?: string;
    client?: string;
  };
}

/** Private and special-purpose ranges refused by default for outbound connections. */
export const DEFAULT_DENY_IP_RANGES: readonly string[] = [
  "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
  "192.0.0.0/24", "169.254.0.0/16", "192.88.99.0/24", "198.18.0.0/15", "192.0.2.0/24",
  "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "0.0.0.0/8", "255.255.255.255/32",
  "::1/128", "fe80::/10", "fc00::/7", "2001:db8::/32", "ff00::/8", "fec0::/10", "::/128",
];
