/**
 * Loads the server's signing keys from `signing_key_path` (Synapse's key-file format), creating the
 * file with one new key when it does not exist. Written with mode 0600: the seed is a secret.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname } from "node:path";
import { formatSigningKeyFile, parseSigningKeyFile, SigningKey } from "../../crypto/signing-key.js";

export interface LoadedSigningKeys {
  keys: SigningKey[];
  created: boolean;
}

export function loadOrCreateSigningKeys(path: string): LoadedSigningKeys {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const key = SigningKey.generate();
    writeFileSync(path, formatSigningKeyFile([key]), { mode: 0o600, flag: "wx" });
    return { keys: [key], created: true };
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`signing_key_path: cannot read ${path}: ${(err as Error).message}`);
  }
  let keys: SigningKey[];
  try {
    keys = parseSigningKeyFile(text);
  } catch (err) {
    throw new Error(`signing_key_path: ${path}: ${(err as Error).message}`);
  }
  if (keys.length === 0) throw new Error(`signing_key_path: ${path} holds no signing key`);
  return { keys, created: false };
}
