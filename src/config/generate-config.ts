/**
 * Writes a new server's files: a commented config.yaml (config-template.ts), its Ed25519 signing
 * key (Synapse's format, `ed25519 a_XXXX <base64 seed>`, via services/keys/signing-key-file.ts), a self-signed TLS certificate and key for the federation listener, and a
 * random registration shared secret inside the config. The SQLite database is to live at
 * `<dataDir>/homeserver.db`; it is created by the first start or `hearth migrate`.
 *
 * An existing config is never overwritten. An existing signing key or TLS pair in the data
 * directory is kept and reused: a server's signing key is its identity to other servers.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { randomString } from "../crypto/random-string.js";
import { loadOrCreateSigningKeys } from "../services/keys/signing-key-file.js";
import { ConfigError } from "./config-error.js";
import { SERVER_NAME_PATTERN } from "./config-schema.js";
import { configTemplateValues, renderConfigTemplate } from "./config-template.js";
import { generateSelfSignedCertificate } from "./self-signed-certificate.js";
import { splitServerName } from "./split-server-name.js";

export interface GenerateConfigOptions {
  serverName: string;
  /** The config file to write; must not exist. */
  outPath: string;
  /** Default: `data` next to the config file. Relative paths are relative to the working directory. */
  dataDir?: string;
  clientPort?: number;
  federationPort?: number;
}

export interface GeneratedConfig {
  /** Absolute paths of what was written or reused. */
  configPath: string;
  dataDir: string;
  signingKeyPath: string;
  tlsCertPath: string;
  tlsKeyPath: string;
  databasePath: string;
  /** Files written by this call, in order. */
  created: string[];
  /** Files that already existed and were kept. */
  kept: string[];
}

const SHARED_SECRET_LENGTH = 48;
const SERVER_NAME = new RegExp(SERVER_NAME_PATTERN);

export function generateConfig(options: GenerateConfigOptions): GeneratedConfig {
  const { serverName, outPath } = options;
  if (!SERVER_NAME.test(serverName)) {
    throw new ConfigError(
      `invalid server name ${JSON.stringify(serverName)}: expected a DNS name, IPv4 address or [IPv6] address, optionally followed by :port`,
    );
  }
  for (const [name, port] of [["client", options.clientPort], ["federation", options.federationPort]] as const) {
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
      throw new ConfigError(`invalid ${name} port ${port}: must be an integer from 1 to 65535`);
    }
  }
  const configPath = resolve(outPath);
  if (existsSync(configPath)) {
    throw new ConfigError(`${outPath} already exists; refusing to overwrite it (remove it or choose another path)`);
  }
  const configDir = dirname(configPath);
  const dataDir = options.dataDir === undefined ? join(configDir, "data") : resolve(options.dataDir);

  const values = configTemplateValues({
    serverName,
    dataDir: pathAsWritten(dataDir, configDir),
    clientPort: options.clientPort,
    federationPort: options.federationPort,
  });
  values.registrationSharedSecret = randomString(SHARED_SECRET_LENGTH);

  const result: GeneratedConfig = {
    configPath,
    dataDir,
    signingKeyPath: resolve(configDir, values.signingKeyPath),
    tlsCertPath: resolve(configDir, values.tlsCertPath),
    tlsKeyPath: resolve(configDir, values.tlsKeyPath),
    databasePath: resolve(configDir, values.databasePath),
    created: [],
    kept: [],
  };
  mkdirSync(configDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  writeSigningKey(result);
  writeTlsPair(result, splitServerName(serverName).host);
  writeFileSync(configPath, renderConfigTemplate(values), { flag: "wx", mode: 0o600 });
  result.created.push(configPath);
  return result;
}

/** Reuses a signing key already there (it is the server's identity), else writes a new one. */
function writeSigningKey(result: GeneratedConfig): void {
  let created: boolean;
  try {
    created = loadOrCreateSigningKeys(result.signingKeyPath).created;
  } catch (err) {
    throw new ConfigError(`existing signing key unusable: ${(err as Error).message}`);
  }
  (created ? result.created : result.kept).push(result.signingKeyPath);
}

function writeTlsPair(result: GeneratedConfig, host: string): void {
  const certExists = existsSync(result.tlsCertPath);
  const keyExists = existsSync(result.tlsKeyPath);
  if (certExists && keyExists) {
    result.kept.push(result.tlsCertPath, result.tlsKeyPath);
    return;
  }
  if (certExists || keyExists) {
    const [present, missing] = certExists ? [result.tlsCertPath, result.tlsKeyPath] : [result.tlsKeyPath, result.tlsCertPath];
    throw new ConfigError(`found ${present} but not ${missing}; remove it or supply both`);
  }
  const { certPem, keyPem } = generateSelfSignedCertificate(host);
  writeFileSync(result.tlsKeyPath, keyPem, { flag: "wx", mode: 0o600 });
  writeFileSync(result.tlsCertPath, certPem, { flag: "wx", mode: 0o644 });
  result.created.push(result.tlsCertPath, result.tlsKeyPath);
}

/** `path` relative to `from` when inside it (so the tree can move), else absolute. */
export function pathAsWritten(path: string, from: string): string {
  const rel = relative(from, path);
  if (rel === "") return ".";
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
