/**
 * The `/sync` token: one monotonic position per stream clients sync on, as an opaque string.
 *
 * https://spec.matrix.org/v1.19/client-server-api/#syncing — `next_batch` / `since` are opaque
 * to clients. Ours is `s` followed by the positions in STREAM_NAMES order, joined by `_`
 * (`s12_4_0_7_3_0_2_0`). The positions come from storage (habit 7), so a token issued before a
 * restart still means the same thing after it.
 *
 * Compatibility rule: new streams are only ever appended to STREAM_NAMES. A token from an older
 * build has fewer components; the missing trailing streams parse as position 0 ("send
 * everything on that stream"), never as an error. MIN_COMPONENTS is the length of the first
 * released token format and must not change.
 */
import { ErrCode, MatrixError } from "../matrix/errors.js";

/** The streams a sync token tracks, in token order. Append only (see the module comment). */
export const STREAM_NAMES = [
  "pdu",
  "typing",
  "receipt",
  "toDevice",
  "accountData",
  "deviceList",
  "presence",
  "invite",
] as const;

export type StreamName = (typeof STREAM_NAMES)[number];

export type StreamPositions = { readonly [S in StreamName]: number };

/** Index of each stream in STREAM_NAMES (and in a token's components). */
export const STREAM_INDEX: { readonly [S in StreamName]: number } = Object.freeze(
  Object.fromEntries(STREAM_NAMES.map((name, i) => [name, i])) as { [S in StreamName]: number },
);

const STREAM_COUNT = STREAM_NAMES.length;
const MIN_COMPONENTS = 8;
const PREFIX = "s";
/** A non-negative decimal integer in canonical form: no sign, no leading zeros, ≤ 16 digits. */
const POSITION = /^(?:0|[1-9][0-9]{0,15})$/;

export function isStreamName(value: unknown): value is StreamName {
  return typeof value === "string" && Object.hasOwn(STREAM_INDEX, value);
}

function invalid(reason: string): MatrixError {
  return new MatrixError(400, ErrCode.InvalidParam, `Invalid sync token: ${reason}`);
}

function checkPosition(stream: string, position: number): void {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new RangeError(`Stream position for ${stream} must be a non-negative safe integer, got ${position}`);
  }
}

export class StreamToken implements StreamPositions {
  static readonly ZERO = new StreamToken([0, 0, 0, 0, 0, 0, 0, 0]);

  readonly pdu: number;
  readonly typing: number;
  readonly receipt: number;
  readonly toDevice: number;
  readonly accountData: number;
  readonly deviceList: number;
  readonly presence: number;
  readonly invite: number;

  /** Positions in STREAM_NAMES order; callers outside this file use from()/parse(). */
  private constructor(positions: readonly number[]) {
    this.pdu = positions[0] ?? 0;
    this.typing = positions[1] ?? 0;
    this.receipt = positions[2] ?? 0;
    this.toDevice = positions[3] ?? 0;
    this.accountData = positions[4] ?? 0;
    this.deviceList = positions[5] ?? 0;
    this.presence = positions[6] ?? 0;
    this.invite = positions[7] ?? 0;
    Object.freeze(this);
  }

  /** Builds a token from named positions; unnamed streams are 0. */
  static from(positions: Partial<StreamPositions>): StreamToken {
    return StreamToken.ZERO.withUpdates(positions);
  }

  /** Builds a token from positions in STREAM_NAMES order (the notifier's internal form). */
  static fromArray(positions: ArrayLike<number>): StreamToken {
    if (positions.length !== STREAM_COUNT) {
      throw new RangeError(`Expected ${STREAM_COUNT} positions, got ${positions.length}`);
    }
    const copy: number[] = [];
    for (let i = 0; i < STREAM_COUNT; i++) {
      const p = positions[i] as number;
      checkPosition(STREAM_NAMES[i] as string, p);
      copy.push(p);
    }
    return new StreamToken(copy);
  }

  /**
   * Parses a token produced by toString() (by this or an earlier build).
   * Throws MatrixError(400, M_INVALID_PARAM) on anything else.
   */
  static parse(token: string): StreamToken {
    if (typeof token !== "string" || !token.startsWith(PREFIX)) {
      throw invalid("unrecognised format");
    }
    const parts = token.slice(PREFIX.length).split("_");
    if (parts.length < MIN_COMPONENTS || parts.length > STREAM_COUNT) {
      throw invalid("wrong number of positions");
    }
    const positions: number[] = [];
    for (const part of parts) {
      if (!POSITION.test(part)) throw invalid("positions must be non-negative integers");
      const n = Number(part);
      if (!Number.isSafeInteger(n)) throw invalid("position out of range");
      positions.push(n);
    }
    return new StreamToken(positions);
  }

  /** The position of one stream. */
  get(stream: StreamName): number {
    return this[stream];
  }

  /** Positions in STREAM_NAMES order. */
  toArray(): number[] {
    return [this.pdu, this.typing, this.receipt, this.toDevice, this.accountData, this.deviceList, this.presence, this.invite];
  }

  /**
   * True if any stream of this token is ahead of `other` (Dendrite's IsAfter): there may be
   * something to send to a client holding `other`.
   */
  isAfter(other: StreamToken): boolean {
    return (
      this.pdu > other.pdu ||
      this.typing > other.typing ||
      this.receipt > other.receipt ||
      this.toDevice > other.toDevice ||
      this.accountData > other.accountData ||
      this.deviceList > other.deviceList ||
      this.presence > other.presence ||
      this.invite > other.invite
    );
  }

  equals(other: StreamToken): boolean {
    return !this.isAfter(other) && !other.isAfter(this);
  }

  /** A copy with the given streams set to the given positions (which may go backwards). */
  withUpdates(updates: Partial<StreamPositions>): StreamToken {
    const positions = this.toArray();
    for (const name of STREAM_NAMES) {
      const p = updates[name];
      if (p === undefined) continue;
      checkPosition(name, p);
      positions[STREAM_INDEX[name]] = p;
    }
    return new StreamToken(positions);
  }

  /** Component-wise maximum. Returns `this` when it is already at or after `other` everywhere. */
  max(other: StreamToken): StreamToken {
    if (!other.isAfter(this)) return this;
    if (!this.isAfter(other)) return other;
    return new StreamToken([
      Math.max(this.pdu, other.pdu),
      Math.max(this.typing, other.typing),
      Math.max(this.receipt, other.receipt),
      Math.max(this.toDevice, other.toDevice),
      Math.max(this.accountData, other.accountData),
      Math.max(this.deviceList, other.deviceList),
      Math.max(this.presence, other.presence),
      Math.max(this.invite, other.invite),
    ]);
  }

  toString(): string {
    return `${PREFIX}${this.pdu}_${this.typing}_${this.receipt}_${this.toDevice}_${this.accountData}_${this.deviceList}_${this.presence}_${this.invite}`;
  }

  toJSON(): string {
    return this.toString();
  }
}
