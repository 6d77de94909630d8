import { expect } from "chai";
import { createSchemaAjv } from "../../src/http/schema-ajv.js";

describe("http/schema-ajv", () => {
  const ajv = createSchemaAjv({ coerce: false });
  const check = (format: string, value: string): boolean => ajv.validate({ type: "string", format }, value);

  it("knows the spec's mx-* formats, leniently", () => {
    expect(check("mx-user-id", "@alice:example.org")).to.equal(true);
    expect(check("mx-user-id", "alice:example.org")).to.equal(false);
    expect(check("mx-room-id", "!abc:example.org")).to.equal(true);
    expect(check("mx-room-id", "!abc")).to.equal(true); // room version 12 IDs carry no server name
    expect(check("mx-room-id", "#abc:example.org")).to.equal(false);
    expect(check("mx-event-id", "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg")).to.equal(true);
    expect(check("mx-event-id", "$ has space")).to.equal(false);
    expect(check("mx-room-alias", "#room:example.org")).to.equal(true);
    expect(check("mx-server-name", "example.org:8448")).to.equal(true);
    expect(check("mx-server-name", "[::1]:8448")).to.equal(true);
    expect(check("mx-server-name", "exa mple.org")).to.equal(false);
    expect(check("mx-mxc-uri", "mxc://example.org/abc123")).to.equal(true);
    expect(check("mx-mxc-uri", "https://example.org/abc123")).to.equal(false);
    expect(check("mx-unpadded-base64", "YWJj")).to.equal(true);
    expect(check("mx-unpadded-base64", "YWJj==")).to.equal(false);
    expect(check("mx-urlsafe-unpadded-base64", "a-b_c")).to.equal(true);
  });

  it("has the standard formats of ajv-formats, including the spec's int64", () => {
    expect(check("uri", "https://example.org/")).to.equal(true);
    expect(check("uri", "not a uri")).to.equal(false);
    expect(ajv.validate({ type: "integer", format: "int64" }, 2 ** 40)).to.equal(true);
  });

  it("tolerates the spec's schema annotations (not strict)", () => {
    expect(() => ajv.compile({ type: "object", "x-addedInMatrixVersion": "1.1", example: {}, properties: {} })).to.not.throw();
  });

  it("coerces only when asked to", () => {
    const schema = { type: "object", properties: { n: { type: "integer" } } };
    const body = { n: "5" };
    expect(ajv.validate(schema, body)).to.equal(false);
    const query = { n: "5" };
    expect(createSchemaAjv({ coerce: true }).validate(schema, query)).to.equal(true);
    expect(query.n).to.equal(5);
  });
});
