/**
 * The one template behind both `hearth generate-config` and the committed config.sample.yaml, so
 * their comments never drift apart (spec/config/config-template.spec.ts compares the sample with
 * this output). Every key of config-schema.ts appears here with a comment; optional keys without a
 * value are written commented out.
 */
import { join } from "node:path";
import { stringify } from "yaml";
import { DEFAULT_DENY_IP_RANGES, type RateLimitSetting } from "./config.js";
import {
  DEFAULT_ACCESS_TOKEN_LIFETIME_MS,
  DEFAULT_CLIENT_BIND,
  DEFAULT_CLIENT_PORT,
  DEFAULT_DATA_DIR,
  DEFAULT_FEDERATION_BIND,
  DEFAULT_FEDERATION_PORT,
  DEFAULT_LOGIN_RATE_LIMIT,
  DEFAULT_MAX_REQUEST_SIZE,
  DEFAULT_MAX_UPLOAD_SIZE,
  DEFAULT_MESSAGE_RATE_LIMIT,
  DEFAULT_NOTIFICATIONS_PRUNING,
  DEFAULT_REGISTRATION_RATE_LIMIT,
  DEFAULT_SCRYPT_LOG_N,
  DEFAULT_THIRD_PARTY_PROTOCOL_CACHE_MS,
  DEFAULT_THIRD_PARTY_TIMEOUT_MS,
  DEFAULT_TURN_USER_LIFETIME_MS,
  defaultDatabasePath,
  defaultSigningKeyPath,
} from "./config-defaults.js";
import { splitServerName } from "./split-server-name.js";

/** The values the template fills in; paths as they are to be written (relative to the file or absolute). */
export interface ConfigTemplateValues {
  serverName: string;
  publicBaseUrl: string;
  dataDir: string;
  clientBind: string;
  clientPort: number;
  federationBind: string;
  federationPort: number;
  tlsCertPath: string;
  tlsKeyPath: string;
  databasePath: string;
  signingKeyPath: string;
  mediaStorePath: string;
  /** Written commented out when null. */
  registrationSharedSecret: string | null;
}

export interface TemplateValueOptions {
  serverName: string;
  /** As written in the file; default "data". */
  dataDir?: string;
  clientPort?: number;
  federationPort?: number;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1"]);

/**
 * Values for a new server: files under `dataDir`; listeners bound to loopback when the server name
 * is a loopback name (nobody else can reach it), else federation on all interfaces; a public base
 * URL of http://host:clientPort/ for loopback names and https://host/ otherwise.
 */
export function configTemplateValues(options: TemplateValueOptions): ConfigTemplateValues {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const clientPort = options.clientPort ?? DEFAULT_CLIENT_PORT;
  const { host } = splitServerName(options.serverName);
  const loopback = LOOPBACK_HOSTS.has(host.toLowerCase());
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    serverName: options.serverName,
    publicBaseUrl: loopback ? `http://${urlHost}:${clientPort}/` : `https://${urlHost}/`,
    dataDir,
    clientBind: DEFAULT_CLIENT_BIND,
    clientPort,
    federationBind: loopback ? "127.0.0.1" : DEFAULT_FEDERATION_BIND,
    federationPort: options.federationPort ?? DEFAULT_FEDERATION_PORT,
    tlsCertPath: join(dataDir, "tls.crt"),
    tlsKeyPath: join(dataDir, "tls.key"),
    databasePath: defaultDatabasePath(dataDir),
    signingKeyPath: defaultSigningKeyPath(dataDir, options.serverName),
    mediaStorePath: join(dataDir, "media"),
    registrationSharedSecret: null,
  };
}

/** A YAML scalar, quoted only where YAML needs it. */
function scalar(value: string | number | boolean): string {
  return stringify(value).trimEnd();
}

function rateLimit(name: string, limit: RateLimitSetting, what: string): string {
  return [
    `  # ${what}`,
    `  ${name}:`,
    `    per_second: ${scalar(limit.per_second)} # sustained rate, in actions per second`,
    `    burst_count: ${scalar(limit.burst_count)} # actions allowed at once before the rate applies`,
  ].join("\n");
}

