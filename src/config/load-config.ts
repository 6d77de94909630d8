/**
 * Reads config.yaml: YAML syntax, then defaults (config-defaults.ts), then the schema
 * (config-schema.ts), then relative paths resolved against the config file's directory, then the
 * checks a schema cannot make (check-config.ts). The first problem is thrown as a ConfigError whose
 * message is one line naming the file and the dotted key path.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { Config } from "./config.js";
import { applyConfigDefaults } from "./config-defaults.js";
import { ConfigError } from "./config-error.js";
import { configSchema } from "./config-schema.js";
import { checkConfig } from "./check-config.js";
import { describeSchemaError } from "./describe-schema-error.js";
import { configDocumentToJs, parseConfigDocument } from "./parse-config-document.js";

/** ajv-formats is CommonJS: under NodeNext its default import is module.exports (the plugin itself). */
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

let validator: ValidateFunction<Config> | null = null;

function getValidator(): ValidateFunction<Config> {
  if (validator === null) {
    const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true });
    addFormats(ajv, ["uri"]);
    validator = ajv.compile(configSchema);
  }
  return validator;
}

/** Reads, checks and completes the config file at `path`; throws ConfigError on any problem. */
export function loadConfig(path: string): Config {
  return parseConfigText(readConfigFile(path), path);
}

/** The text of the config file at `path`; a missing or unreadable file is a ConfigError. */
export function readConfigFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: ${code === "ENOENT" ? "file not found" : `cannot read file (${code ?? String(err)})`}`);
  }
}

/**
 * As loadConfig, for text already in memory that is (or will be) the file at `path`: messages name
 * `path` and relative paths resolve against its directory.
 */
export function parseConfigText(text: string, path: string): Config {
  const raw = configDocumentToJs(parseConfigDocument(text, path), path);
  applyConfigDefaults(raw);
  const validate = getValidator();
  if (!validate(raw)) throw describeSchemaError(path, validate.errors ?? []);
  const config = raw;
  resolveConfigPaths(config, dirname(resolve(path)));
  checkConfig(config, path);
  return config;
}

/** Makes every file path in `config` absolute, relative ones taken from `baseDir`. */
function resolveConfigPaths(config: Config, baseDir: string): void {
  const abs = (path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));
  if (config.data_dir !== undefined) config.data_dir = abs(config.data_dir);
  if (config.database.path !== undefined && config.database.path !== ":memory:") {
    config.database.path = abs(config.database.path);
  }
  config.signing_key_path = abs(config.signing_key_path);
  config.media.store_path = abs(config.media.store_path);
  const federation = config.listeners.federation;
  if (federation !== undefined) {
    federation.tls_cert = abs(federation.tls_cert);
    federation.tls_key = abs(federation.tls_key);
  }
  config.appservice.config_files = config.appservice.config_files.map(abs);
  if (config.log.file !== undefined) config.log.file = abs(config.log.file);
}
