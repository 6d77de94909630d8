/**
 * Pagination tokens for `/rooms/{roomId}/messages` and `/context`: a position in one room's
 * topological order, `t<topological>-<stream>` (Dendrite's TopologyToken, Synapse's room
 * stream token). `topological` is the event's depth-based position, `stream` its stream
 * ordering, which breaks ties between events at the same depth.
 *
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidmessages —
 * `from`/`to` may also be a `/sync` `prev_batch` or `next_batch`; parsePaginationToken() tells
 * the two kinds apart, and the room's timeline maps a stream position to a topological one.
 */
import { ErrCode, MatrixError } from "../matrix/errors.js";
import { StreamToken } from "./stream-token.js";

const TOKEN = /^t(0|[1-9][0-9]{0,15})-(0|[1-9][0-9]{0,15})$/;

function invalid(what: string): MatrixError {
  return new MatrixError(400, ErrCode.InvalidParam, `Invalid pagination token: ${what}`);
}

export class TopologyToken {
  constructor(
    readonly topological: number,
    readonly stream: number,
  ) {
    for (const [name, value] of [["topological", topological], ["stream", stream]] as const) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new RangeError(`TopologyToken ${name} must be a non-negative safe integer, got ${value}`);
      }
    }
    Object.freeze(this);
  }

  /** Parses `t<topological>-<stream>`; throws MatrixError(400, M_INVALID_PARAM) otherwise. */
  static parse(token: string): TopologyToken {
    const m = typeof token === "string" ? TOKEN.exec(token) : null;
    if (m === null) throw invalid("unrecognised format");
    const topological = Number(m[1]);
    const stream = Number(m[2]);
    if (!Number.isSafeInteger(topological) || !Number.isSafeInteger(stream)) throw invalid("position out of range");
    return new TopologyToken(topological, stream);
  }

  /** Orders by topological position, then stream position: negative, 0 or positive. */
  static compare(a: TopologyToken, b: TopologyToken): number {
    return a.topological - b.topological || a.stream - b.stream;
  }

  compareTo(other: TopologyToken): number {
    return TopologyToken.compare(this, other);
  }

  isAfter(other: TopologyToken): boolean {
    return TopologyToken.compare(this, other) > 0;
  }

  isBefore(other: TopologyToken): boolean {
    return TopologyToken.compare(this, other) < 0;
  }

  equals(other: TopologyToken): boolean {
    return this.topological === other.topological && this.stream === other.stream;
  }

  toString(): string {
    return `t${this.topological}-${this.stream}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

export type PaginationToken =
  | { readonly kind: "topology"; readonly token: TopologyToken }
  | { readonly kind: "stream"; readonly token: StreamToken };

/**
 * Parses a `/messages` `from`/`to`: one of our topology tokens, or a `/sync` token.
 * Throws MatrixError(400, M_INVALID_PARAM) when it is neither.
 */
export function parsePaginationToken(token: string): PaginationToken {
  if (typeof token === "string" && token.startsWith("t")) {
    return { kind: "topology", token: TopologyToken.parse(token) };
  }
  return { kind: "stream", token: StreamToken.parse(token) };
}
