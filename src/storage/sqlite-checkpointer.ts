/**
 * WAL checkpoints of a SQLite file database, off the event loop.
 *
 * In WAL mode every commit appends the pages it changed to the `-wal` file, and a checkpoint
 * copies them back into the database file. SQLite's own automatic checkpoint runs inside the
 * COMMIT that crosses `wal_autocheckpoint` pages, on the connection that commits: here, the one
 * writing connection on the main thread. Copying is two system calls a page, so that COMMIT
 * stalls the whole server: on the delivery benchmark (1,000 sends/s, ~75 WAL pages a commit) a
 * 10,000-page checkpoint blocked the event loop for 30–40 ms every ~400 ms, which alone set the
 * send → delivery p99; a smaller threshold only trades fewer long stalls for more short ones.
 *
 * So the writer's automatic checkpoint is raised to a safety cap (SAFETY_CAP_PAGES), and this
 * class checkpoints in a worker thread with a connection of its own, a few times a second while
 * the database is being written (`noteWrite()` after each write transaction). It uses PASSIVE
 * checkpoints, which never wait for and never block the writer or the readers: they copy the
 * frames no reader still needs, while commits go on. When a checkpoint has copied everything,
 * SQLite starts the WAL again from its beginning at the next write, so the file stays small; if
 * the worker fell behind (or died), the writer's own checkpoint at the cap still bounds it.
 *
 * The thread costs about 10 MiB of memory while it runs, and about 4 MiB stay with the process
 * once it has run (malloc keeps what it freed), so it runs only when there is work for it: a
 * checkpoint is due once the WAL holds `minWalFrames` frames, read from the wal-index header in
 * the `-shm` file (https://www.sqlite.org/walformat.html: `mxFrame`, native byte order, at byte
 * 16), and the thread ends once `idleStopMs` have passed without one. A server that writes little
 * (start-up, an idle server's presence updates) never starts it. (The WAL file's size would not
 * do: SQLite reuses the file from its beginning, and having it cut back when the WAL starts again
 * costs the writer a truncation of up to hundreds of megabytes, 130 ms seen.)
 */
import { closeSync, openSync, readSync } from "node:fs";
import { endianness } from "node:os";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** WAL pages after which the writing connection checkpoints by itself (only if this falls behind). */
export const SAFETY_CAP_PAGES = 100_000;

export interface CheckpointResult {
  /** Whether the checkpoint could not run to completion (a reader or another checkpointer). */
  readonly busy: boolean;
  /** Frames in the WAL. */
  readonly log: number;
  /** Frames already copied into the database file. */
  readonly checkpointed: number;
}

export interface SqliteCheckpointerOptions {
  /** Wait after a write before checkpointing (writes in the meantime share it), ms; default 200. */
  readonly intervalMs?: number;
  /** The thread ends after this long without writes, ms; default 10,000. */
  readonly idleStopMs?: number;
  /** WAL frames (pages) below which no checkpoint is worth it; default 1,000 (~4 MiB). */
  readonly minWalFrames?: number;
  /** Told of each checkpoint's outcome (tests, metrics). */
  readonly onCheckpoint?: (result: CheckpointResult) => void;
  /** Told of a failed checkpoint or a thread that died; the next write starts a new thread. */
  readonly onError?: (err: Error) => void;
}

