import { expect } from "chai";
import { UiaResponseError } from "../../../src/services/auth/uia-response-error.js";
import { MatrixError } from "../../../src/matrix/errors.js";

describe("UiaResponseError", () => {
  const body = { flows: [{ stages: ["m.login.dummy"] }], params: {}, session: "s1" };

  it("is a 401 MatrixError whose body has no errcode before any stage failed", () => {
    const err = new UiaResponseError(body);
    expect(err).to.be.instanceOf(MatrixError);
    expect(err.status).to.equal(401);
    expect(err.toJSON()).to.deep.equal(body);
  });

  it("adds errcode and error after a failed stage", () => {
    const err = new UiaResponseError({ ...body, completed: ["x"] }, { errcode: "M_FORBIDDEN", message: "Invalid password" });
    expect(err.toJSON()).to.deep.equal({ errcode: "M_FORBIDDEN", error: "Invalid password", ...body, completed: ["x"] });
  });
});
