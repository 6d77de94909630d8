/**
 * The checks on a schema-valid config that a JSON schema cannot express: engine-dependent keys,
 * files that must exist, listener clashes and CIDR syntax. Paths must already be absolute.
 */
import { accessSync, constants, statSync } from "node:fs";
import { isIP } from "node:net";
import type { Config, ListenerConfig } from "./config.js";
import { ConfigError } from "./config-error.js";

const WILDCARD_BINDS = new Set(["0.0.0.0", "::", "*"]);

/** Throws the first problem found as a one-line ConfigError. */
export function checkConfig(config: Config, file: string): void {
  const { database } = config;
  if (database.engine === "sqlite" && database.path === undefined) {
    throw ConfigError.at(file, "database.path", "is required when database.engine is sqlite");
  }
  if (database.engine === "postgres" && database.url === undefined) {
    throw ConfigError.at(file, "database.url", "is required when database.engine is postgres");
  }

  const { client, federation } = config.listeners;
  if (federation !== undefined) {
    if (listenersClash(client, federation)) {
      throw ConfigError.at(file, "listeners.federation.port", `${federation.port} is already used by listeners.client`);
    }
    checkReadableFile(file, "listeners.federation.tls_cert", federation.tls_cert);
    checkReadableFile(file, "listeners.federation.tls_key", federation.tls_key);
  }

  config.appservice.config_files.forEach((path, i) => checkReadableFile(file, `appservice.config_files[${i}]`, path));

  config.outbound.deny_ip_ranges.forEach((range, i) => {
    if (!isCidr(range)) {
      throw ConfigError.at(
        file,
        `outbound.deny_ip_ranges[${i}]`,
        `must be a CIDR range such as 10.0.0.0/8 or fc00::/7 (got ${JSON.stringify(range)})`,
      );
    }
  });
}

function listenersClash(a: ListenerConfig, b: ListenerConfig): boolean {
  if (a.port !== b.port) return false;
  return a.bind === b.bind || WILDCARD_BINDS.has(a.bind) || WILDCARD_BINDS.has(b.bind);
}

/** "address/prefix" with an IPv4 or IPv6 address and a prefix length that fits it. */
export function isCidr(range: string): boolean {
  const slash = range.indexOf("/");
  if (slash < 0) return false;
  const family = isIP(range.slice(0, slash));
  const prefix = range.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function checkReadableFile(file: string, keyPath: string, path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw ConfigError.at(file, keyPath, `file not found: ${path}`);
  }
  if (!isFile) throw ConfigError.at(file, keyPath, `not a file: ${path}`);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw ConfigError.at(file, keyPath, `file not readable: ${path}`);
  }
}
