import { expect } from "chai";
import { ErrCode, MatrixError } from "../../src/matrix/errors.js";
import { StreamToken } from "../../src/sync/stream-token.js";
import { TopologyToken, parsePaginationToken } from "../../src/sync/topology-token.js";

describe("TopologyToken", () => {
  it("formats and parses t<topological>-<stream>", () => {
    const token = new TopologyToken(42, 1007);
    expect(token.toString()).to.equal("t42-1007");
    const parsed = TopologyToken.parse("t42-1007");
    expect(parsed.topological).to.equal(42);
    expect(parsed.stream).to.equal(1007);
    expect(parsed.equals(token)).to.equal(true);
    expect(JSON.stringify({ end: token })).to.equal('{"end":"t42-1007"}');
  });

  it("rejects garbage with M_INVALID_PARAM", () => {
    for (const bad of ["", "t", "t1", "t1-", "t-1", "t1-2-3", "t01-2", "t1-02", "t-1-2", "s1-2", "t1_2", "t1.5-2", "t99999999999999999-1", " t1-2"]) {
      let caught: unknown;
      try {
        TopologyToken.parse(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught, bad).to.be.instanceOf(MatrixError);
      expect((caught as MatrixError).errcode).to.equal(ErrCode.InvalidParam);
    }
  });

  it("orders by topological position, then stream position", () => {
    const tokens = ["t5-3", "t2-9", "t5-1", "t10-0", "t2-10"].map((t) => TopologyToken.parse(t));
    expect(tokens.sort(TopologyToken.compare).map(String)).to.deep.equal(["t2-9", "t2-10", "t5-1", "t5-3", "t10-0"]);
    const a = TopologyToken.parse("t3-7");
    const b = TopologyToken.parse("t3-8");
    expect(a.isBefore(b)).to.equal(true);
    expect(b.isAfter(a)).to.equal(true);
    expect(a.compareTo(a)).to.equal(0);
    expect(a.isAfter(a)).to.equal(false);
  });

  it("rejects negative or fractional positions at construction", () => {
    expect(() => new TopologyToken(-1, 0)).to.throw(RangeError);
    expect(() => new TopologyToken(0, 0.5)).to.throw(RangeError);
  });
});

describe("parsePaginationToken", () => {
  it("tells topology tokens from sync tokens", () => {
    const topo = parsePaginationToken("t4-9");
    expect(topo.kind).to.equal("topology");
    expect(String(topo.token)).to.equal("t4-9");
    const sync = parsePaginationToken("s1_2_3_4_5_6_7_8");
    expect(sync.kind).to.equal("stream");
    expect(sync.token).to.be.instanceOf(StreamToken);
  });

  it("rejects anything else", () => {
    expect(() => parsePaginationToken("x")).to.throw(MatrixError);
    expect(() => parsePaginationToken("t4")).to.throw(MatrixError);
  });
});
