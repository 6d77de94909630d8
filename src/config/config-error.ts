/**
 * Why a config file was refused. The message is always one line, starting with the file and, when
 * one key is to blame, naming its dotted path: `config.yaml: listeners.client.port: must be …`.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Dotted path of the offending key (`listeners.client.port`), or null for file-level problems. */
  readonly keyPath: string | null;

  constructor(message: string, keyPath: string | null = null) {
    super(message);
    this.keyPath = keyPath;
  }

  /** `<file>: <keyPath>: <detail>`, or `<file>: <detail>` when no key is to blame. */
  static at(file: string, keyPath: string | null, detail: string): ConfigError {
    return new ConfigError(keyPath === null ? `${file}: ${detail}` : `${file}: ${keyPath}: ${detail}`, keyPath);
  }
}
