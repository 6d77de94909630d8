/**
 * Our own request body reader (no koa-bodyparser): the raw bytes are kept for X-Matrix signature
 * checks, and the size limit is enforced before reading (by Content-Length) and while streaming
 * (chunked bodies), so an oversized body is never buffered.
 * https://spec.matrix.org/v1.19/client-server-api/#api-standards
 */
import type { IncomingMessage } from "node:http";
import { ErrCode, MatrixError } from "../../matrix/errors.js";

const EMPTY = Buffer.alloc(0);

/** The client went away before sending the whole body; there is no one left to answer. */
export class RequestAbortedError extends Error {
  constructor() {
    super("request aborted by the client");
    this.name = "RequestAbortedError";
  }
}

function tooLarge(limit: number): MatrixError {
  return new MatrixError(413, ErrCode.TooLarge, `Request body too large (limit ${limit} bytes)`);
}

/**
 * Reads the whole body of `req`, at most `limit` bytes. Throws 413 M_TOO_LARGE when the declared
 * Content-Length or the bytes received exceed the limit (the rest is left unread), and
 * RequestAbortedError when the client disconnects first.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined) {
    const length = Number(declared);
    if (length > limit) return Promise.reject(tooLarge(limit));
    if (length === 0) return Promise.resolve(EMPTY);
  }
  if (req.complete && req.readableEnded) return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(req.destroyed ? new RequestAbortedError() : err);
    };
    const onClose = (): void => {
      cleanup();
      reject(new RequestAbortedError());
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/**
 * Parses a body that must be a JSON object. An empty body is `{}` (clients are asked to send
 * "a (potentially empty) JSON object", and some send nothing at all). Unparsable bytes are
 * 400 M_NOT_JSON; valid JSON that is not an object is 400 M_BAD_JSON.
 */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new MatrixError(400, ErrCode.NotJson, "Content not JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MatrixError(400, ErrCode.BadJson, "Content must be a JSON object.");
  }
  return value as Record<string, unknown>;
}
