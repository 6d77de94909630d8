import { expect } from "chai";
import { ErrCode, MatrixError } from "../../src/matrix/errors.js";
import { STREAM_NAMES, StreamToken, isStreamName } from "../../src/sync/stream-token.js";

function expectInvalid(token: string): void {
  let caught: unknown;
  try {
    StreamToken.parse(token);
  } catch (err) {
    caught = err;
  }
  expect(caught, `parse(${JSON.stringify(token)})`).to.be.instanceOf(MatrixError);
  expect((caught as MatrixError).status).to.equal(400);
  expect((caught as MatrixError).errcode).to.equal(ErrCode.InvalidParam);
}

describe("StreamToken", () => {
  const sample = StreamToken.from({ pdu: 12, typing: 4, receipt: 0, toDevice: 7, accountData: 3, deviceList: 9, presence: 2, invite: 5 });

  it("formats as s + the positions in stream order", () => {
    expect(sample.toString()).to.equal("s12_4_0_7_3_9_2_5");
    expect(StreamToken.ZERO.toString()).to.equal("s0_0_0_0_0_0_0_0");
    expect(JSON.stringify({ next_batch: sample })).to.equal('{"next_batch":"s12_4_0_7_3_9_2_5"}');
  });

  it("round-trips through parse, including large positions", () => {
    expect(StreamToken.parse(sample.toString()).toArray()).to.deep.equal(sample.toArray());
    const big = StreamToken.from({ pdu: Number.MAX_SAFE_INTEGER, invite: 1 });
    expect(StreamToken.parse(big.toString()).pdu).to.equal(Number.MAX_SAFE_INTEGER);
  });

  it("accepts a token written before a restart (a fresh parse of the same string)", () => {
    const issued = "s1000_3_55_8_21_13_5_2";
    const token = StreamToken.parse(issued);
    expect(token.pdu).to.equal(1000);
    expect(token.receipt).to.equal(55);
    expect(token.toString()).to.equal(issued);
  });

  it("rejects garbage with M_INVALID_PARAM", () => {
    for (const bad of [
      "",
      "s",
      "x1_2_3_4_5_6_7_8",
      "1_2_3_4_5_6_7_8",
      "s1_2_3_4_5_6_7",
      "s1_2_3_4_5_6_7_8_9",
      "s1_2_3_4_5_6_7_",
      "s1__3_4_5_6_7_8",
      "s-1_2_3_4_5_6_7_8",
      "s+1_2_3_4_5_6_7_8",
      "s01_2_3_4_5_6_7_8",
      "s1.5_2_3_4_5_6_7_8",
      "s1e3_2_3_4_5_6_7_8",
      "s 1_2_3_4_5_6_7_8",
      "s1_2_3_4_5_6_7_8 ",
      "s99999999999999999_2_3_4_5_6_7_8",
      "t5-10",
    ]) {
      expectInvalid(bad);
    }
  });

  it("is immutable", () => {
    expect(Object.isFrozen(sample)).to.equal(true);
    expect(() => {
      (sample as unknown as { pdu: number }).pdu = 99;
    }).to.throw(TypeError);
  });

  it("isAfter is true when any stream is ahead", () => {
    const base = StreamToken.from({ pdu: 5, typing: 5 });
    expect(base.isAfter(base)).to.equal(false);
    for (const name of STREAM_NAMES) {
      const ahead = base.withUpdates({ [name]: base.get(name) + 1 });
      expect(ahead.isAfter(base), name).to.equal(true);
      expect(base.isAfter(ahead), name).to.equal(false);
    }
    const mixed = base.withUpdates({ pdu: 6, typing: 1 });
    expect(mixed.isAfter(base)).to.equal(true);
    expect(base.isAfter(mixed)).to.equal(true);
  });

  it("withUpdates changes only the named streams and returns a new token", () => {
    const updated = sample.withUpdates({ typing: 40, presence: 20 });
    expect(updated.toString()).to.equal("s12_40_0_7_3_9_20_5");
    expect(sample.toString()).to.equal("s12_4_0_7_3_9_2_5");
    expect(() => sample.withUpdates({ pdu: -1 })).to.throw(RangeError);
    expect(() => sample.withUpdates({ pdu: 1.5 })).to.throw(RangeError);
  });

  it("max is component-wise", () => {
    const a = StreamToken.from({ pdu: 10, typing: 1, invite: 7 });
    const b = StreamToken.from({ pdu: 3, typing: 8, presence: 2 });
    expect(a.max(b).toString()).to.equal("s10_8_0_0_0_0_2_7");
    expect(b.max(a).toString()).to.equal("s10_8_0_0_0_0_2_7");
    expect(a.max(StreamToken.ZERO)).to.equal(a);
    expect(StreamToken.ZERO.max(a)).to.equal(a);
  });

  it("equals compares every position", () => {
    expect(StreamToken.parse("s1_2_3_4_5_6_7_8").equals(StreamToken.parse("s1_2_3_4_5_6_7_8"))).to.equal(true);
    expect(StreamToken.parse("s1_2_3_4_5_6_7_8").equals(StreamToken.parse("s1_2_3_4_5_6_7_9"))).to.equal(false);
  });

  it("fromArray checks length and values", () => {
    expect(StreamToken.fromArray([1, 2, 3, 4, 5, 6, 7, 8]).toString()).to.equal("s1_2_3_4_5_6_7_8");
    expect(() => StreamToken.fromArray([1, 2])).to.throw(RangeError);
    expect(() => StreamToken.fromArray([1, 2, 3, 4, 5, 6, 7, Number.NaN])).to.throw(RangeError);
  });

  it("isStreamName recognises exactly the stream names", () => {
    expect(STREAM_NAMES.every(isStreamName)).to.equal(true);
    expect(isStreamName("toString")).to.equal(false);
    expect(isStreamName("events")).to.equal(false);
    expect(isStreamName(3)).to.equal(false);
  });
});
