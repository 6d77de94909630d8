/**
 * One authenticated WebSocket sync connection (docs/websocket-sync.md): pushes sync batches as
 * frames and answers the client's requests.
 *
 * Batches: the first frame at once (the initial or catch-up batch, even if empty), then a frame
 * whenever the next batch after the last sent `next_batch` has something in it. Every batch is
 * built from the last token sent, so nothing is queued per connection but that token.
 *
 * Back-pressure: before building a batch the session waits until the socket's unsent bytes
 * (`bufferedAmount`) are at most `highWaterMark`; whatever happened meanwhile goes out as one
 * coalesced batch. So a client that stops reading costs at most one frame beyond the mark.
 * Requests are answered one at a time, in order; while answers are stuck behind the mark the
 * session stops reading the client's frames.
 *
 * Heartbeats: WebSocketSync calls heartbeat() on every session from one shared timer; a peer
 * that has not answered the previous ping is terminated. Each heartbeat also refreshes the user's
 * presence as a long-poll would.
 *
 * An idle session holds the socket, its last token and the pending wait for the next batch: no
 * timer of its own and no copy of what it has sent.
 */
import type { WebSocket } from "ws";
import type { Requester } from "../matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../matrix/errors.js";
import type { JsonObject } from "../matrix/pdu-json.js";
import type { Logger } from "../util/logger.js";
import type { StreamToken } from "./stream-token.js";
import type { SyncHandler } from "./sync-handler.js";
import type { SyncRequest } from "./streams/stream-provider.js";
import { parseStreamRequest, runStreamMethod, type StreamMethodServices, type StreamRequest } from "./websocket-methods.js";

export interface WebSocketSessionOptions {
  /** Unsent bytes above which no batch is built (back-pressure). */
  readonly highWaterMark: number;
  /** How long one wait for new data lasts before it is simply started again (ms). */
  readonly waitMs: number;
}

export interface WebSocketSessionDeps {
  readonly handler: Pick<SyncHandler, "nextBatch" | "applyPresence">;
  readonly methods: StreamMethodServices;
  readonly logger?: Logger;
}

/** What a session has done, for tests and metrics. */
export interface WebSocketSessionStats {
  framesSent: number;
  bytesSent: number;
  /** The largest frame written, in bytes. */
  largestFrameBytes: number;
  /** The most unsent bytes seen right after writing a frame. */
  maxBufferedAmount: number;
  /** Times a batch waited for the socket to drain. */
  blockedWaits: number;
}

/** Close codes (docs/websocket-sync.md). */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_INTERNAL_ERROR = 1011;

export class WebSocketSession {
  readonly stats: WebSocketSessionStats = { framesSent: 0, bytesSent: 0, largestFrameBytes: 0, maxBufferedAmount: 0, blockedWaits: 0 };
  private since: StreamToken | null;
  private readonly abort = new AbortController();
  /** Settles when the last frame written has left the process's buffers. */
  private lastFlush: Promise<void> = Promise.resolve();
  private requests: Promise<void> = Promise.resolve();
  private pendingRequests = 0;
  private alive = true;
  private closed = false;
  /** Resolves when the batch loop has ended. */
  readonly done: Promise<void>;

  constructor(
    private readonly ws: WebSocket,
    readonly requester: Requester,
    private readonly request: SyncRequest,
    private readonly deps: WebSocketSessionDeps,
    private readonly options: WebSocketSessionOptions,
  ) {
    this.since = request.since;
    ws.on("message", (data, isBinary) => this.onMessage(isBinary ? null : data.toString()));
    ws.on("pong", () => {
      this.alive = true;
    });
    ws.on("close", () => this.stop());
    ws.on("error", () => this.stop());
    this.done = this.run();
  }

