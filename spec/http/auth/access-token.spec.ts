import { expect } from "chai";
import { extractAccessToken } from "../../../src/http/auth/access-token.js";

describe("http/auth/access-token", () => {
  it("reads an Authorization: Bearer header, whatever the scheme's case", () => {
    expect(extractAccessToken({ authorization: "Bearer abc" }, {}, false)).to.equal("abc");
    expect(extractAccessToken({ authorization: "bearer abc" }, {}, false)).to.equal("abc");
  });

  it("ignores other authorization schemes", () => {
    expect(extractAccessToken({ authorization: 'X-Matrix origin="a",key="k",sig="s"' }, {}, false)).to.equal(null);
    expect(extractAccessToken({ authorization: "Basic dXNlcjpwYXNz" }, {}, false)).to.equal(null);
  });

  it("reads the access_token query parameter only when allowed", () => {
    expect(extractAccessToken({}, { access_token: "q" }, true)).to.equal("q");
    expect(extractAccessToken({}, { access_token: "q" }, false)).to.equal(null);
    expect(extractAccessToken({}, { access_token: ["first", "second"] }, true)).to.equal("first");
    expect(extractAccessToken({}, { access_token: "" }, true)).to.equal(null);
  });

  it("prefers the header when both are present", () => {
    expect(extractAccessToken({ authorization: "Bearer header" }, { access_token: "query" }, true)).to.equal("header");
  });
});