/** The commented config.yaml text for `v`. */
export function renderConfigTemplate(v: ConfigTemplateValues): string {
  const secret =
    v.registrationSharedSecret === null
      ? "  # shared_secret: <a long random string>"
      : `  shared_secret: ${scalar(v.registrationSharedSecret)}`;
  const denyRanges = DEFAULT_DENY_IP_RANGES.map((range) => `    - ${scalar(range)}`).join("\n");
  return `# Hearth homeserver configuration.
#
# Relative paths are relative to the directory of this file. A key left out (or left empty) takes
# its default; the defaults are the values written here unless a comment says otherwise.
# Check this file with \`hearth config validate\`; change one key with \`hearth config set KEY VALUE\`.

# The server name: the part after the colon in user IDs (@alice:${v.serverName}) and room aliases.
# It cannot be changed once users and rooms exist. A DNS name, IPv4 address or [IPv6] address,
# optionally followed by :port.
server_name: ${scalar(v.serverName)}

# The URL clients use to reach the client API (through any reverse proxy).
# Default: https://<server_name host>/
public_baseurl: ${scalar(v.publicBaseUrl)}

# Directory for the server's own files: the default home of the database, the signing key and media.
data_dir: ${scalar(v.dataDir)}

# Where the server listens for HTTP.
listeners:
  # The client-server API (and media), plain HTTP: put a TLS-terminating reverse proxy in front of
  # it, or bind it to 127.0.0.1 for local use only.
  client:
    bind: ${scalar(v.clientBind)} # address to listen on; 0.0.0.0 or :: for every interface
    port: ${scalar(v.clientPort)} # 1 to 65535
  # The server-server (federation) API over TLS. Leave this section out when a reverse proxy
  # forwards federation traffic to the client listener instead.
  federation:
    bind: ${scalar(v.federationBind)} # default 0.0.0.0
    port: ${scalar(v.federationPort)} # default 8448, the port other servers try first
    tls_cert: ${scalar(v.tlsCertPath)} # PEM certificate chain (must exist)
    tls_key: ${scalar(v.tlsKeyPath)} # PEM private key (must exist)

# Where the server keeps its state.
database:
  # sqlite (one process, no setup) or postgres (needed to run more than one process).
  engine: sqlite
  # The PostgreSQL connection URL (engine: postgres).
  # url: postgresql://hearth:password@localhost:5432/hearth
  # The SQLite database file (engine: sqlite). Default: <data_dir>/homeserver.db
  path: ${scalar(v.databasePath)}

# Redis, for running more than one Hearth process: it carries wake-ups, typing and presence
# between them. Leave out for a single process.
# redis:
#   url: redis://localhost:6379

# The Ed25519 key this server signs events and requests with, in Synapse's format (keys can move
# between the two). Keep it secret and keep it: other servers remember it.
# Default: <data_dir>/<server_name>.signing.key
signing_key_path: ${scalar(v.signingKeyPath)}

# Uploaded files (images, attachments, avatars).
media:
  # Where uploaded and cached remote media are stored. Default: <data_dir>/media
  store_path: ${scalar(v.mediaStorePath)}
  # Largest upload accepted, in bytes (${DEFAULT_MAX_UPLOAD_SIZE / 1024 / 1024} MiB).
  max_upload_size: ${scalar(DEFAULT_MAX_UPLOAD_SIZE)}

# Creating accounts.
registration:
  # Whether anyone may register an account through the client API. Admins can always add users
  # with \`hearth user add\`.
  enabled: false
  # Shared secret for the admin registration API (/_synapse/admin/v1/register).
${secret}
  # Whether registration needs a registration token (MSC3231).
  require_token: false
  # Whether guest accounts are allowed.
  allow_guests: false

# Talking to other Matrix servers.
federation:
  # Whether to talk to other Matrix servers at all.
  enabled: true
  # Whether to check other servers' TLS certificates. Turn off for test networks only.
  verify_certificates: true
  # Server names federation is limited to (\`*\` matches any characters); empty means every server.
  allow: []
  # Server names never federated with (\`*\` matches any characters).
  deny: []

# Connections this server makes.
outbound:
  # CIDR ranges this server never connects to (federation, push gateways, URL previews), so that
  # it cannot be used to reach private networks. Default: the private and special ranges below.
  deny_ip_ranges:
${denyRanges}

# Login sessions.
session:
  # How long an access token lasts, in milliseconds, when the client asked for a refresh token
  # (\`refresh_token: true\` at login or registration) and can renew it. Tokens issued without a
  # refresh token never expire.
  access_token_lifetime_ms: ${scalar(DEFAULT_ACCESS_TOKEN_LIFETIME_MS)}

# Storing passwords.
password_hashing:
  # scrypt cost of new password hashes, as log2 of N: each step doubles the time and memory a hash
  # takes (${DEFAULT_SCRYPT_LOG_N}: 32 MiB). Existing hashes keep working and are upgraded at the next login.
  scrypt_log_n: ${scalar(DEFAULT_SCRYPT_LOG_N)}

# Limits on how fast clients may act.
rate_limits:
  # Whether to limit how fast each user (or address) may act. Token buckets: \`burst_count\`
  # actions at once, refilled at \`per_second\`.
  enabled: true
${rateLimit("message", DEFAULT_MESSAGE_RATE_LIMIT, "Sending events to rooms.")}
${rateLimit("login", DEFAULT_LOGIN_RATE_LIMIT, "Login attempts.")}
${rateLimit("registration", DEFAULT_REGISTRATION_RATE_LIMIT, "Account registrations.")}

# Push notifications.
push:
  # GET /notifications lists notifications after they are read, for a while: read ones are
  # deleted this long after they were read, in milliseconds (${DEFAULT_NOTIFICATIONS_PRUNING.keepReadMs / 86_400_000} days)…
  notifications_keep_read_ms: ${scalar(DEFAULT_NOTIFICATIONS_PRUNING.keepReadMs)}
  # …and each user keeps only this many of the newest read ones.
  notifications_keep_read_per_user: ${scalar(DEFAULT_NOTIFICATIONS_PRUNING.keepReadPerUser)}
  # How often read notifications are pruned, in milliseconds (${DEFAULT_NOTIFICATIONS_PRUNING.pruneIntervalMs / 3_600_000} hour).
  notifications_prune_interval_ms: ${scalar(DEFAULT_NOTIFICATIONS_PRUNING.pruneIntervalMs)}

# Application services (bridges, bots).
appservice:
  # Application service registration files (YAML, as for Synapse). Each must exist.
  config_files: []
  # How long each application service has to answer a third-party lookup (/thirdparty/…), in
  # milliseconds; one that does not answer in time is left out of the response.
  third_party_lookup_timeout_ms: ${scalar(DEFAULT_THIRD_PARTY_TIMEOUT_MS)}
  # How long an application service's third-party protocol metadata (/thirdparty/protocols) is
  # kept, in milliseconds; 0 asks every time. A service that failed is asked again next time.
  third_party_protocol_cache_ms: ${scalar(DEFAULT_THIRD_PARTY_PROTOCOL_CACHE_MS)}

# Logging.
log:
  # Also append log lines to this file.
  # file: hearth.log
  # trace, debug, info, warn, error or fatal. At info, requests are logged only when they fail
  # (4xx, 5xx); debug logs every request.
  level: info
  # pretty (for people) or json (one object per line, for log collectors).
  format: pretty

# Largest request body accepted, in bytes (${DEFAULT_MAX_REQUEST_SIZE / 1024 / 1024} MiB); media uploads use
# media.max_upload_size instead.
max_request_size: ${scalar(DEFAULT_MAX_REQUEST_SIZE)}

# TURN servers that clients use to relay voice and video calls (GET /_matrix/client/v3/voip/turnServer).
voip:
  # URIs of the TURN server (turn:… or turns:…); empty means none is offered.
  turn_uris: []
  # The secret shared with the TURN server (coturn: use-auth-secret, static-auth-secret): clients
  # get time-limited credentials derived from it.
  # turn_shared_secret: <a long random string>
  # Without a shared secret: a fixed username and password to hand out.
  # turn_username: hearth
  # turn_password: <password>
  # How long handed-out credentials stay valid, in milliseconds (${DEFAULT_TURN_USER_LIFETIME_MS / 3600_000} hours).
  turn_user_lifetime_ms: ${scalar(DEFAULT_TURN_USER_LIFETIME_MS)}

# Delegation, served at /.well-known/matrix/server and /.well-known/matrix/client when set:
# server is where other servers should connect (host:port), client is the client base URL.
# well_known:
#   server: matrix.example.org:443
#   client: https://matrix.example.org/
`;
}
