/**
 * Sync over a WebSocket: `GET /_matrix/client/unstable/org.hearth.stream`, upgraded with the
 * subprotocol `m.json`. The protocol is written down in docs/websocket-sync.md.
 *
 * This is the upgrade side: it checks the path and subprotocol, authenticates (an
 * `Authorization: Bearer` header before upgrading, or — for browsers, which cannot set headers
 * on a WebSocket — a first frame `{"access_token": "…"}` within `authTimeoutMs`), resolves the
 * query (`since`, `filter`, `set_presence`, `full_state`, `use_state_after`, as for /sync) and
 * hands the connection to a WebSocketSession. Failures before the upgrade are HTTP errors with
 * the usual `{errcode, error}` body; after it, an `{"error": …}` frame and a close code.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { SetPresence } from "../matrix/endpoints/client/sync.js";
import type { Requester } from "../matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../matrix/errors.js";
import type { Logger } from "../util/logger.js";
import type { SyncHandler } from "./sync-handler.js";
import { parseSyncRequest, type SyncQueryParams, type SyncRequestParser } from "./sync-request.js";
import type { StreamMethodServices } from "./websocket-methods.js";
import { WebSocketSession, type WebSocketSessionOptions } from "./websocket-session.js";

export const WEBSOCKET_SYNC_PATH = "/_matrix/client/unstable/org.hearth.stream";
/** The `unstable_features` flag of /versions. */
export const WEBSOCKET_SYNC_FEATURE = "org.hearth.stream";
export const WEBSOCKET_SUBPROTOCOL = "m.json";

/** Close codes after the upgrade (docs/websocket-sync.md). */
export const CLOSE_BAD_REQUEST = 4400;
export const CLOSE_UNAUTHORIZED = 4401;

export interface WebSocketSyncOptions extends Partial<WebSocketSessionOptions> {
  /** Interval of the pings that detect dead peers (ms); one timer serves every connection. */
  readonly heartbeatMs?: number;
  /** How long a connection without an Authorization header may take to send its token (ms). */
  readonly authTimeoutMs?: number;
  /** Largest client frame accepted, in bytes. */
  readonly maxPayload?: number;
}

export interface WebSocketSyncDeps {
  readonly handler: Pick<SyncHandler, "nextBatch" | "applyPresence">;
  readonly parser: SyncRequestParser;
  /** Checks an access token (401 M_UNKNOWN_TOKEN and the like as MatrixError). */
  authenticate(accessToken: string, ip: string): Promise<Requester>;
  readonly methods: StreamMethodServices;
  readonly logger?: Logger;
  readonly options?: WebSocketSyncOptions;
}

const DEFAULTS = { highWaterMark: 1024 * 1024, waitMs: 30_000, heartbeatMs: 30_000, authTimeoutMs: 10_000, maxPayload: 1024 * 1024 };
const PRESENCE: ReadonlySet<string> = new Set(["offline", "online", "unavailable"]);