  /** The socket's unsent bytes now. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Closes the connection (1001 at shutdown). */
  close(code = CLOSE_GOING_AWAY, reason = "server shutting down"): void {
    this.stop();
    this.ws.close(code, reason);
  }

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
  }

  private async run(): Promise<void> {
    try {
      await this.sendBatch(true);
      while (!this.closed) await this.sendBatch(false);
    } catch (err) {
      if (this.closed) return;
      this.deps.logger?.error({ err, userId: this.requester.userId }, "websocket sync failed");
      this.sendFrame({ error: { errcode: ErrCode.Unknown, error: "Internal server error" } });
      this.close(CLOSE_INTERNAL_ERROR, "internal error");
    }
  }

  /**
   * One turn of the batch loop: waits for the socket to drain, then for the next batch, and
   * sends it (the first even if empty). A method of its own so that a sent batch is garbage as
   * soon as it is written: a loop body's locals can stay reachable from the suspended loop while
   * it waits for the next batch, which would keep every idle client's last batch in memory.
   */
  private async sendBatch(first: boolean): Promise<void> {
    await this.drained();
    if (this.closed) return;
    const request = first ? { ...this.request, since: this.since } : { ...this.request, since: this.since, fullState: false };
    const batch = await this.deps.handler.nextBatch(request, { timeoutMs: first ? 0 : this.options.waitMs, signal: this.abort.signal });
    if (this.closed) return;
    if (first || !batch.result.isEmpty()) this.sendFrame(batch.result.toJson(batch.token));
    this.since = batch.token;
  }

  /** Waits while more than highWaterMark bytes are unsent. */
  private async drained(): Promise<void> {
    while (!this.closed && this.ws.bufferedAmount > this.options.highWaterMark) {
      this.stats.blockedWaits++;
      await this.lastFlush;
    }
  }

  private sendFrame(frame: object): void {
    if (this.closed) return;
    const text = JSON.stringify(frame);
    this.lastFlush = new Promise<void>((resolve) => this.ws.send(text, () => resolve()));
    this.stats.framesSent++;
    const bytes = Buffer.byteLength(text);
    this.stats.bytesSent += bytes;
    if (bytes > this.stats.largestFrameBytes) this.stats.largestFrameBytes = bytes;
    if (this.ws.bufferedAmount > this.stats.maxBufferedAmount) this.stats.maxBufferedAmount = this.ws.bufferedAmount;
  }

  /** Terminates the peer if it has not answered the previous ping, else pings it again. */
  heartbeat(): void {
    if (this.closed) return;
    if (!this.alive) {
      this.stop();
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
    this.deps.handler.applyPresence(this.request).catch((err: unknown) => this.deps.logger?.warn({ err }, "presence refresh failed"));
  }

  /** Queues a client frame; answers are written in order. */
  private onMessage(text: string | null): void {
    this.pendingRequests++;
    if (this.pendingRequests > MAX_PENDING_REQUESTS) this.ws.pause();
    this.requests = this.requests.then(async () => {
      try {
        await this.answer(text);
      } finally {
        this.pendingRequests--;
        // Stop reading requests while their answers cannot be sent.
        await this.drained();
        if (!this.closed && this.pendingRequests <= MAX_PENDING_REQUESTS) this.ws.resume();
      }
    });
  }

  private async answer(text: string | null): Promise<void> {
    let request: StreamRequest | null = null;
    try {
      if (text === null) throw new MatrixError(400, ErrCode.NotJson, "Frames must be text");
      request = parseStreamRequest(text);
      const result: JsonObject = await runStreamMethod(this.deps.methods, this.requester, request);
      this.sendFrame({ id: request.id, result });
    } catch (err) {
      const error = err instanceof MatrixError ? err : null;
      if (error === null) this.deps.logger?.error({ err, userId: this.requester.userId }, "websocket request failed");
      this.sendFrame({
        id: request?.id ?? null,
        error: error === null ? { errcode: ErrCode.Unknown, error: "Internal server error" } : { errcode: error.errcode, error: error.message, ...error.extra },
      });
    }
  }
}

/** Requests waiting for their turn before the session stops reading the client's frames. */
const MAX_PENDING_REQUESTS = 64;