/** Runs in the thread: plain CommonJS, so that it needs no TypeScript loader. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
db.pragma("synchronous = NORMAL");
parentPort.on("message", (message) => {
  if (message !== "checkpoint") return;
  try {
    const [row] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ ok: true, busy: row.busy !== 0, log: row.log, checkpointed: row.checkpointed });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String(err && err.message ? err.message : err) });
  }
});
`;

type WorkerReply = { ok: true; busy: boolean; log: number; checkpointed: number } | { ok: false; error: string };

export class SqliteCheckpointer {
  private readonly intervalMs: number;
  private readonly idleStopMs: number;
  private readonly minWalFrames: number;
  /** The `-shm` file, opened at the first look. */
  private shm: number | null = null;
  private readonly header = Buffer.alloc(4);
  private worker: Worker | null = null;
  /** A write happened since the last checkpoint started. */
  private dirty = false;
  private inFlight = false;
  private timer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Failed checkpoints in a row: each doubles the wait before the next (at most 2^8 times). */
  private failures = 0;
  /** Resolves when the checkpoint in flight answers (close() waits for it). */
  private settled: Promise<void> = Promise.resolve();
  private settle: (() => void) | null = null;
  /** Checkpoints run (tests). */
  checkpoints = 0;
  /** Threads started (tests). */
  threadsStarted = 0;

  constructor(
    private readonly path: string,
    private readonly options: SqliteCheckpointerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 200;
    this.idleStopMs = options.idleStopMs ?? 10_000;
    this.minWalFrames = options.minWalFrames ?? 1_000;
  }

  /** Whether the thread is running now. */
  get running(): boolean {
    return this.worker !== null;
  }

  /** A write transaction has committed: a checkpoint follows within `intervalMs`. */
  noteWrite(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    if (this.timer === null && !this.inFlight) this.schedule(this.intervalMs);
  }

  /** Ends the thread (after the checkpoint in flight, if any). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.timer = this.idleTimer = null;
    await this.settled;
    await this.stopThread();
    if (this.shm !== null) closeSync(this.shm);
    this.shm = null;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.checkpoint();
    }, delayMs);
    this.timer.unref();
  }

  private checkpoint(): void {
    if (this.closed || this.inFlight) return;
    const wasDirty = this.dirty;
    this.dirty = false;
    if (this.walFrames() < this.minWalFrames) {
      this.idle();
      return;
    }
    const worker = this.thread();
    this.inFlight = true;
    this.settled = new Promise<void>((resolve) => (this.settle = resolve));
    worker.once("message", (reply: WorkerReply) => this.answered(reply, wasDirty));
    worker.postMessage("checkpoint");
  }

  private answered(reply: WorkerReply, wasDirty: boolean): void {
    this.inFlight = false;
    this.settle?.();
    this.settle = null;
    if (reply.ok) {
      this.failures = 0;
      this.checkpoints++;
      this.options.onCheckpoint?.({ busy: reply.busy, log: reply.log, checkpointed: reply.checkpointed });
    } else {
      this.failures++;
      this.options.onError?.(new Error(`WAL checkpoint failed: ${reply.error}`));
    }
    if (this.closed) return;
    if (this.dirty) this.schedule(this.intervalMs * 2 ** Math.min(this.failures, 8));
    // Frames left behind (a reader needed them): try again while the writes go on or not.
    else if (reply.ok && wasDirty && reply.checkpointed < reply.log) this.schedule(this.intervalMs);
    else this.idle();
  }

  /** Nothing to do for now: the thread, if any, ends after idleStopMs unless a write comes. */
  private idle(): void {
    if (this.worker === null || this.idleTimer !== null) return;
    this.idleTimer = setTimeout(() => void this.stopIfIdle(), this.idleStopMs).unref();
  }

  /** Frames in the WAL now, as the wal-index header says (0 when there is none). */
  walFrames(): number {
    try {
      this.shm ??= openSync(`${this.path}-shm`, "r");
      if (readSync(this.shm, this.header, 0, 4, 16) < 4) return 0;
      return endianness() === "LE" ? this.header.readUInt32LE(0) : this.header.readUInt32BE(0);
    } catch {
      return 0;
    }
  }

  private async stopIfIdle(): Promise<void> {
    this.idleTimer = null;
    if (this.dirty || this.inFlight || this.timer !== null) return;
    await this.stopThread();
  }

  private thread(): Worker {
    if (this.worker !== null) return this.worker;
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, path: this.path },
      // The thread holds one connection and answers one message at a time.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    worker.on("error", (err: unknown) => {
      // An error thrown in the thread arrives as a copy; better-sqlite3's keeps only its code.
      const detail = err instanceof Error && err.message !== "" ? err.message : JSON.stringify(err);
      this.options.onError?.(new Error(`WAL checkpoint thread failed: ${detail}`));
      this.forget(worker);
    });
    worker.on("exit", () => this.forget(worker));
    this.worker = worker;
    this.threadsStarted++;
    return worker;
  }

  /** The thread is gone: a checkpoint it owed is not coming; the next write starts another. */
  private forget(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.inFlight) {
      this.inFlight = false;
      this.failures++;
      this.settle?.();
      this.settle = null;
    }
  }

  private async stopThread(): Promise<void> {
    const worker = this.worker;
    if (worker === null) return;
    this.worker = null;
    await worker.terminate();
  }
}