export class WebSocketSync {
  private readonly server: WebSocketServer;
  private readonly live = new Set<WebSocketSession>();
  private readonly pending = new Set<WebSocket>();
  private readonly sessionOptions: WebSocketSessionOptions;
  private readonly authTimeoutMs: number;
  private readonly heartbeatMs: number;
  /** Pings every live session; runs only while there is one. */
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly deps: WebSocketSyncDeps) {
    const options = { ...DEFAULTS, ...deps.options };
    this.sessionOptions = { highWaterMark: options.highWaterMark, waitMs: options.waitMs };
    this.authTimeoutMs = options.authTimeoutMs;
    this.heartbeatMs = options.heartbeatMs;
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayload,
      handleProtocols: (protocols) => (protocols.has(WEBSOCKET_SUBPROTOCOL) ? WEBSOCKET_SUBPROTOCOL : false),
    });
  }

  /** The open, authenticated connections. */
  get sessions(): ReadonlySet<WebSocketSession> {
    return this.live;
  }

  /** Takes an HTTP upgrade of the client listener; false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== WEBSOCKET_SYNC_PATH) return false;
    void this.upgrade(req, socket, head, url.searchParams).catch((err: unknown) => {
      this.deps.logger?.error({ err }, "websocket upgrade failed");
      socket.destroy();
    });
    return true;
  }

  /** Closes every connection (shutdown). */
  closeAll(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const session of this.live) session.close();
    for (const ws of this.pending) ws.close(1001, "server shutting down");
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, search: URLSearchParams): Promise<void> {
    const offered = (req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
    if (!offered.includes(WEBSOCKET_SUBPROTOCOL)) {
      return refuse(socket, new MatrixError(400, ErrCode.InvalidParam, `The WebSocket subprotocol ${WEBSOCKET_SUBPROTOCOL} is required`));
    }
    const ip = req.socket.remoteAddress ?? "";
    const authorization = req.headers.authorization;
    let requester: Requester | null = null;
    let query: SyncQueryParams;
    try {
      query = queryOf(search);
      if (authorization !== undefined) {
        const match = /^Bearer\s+(\S+)$/i.exec(authorization);
        if (match === null) throw new MatrixError(401, ErrCode.UnknownToken, "Invalid Authorization header");
        requester = await this.deps.authenticate(match[1]!, ip);
      }
    } catch (err) {
      if (err instanceof MatrixError) return refuse(socket, err);
      throw err;
    }
    let parsed: Awaited<ReturnType<typeof parseSyncRequest>> | null = null;
    if (requester !== null) {
      try {
        parsed = await parseSyncRequest(requester.userId, requester.deviceId, query, this.deps.parser);
      } catch (err) {
        if (err instanceof MatrixError) return refuse(socket, err);
        throw err;
      }
    }
    if (socket.destroyed) return;
    this.server.handleUpgrade(req, socket, head, (ws) => {
      if (requester !== null && parsed !== null) this.startSession(ws, requester, parsed);
      else this.awaitToken(ws, ip, query);
    });
  }

  /** A connection without an Authorization header: its first frame must carry the token. */
  private awaitToken(ws: WebSocket, ip: string, query: SyncQueryParams): void {
    this.pending.add(ws);
    const timer = setTimeout(() => fail(new MatrixError(401, ErrCode.MissingToken, "No access token received")), this.authTimeoutMs);
    const fail = (err: MatrixError, code = CLOSE_UNAUTHORIZED): void => {
      clearTimeout(timer);
      this.pending.delete(ws);
      ws.send(JSON.stringify({ error: err.toJSON() }));
      ws.close(code, err.errcode);
    };
    ws.on("close", () => {
      clearTimeout(timer);
      this.pending.delete(ws);
    });
    ws.once("message", (data, isBinary) => {
      void (async () => {
        let token: unknown;
        try {
          token = isBinary ? undefined : (JSON.parse(data.toString()) as { access_token?: unknown }).access_token;
        } catch {
          token = undefined;
        }
        if (typeof token !== "string") return fail(new MatrixError(401, ErrCode.MissingToken, 'The first frame must be {"access_token": "…"}'));
        let requester: Requester;
        try {
          requester = await this.deps.authenticate(token, ip);
        } catch (err) {
          if (err instanceof MatrixError) return fail(err);
          throw err;
        }
        let request;
        try {
          request = await parseSyncRequest(requester.userId, requester.deviceId, query, this.deps.parser);
        } catch (err) {
          if (err instanceof MatrixError) return fail(err, CLOSE_BAD_REQUEST);
          throw err;
        }
        clearTimeout(timer);
        if (!this.pending.delete(ws)) return; // closed meanwhile
        this.startSession(ws, requester, request);
      })().catch((err: unknown) => {
        this.deps.logger?.error({ err }, "websocket authentication failed");
        fail(new MatrixError(500, ErrCode.Unknown, "Internal server error"), 1011);
      });
    });
  }

  private startSession(ws: WebSocket, requester: Requester, request: Awaited<ReturnType<typeof parseSyncRequest>>): void {
    const session = new WebSocketSession(ws, requester, request, { handler: this.deps.handler, methods: this.deps.methods, logger: this.deps.logger }, this.sessionOptions);
    this.live.add(session);
    ws.on("close", () => {
      this.live.delete(session);
      if (this.live.size === 0 && this.heartbeat !== null) {
        clearInterval(this.heartbeat);
        this.heartbeat = null;
      }
    });
    if (this.heartbeat === null) {
      this.heartbeat = setInterval(() => {
        for (const live of this.live) live.heartbeat();
      }, this.heartbeatMs);
      this.heartbeat.unref();
    }
    void this.deps.handler.applyPresence(request).catch((err: unknown) => this.deps.logger?.warn({ err }, "presence update failed"));
  }
}

/** The query parameters, checked as /sync's schema checks them. */
function queryOf(search: URLSearchParams): SyncQueryParams {
  const presence = search.get("set_presence");
  if (presence !== null && !PRESENCE.has(presence)) throw new MatrixError(400, ErrCode.InvalidParam, "Invalid query parameter 'set_presence'");
  return {
    since: search.get("since"),
    filter: search.get("filter"),
    set_presence: presence as SetPresence | null,
    full_state: booleanParam(search, "full_state"),
    use_state_after: booleanParam(search, "use_state_after"),
  };
}

function booleanParam(search: URLSearchParams, name: string): boolean | null {
  const value = search.get(name);
  if (value === null) return null;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new MatrixError(400, ErrCode.InvalidParam, `Invalid query parameter '${name}': must be true or false`);
}

/** Answers an upgrade request with an HTTP error and closes the socket. */
function refuse(socket: Duplex, error: MatrixError): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(error.toJSON());
  const reason = error.status === 401 ? "Unauthorized" : error.status === 403 ? "Forbidden" : "Bad Request";
  socket.end(
    `HTTP/1.1 ${error.status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
