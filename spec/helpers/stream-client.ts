/**
 * A test client of the WebSocket sync transport (docs/websocket-sync.md): connects with the
 * `m.json` subprotocol, collects sync frames and request answers, and can stop reading its
 * socket (to test back-pressure and heartbeats).
 */
import type { Socket } from "node:net";
import { WebSocket } from "ws";
import type { SyncResponseJson } from "../../src/matrix/endpoints/client/sync.js";

export interface StreamAnswer {
  id: string | null;
  result?: Record<string, unknown>;
  error?: { errcode: string; error: string };
}

export interface StreamConnectOptions {
  /** Sent as `Authorization: Bearer` (default), or in the first frame with `tokenInFrame`. */
  accessToken?: string;
  tokenInFrame?: boolean;
  protocols?: string[];
  /** Query string parameters (`since`, `filter`, …). */
  query?: Record<string, string>;
}

export class StreamClient {
  readonly frames: SyncResponseJson[] = [];
  readonly answers: StreamAnswer[] = [];
  /** `{error}` frames without an id (connection errors). */
  readonly errors: Array<{ errcode: string; error: string }> = [];
  closeCode: number | null = null;
  private readonly waiters = new Set<() => void>();
  private nextId = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      if ("next_batch" in frame) this.frames.push(frame as unknown as SyncResponseJson);
      else if ("id" in frame) this.answers.push(frame as unknown as StreamAnswer);
      else if ("error" in frame) this.errors.push(frame.error as { errcode: string; error: string });
      this.wake();
    });
    ws.on("close", (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  /** Opens a connection; rejects with `HTTP <status> <body>` when the upgrade is refused. */
  static connect(baseUrl: string, path: string, options: StreamConnectOptions = {}): Promise<StreamClient> {
    const url = new URL(path, baseUrl.replace(/^http/, "ws"));
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    const headers: Record<string, string> = {};
    if (options.accessToken !== undefined && !options.tokenInFrame) headers.authorization = `Bearer ${options.accessToken}`;
    const ws = new WebSocket(url, options.protocols ?? ["m.json"], { headers });
    const client = new StreamClient(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => {
        if (options.tokenInFrame && options.accessToken !== undefined) ws.send(JSON.stringify({ access_token: options.accessToken }));
        resolve(client);
      });
      ws.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => reject(new Error(`HTTP ${res.statusCode} ${body}`)));
      });
      ws.once("error", reject);
    });
  }

  /** Resolves once `done()` holds (checked after every frame), or fails after `timeoutMs`. */
  async until(done: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 200));
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a request and waits for its answer. */
  async request(method: string, params: Record<string, unknown> = {}, id = `r${++this.nextId}`): Promise<StreamAnswer> {
    this.ws.send(JSON.stringify({ id, method, params }));
    let answer: StreamAnswer | undefined;
    await this.until(() => (answer = this.answers.find((a) => a.id === id)) !== undefined, 10_000, `answer to ${id}`);
    this.answers.splice(this.answers.indexOf(answer!), 1);
    return answer!;
  }

  /** The last `next_batch` received. */
  get lastToken(): string | undefined {
    return this.frames[this.frames.length - 1]?.next_batch;
  }

  /** Every timeline event of `roomId` received, in order. */
  timeline(roomId: string): Array<{ event_id: string; type: string; content: Record<string, unknown> }> {
    return this.frames.flatMap((frame) => (frame.rooms.join[roomId]?.timeline?.events ?? []) as Array<{ event_id: string; type: string; content: Record<string, unknown> }>);
  }

  /** Stops reading the socket: the server's writes pile up in the network buffers, then in its own. */
  pauseReading(): void {
    (this.ws as unknown as { _socket: Socket })._socket.pause();
  }

  resumeReading(): void {
    (this.ws as unknown as { _socket: Socket })._socket.resume();
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once("close", () => resolve());
      this.ws.close();
    });
  }

  /** Drops the connection without a closing handshake. */
  terminate(): void {
    this.ws.terminate();
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}
