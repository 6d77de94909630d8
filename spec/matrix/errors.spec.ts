import { expect } from "chai";
import { ErrCode, MatrixError } from "../../src/matrix/errors.js";

describe("MatrixError", () => {
  it("serialises to the spec's error body with extra fields", () => {
    const err = new MatrixError(429, ErrCode.LimitExceeded, "Too many requests", { retry_after_ms: 500 });
    expect(err.toJSON()).to.deep.equal({ errcode: "M_LIMIT_EXCEEDED", error: "Too many requests", retry_after_ms: 500 });
    expect(err.status).to.equal(429);
  });
});
