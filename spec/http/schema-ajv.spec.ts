import { expect } from "chai";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { createSchemaAjv } from "../../src/http/schema-ajv.js";

const META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
const ENDPOINTS_DIR = join(import.meta.dirname, "..", "..", "src", "matrix", "endpoints");

/** Every endpoint definition's body and query schemas, named "file: definition body|query". */
async function endpointSchemas(): Promise<Map<string, object>> {
  const out = new Map<string, object>();
  const files = readdirSync(ENDPOINTS_DIR, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  for (const file of files) {
    const exports = (await import(pathToFileURL(join(ENDPOINTS_DIR, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value !== "object" || value === null || !("paths" in value) || !("method" in value)) continue;
      const { bodySchema, querySchema } = value as { bodySchema?: object; querySchema?: object };
      if (bodySchema) out.set(`${file}: ${name} body`, bodySchema);
      if (querySchema) out.set(`${file}: ${name} query`, querySchema);
    }
  }
  return out;
}

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

  it("does not compile the JSON Schema meta-schema's validator (the test below checks our schemas instead)", () => {
    for (const coerce of [false, true]) {
      const instance = createSchemaAjv({ coerce });
      instance.compile({ type: "object", properties: { n: { type: "integer" } } });
      expect(instance.schemas[META_SCHEMA]?.validate, `coerce: ${coerce}`).to.equal(undefined);
    }
  });

  it("every endpoint definition's body and query schema is valid JSON Schema 2020-12", async () => {
    const meta = new Ajv2020({ strict: false });
    const schemas = await endpointSchemas();
    expect(schemas.size, "endpoint definitions found").to.be.greaterThan(40);
    const invalid = [...schemas].filter(([, schema]) => !meta.validateSchema(schema)).map(([name]) => name);
    expect(invalid).to.deep.equal([]);
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
