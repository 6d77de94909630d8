/**
 * Server signing keys: our own retired keys (server_signing_keys, published as
 * `old_verify_keys`) and other servers' keys cached from /_matrix/key/v2 (remote_server_keys).
 * https://spec.matrix.org/v1.19/server-server-api/#retrieving-server-keys
 */
import type { EntityManager } from "typeorm";
import { toNullableNumber, toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export interface OldVerifyKey {
  keyId: string;
  /** Unpadded base64 of the Ed25519 public key. */
  publicKey: string;
  expiredTs: number;
}

export interface RemoteServerKey {
  serverName: string;
  keyId: string;
  publicKey: string;
  validUntilTs: number;
  /** Set when the key was listed in `old_verify_keys`. */
  expiredTs: number | null;
  fetchedTs: number;
}

interface RemoteKeyDbRow {
  server_name: string;
  key_id: string;
  public_key: string;
  valid_until_ts: unknown;
  expired_ts: unknown;
  fetched_ts: unknown;
}

const REMOTE_COLUMNS = "server_name, key_id, public_key, valid_until_ts, expired_ts, fetched_ts";

export class ServerKeysStore extends BaseStore {
  /** Records one of our keys as retired; retiring it again keeps the first expiry. */
  async insertOldVerifyKey(tx: EntityManager, key: OldVerifyKey): Promise<void> {
    await this.d.execute(
      tx,
      "INSERT INTO server_signing_keys (key_id, public_key, expired_ts) VALUES (?, ?, ?) ON CONFLICT (key_id) DO NOTHING",
      [key.keyId, key.publicKey, key.expiredTs],
    );
  }

  async selectOldVerifyKeys(em: EntityManager = this.reader): Promise<OldVerifyKey[]> {
    const rows = await this.d.query<{ key_id: string; public_key: string; expired_ts: unknown }>(
      em,
      "SELECT key_id, public_key, expired_ts FROM server_signing_keys ORDER BY key_id",
    );
    return rows.map((row) => ({ keyId: row.key_id, publicKey: row.public_key, expiredTs: toNumber(row.expired_ts) }));
  }

  /**
   * Stores fetched keys. A key seen before keeps the later `valid_until_ts` (a notary's cached
   * answer must not shorten it) and stays expired once it was seen expired.
   */
  async upsertRemoteServerKeys(tx: EntityManager, keys: readonly RemoteServerKey[]): Promise<void> {
    // One statement may not update a row twice (pg): keep the last copy of each key.
    const unique = new Map<string, RemoteServerKey>();
    for (const key of keys) unique.set(`${key.serverName}\u0000${key.keyId}`, key);
    await this.d.insertMany(
      tx,
      "remote_server_keys",
      ["server_name", "key_id", "public_key", "valid_until_ts", "expired_ts", "fetched_ts"],
      [...unique.values()].map((key) => [key.serverName, key.keyId, key.publicKey, key.validUntilTs, key.expiredTs, key.fetchedTs]),
      `ON CONFLICT (server_name, key_id) DO UPDATE SET
         public_key = excluded.public_key,
         valid_until_ts = CASE WHEN excluded.valid_until_ts > remote_server_keys.valid_until_ts
           THEN excluded.valid_until_ts ELSE remote_server_keys.valid_until_ts END,
         expired_ts = COALESCE(excluded.expired_ts, remote_server_keys.expired_ts),
         fetched_ts = excluded.fetched_ts`,
    );
  }

  /** A server's cached keys, all or only `keyIds`. */
  async selectRemoteServerKeys(serverName: string, keyIds: readonly string[] | null = null): Promise<RemoteServerKey[]> {
    const rows = keyIds === null
      ? await this.d.query<RemoteKeyDbRow>(this.reader, `SELECT ${REMOTE_COLUMNS} FROM remote_server_keys WHERE server_name = ? ORDER BY key_id`, [serverName])
      : await this.d.query<RemoteKeyDbRow>(
        this.reader,
        `SELECT ${REMOTE_COLUMNS} FROM remote_server_keys WHERE server_name = ? AND key_id ${this.d.inArray} ORDER BY key_id`,
        [serverName, this.d.arrayParam(keyIds)],
      );
    return rows.map(toRemoteKey);
  }

  /**
   * The keys among `keyIds` that may verify a signature made at `ts`: a current key until its
   * `valid_until_ts`, an old one until its `expired_ts`. (Room versions 1–4 ignore
   * valid_until_ts; callers for those use selectRemoteServerKeys.)
   */
  async selectRemoteServerKeysValidAt(serverName: string, keyIds: readonly string[], ts: number): Promise<RemoteServerKey[]> {
    const rows = await this.d.query<RemoteKeyDbRow>(
      this.reader,
      `SELECT ${REMOTE_COLUMNS} FROM remote_server_keys
       WHERE server_name = ? AND key_id ${this.d.inArray} AND COALESCE(expired_ts, valid_until_ts) >= ?
       ORDER BY key_id`,
      [serverName, this.d.arrayParam(keyIds), ts],
    );
    return rows.map(toRemoteKey);
  }
}

function toRemoteKey(row: RemoteKeyDbRow): RemoteServerKey {
  return {
    serverName: row.server_name,
    keyId: row.key_id,
    publicKey: row.public_key,
    validUntilTs: toNumber(row.valid_until_ts),
    expiredTs: toNullableNumber(row.expired_ts),
    fetchedTs: toNumber(row.fetched_ts),
  };
}
