/**
 * Users' pushers: POST /pushers/set and GET /pushers.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3pushersset
 *
 * - "If `kind` is not `null`, the pusher with this `app_id` and `pushkey` for this user is
 *   updated, or it is created if it doesn't exist. If `kind` is `null`, the pusher with this
 *   `app_id` and `pushkey` for this user is deleted."
 * - `append`: "If true, the homeserver should add another pusher with the given pushkey and App
 *   ID in addition to any others with different user IDs. Otherwise, the homeserver must remove
 *   any other pushers with the same App ID and pushkey for different users."
 * - `app_display_name`, `device_display_name`, `lang` and `data` are "Required if `kind` is not
 *   `null`" (M_MISSING_PARAM, naming them, as the spec's example); `app_id` is at most 64
 *   characters, `pushkey` at most 512 bytes (M_INVALID_PARAM).
 * - `data.url`: "Required if `kind` is `http`" (M_MISSING_PARAM) and "MUST be an HTTPS URL with a
 *   path of `/_matrix/push/v1/notify`" (M_INVALID_PARAM). Plain HTTP is accepted to a loopback
 *   address only (a gateway beside the homeserver): the security considerations' "never over
 *   HTTP" is about the network.
 * - `data.format`: "event_id_only" is the one format defined (M_INVALID_PARAM otherwise).
 * Only `http` pushers are supported; `email` needs a mailer Hearth has not (M_INVALID_PARAM).
 *
 * The pusher remembers the device whose token set it, and goes with that device (logout, device
 * deletion, deactivation): the spec's "one per device".
 */
import type { DataSource } from "typeorm";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { PusherJson, SetPusherBody } from "../../matrix/endpoints/client/pushers.js";
import type { Requester } from "../../matrix/endpoints/types.js";
import type { PusherRow, PushersStore } from "../../storage/stores/pushers-store.js";
import { runInTransaction } from "../../storage/transaction.js";

export const PUSH_GATEWAY_PATH = "/_matrix/push/v1/notify";
const MAX_APP_ID_CHARS = 64;
const MAX_PUSHKEY_BYTES = 512;
const FORMATS: ReadonlySet<string> = new Set(["event_id_only"]);
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "[::1]"]);

export interface PusherServiceDeps {
  db: DataSource;
  store: Pick<PushersStore, "selectPushersOfUsers" | "upsertPusher" | "deletePusher" | "deletePushersOfOtherUsers">;
  clock?: { now(): number };
}

export class PusherService {
  constructor(private readonly deps: PusherServiceDeps) {}

  /** GET /pushers: the user's pushers. */
  async getPushers(userId: string): Promise<PusherJson[]> {
    return (await this.deps.store.selectPushersOfUsers([userId])).map(toPusherJson);
  }

  /** POST /pushers/set: creates, replaces or (kind null) deletes a pusher of the requester. */
  async setPusher(requester: Requester, body: SetPusherBody): Promise<void> {
    const missing = (["kind", "app_id", "pushkey"] as const).filter((key) => body[key] === undefined);
    if (missing.length > 0) throw new MatrixError(400, ErrCode.MissingParam, `Missing parameters: ${missing.join(", ")}`);
    const appId = body.app_id!;
    const pushkey = body.pushkey!;
    if (appId.length > MAX_APP_ID_CHARS) throw new MatrixError(400, ErrCode.InvalidParam, `'app_id' is longer than ${MAX_APP_ID_CHARS} characters`);
    if (Buffer.byteLength(pushkey, "utf8") > MAX_PUSHKEY_BYTES) throw new MatrixError(400, ErrCode.InvalidParam, `'pushkey' is longer than ${MAX_PUSHKEY_BYTES} bytes`);
    const { userId } = requester;
    if (body.kind === null) {
      await runInTransaction(this.deps.db, (tx) => this.deps.store.deletePusher(tx, userId, appId, pushkey));
      return;
    }
    const absent = (["app_display_name", "device_display_name", "lang", "data"] as const).filter((key) => body[key] === undefined);
    if (absent.length > 0) throw new MatrixError(400, ErrCode.MissingParam, `Missing parameters: ${absent.join(", ")}`);
    if (body.kind !== "http") throw new MatrixError(400, ErrCode.InvalidParam, `Unsupported pusher kind '${body.kind}': only 'http' pushers are supported`);
    const data = body.data!;
    checkHttpData(data);
    const row: PusherRow = {
      userId,
      appId,
      pushkey,
      deviceId: requester.deviceId,
      kind: body.kind,
      appDisplayName: body.app_display_name!,
      deviceDisplayName: body.device_display_name!,
      profileTag: body.profile_tag ?? null,
      lang: body.lang!,
      data,
      pushkeyTs: (this.deps.clock ?? Date).now(),
    };
    await runInTransaction(this.deps.db, async (tx) => {
      if (body.append !== true) await this.deps.store.deletePushersOfOtherUsers(tx, appId, pushkey, userId);
      await this.deps.store.upsertPusher(tx, row);
    });
  }
}

/** The checks of an `http` pusher's data (see the module comment). */
function checkHttpData(data: Record<string, unknown>): void {
  if (data.url === undefined) throw new MatrixError(400, ErrCode.MissingParam, "'url' is required in 'data' for http pushers");
  let url: URL;
  try {
    url = new URL(String(data.url));
  } catch {
    throw new MatrixError(400, ErrCode.InvalidParam, "'data.url' is not a URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw new MatrixError(400, ErrCode.InvalidParam, "'data.url' must be an https URL");
  }
  if (url.pathname !== PUSH_GATEWAY_PATH) throw new MatrixError(400, ErrCode.InvalidParam, `'data.url' must have the path '${PUSH_GATEWAY_PATH}'`);
  if (data.format !== undefined && !FORMATS.has(String(data.format))) throw new MatrixError(400, ErrCode.InvalidParam, "'data.format' must be 'event_id_only'");
}

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function toPusherJson(row: PusherRow): PusherJson {
  const json: PusherJson = {
    pushkey: row.pushkey,
    kind: row.kind,
    app_id: row.appId,
    app_display_name: row.appDisplayName,
    device_display_name: row.deviceDisplayName,
    lang: row.lang,
    data: row.data,
  };
  if (row.profileTag !== null) json.profile_tag = row.profileTag;
  return json;
}
