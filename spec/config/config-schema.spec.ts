import { expect } from "chai";
import { SERVER_NAME_PATTERN } from "../../src/config/config-schema.js";

describe("config schema", () => {
  describe("SERVER_NAME_PATTERN (appendices: server name grammar)", () => {
    const pattern = new RegExp(SERVER_NAME_PATTERN);

    // The spec's own examples of valid server names.
    for (const name of ["matrix.org", "matrix.org:8888", "1.2.3.4", "1.2.3.4:1234", "[1234:5678::abcd]", "[1234:5678::abcd]:5678", "localhost", "my-server.example"]) {
      it(`accepts ${name}`, () => expect(pattern.test(name)).to.equal(true));
    }

    for (const name of ["", "exa mple.org", "example.org:", "example.org:123456", "[::1", "[zz::1]", "example.org/x", "user@example.org", "[1]", `${"a".repeat(256)}`]) {
      it(`refuses ${JSON.stringify(name.length > 20 ? `${name.slice(0, 10)}…` : name)}`, () => expect(pattern.test(name)).to.equal(false));
    }
  });
});
