import { expect } from "chai";
import { parseAppserviceRegistration } from "../../../src/services/appservices/appservice-registration.js";
import { ConfigError } from "../../../src/config/config-error.js";

const GOOD = `
id: "IRC Bridge"
url: "http://127.0.0.1:1234"
as_token: "30c05ae90a248a4188e620216fa72e349803310ec83e2a77b34fe90be6081f46"
hs_token: "312df522183efd404ec1cd22d2ffa4bbc76a8c1ccf541dd692eef281356bb74e"
sender_localpart: "_irc_bot" # Will result in @_irc_bot:example.org
namespaces:
  users:
    - exclusive: true
      regex: "@_irc_bridge_.*"
  aliases:
    - exclusive: false
      regex: "#_irc_bridge_.*"
  rooms: []
`;

/** GOOD with the line starting `key:` (at any indentation) replaced by `replacement` ("" drops it). */
function withLine(key: string, replacement: string): string {
  const lines = GOOD.split("\n");
  const i = lines.findIndex((line) => line.trimStart().startsWith(`${key}:`));
  if (i < 0) throw new Error(`no ${key} line`);
  lines.splice(i, 1, ...(replacement === "" ? [] : [replacement]));
  return lines.join("\n");
}

function problem(text: string): string {
  try {
    parseAppserviceRegistration(text, "irc.yaml", "example.org");
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).to.not.include("\n");
    return message;
  }
  throw new Error("parsed");
}

describe("parseAppserviceRegistration", () => {
  it("reads the spec's example registration", () => {
    const as = parseAppserviceRegistration(GOOD, "irc.yaml", "example.org");
    expect([as.id, as.url, as.senderLocalpart, as.sender]).to.deep.equal(["IRC Bridge", "http://127.0.0.1:1234", "_irc_bot", "@_irc_bot:example.org"]);
    expect(as.asToken).to.equal("30c05ae90a248a4188e620216fa72e349803310ec83e2a77b34fe90be6081f46");
    expect(as.hsToken).to.equal("312df522183efd404ec1cd22d2ffa4bbc76a8c1ccf541dd692eef281356bb74e");
    expect(as.namespaces.users.map((n) => [n.exclusive, n.source])).to.deep.equal([[true, "@_irc_bridge_.*"]]);
    expect(as.namespaces.aliases.map((n) => [n.exclusive, n.source])).to.deep.equal([[false, "#_irc_bridge_.*"]]);
    expect(as.namespaces.rooms).to.deep.equal([]);
  });

  it("defaults rate_limited to true, receive_ephemeral to false and protocols to none", () => {
    const as = parseAppserviceRegistration(GOOD, "irc.yaml", "example.org");
    expect([as.rateLimited, as.receiveEphemeral, as.protocols]).to.deep.equal([true, false, []]);
  });

  it("reads rate_limited, receive_ephemeral and protocols when given", () => {
    const text = `${GOOD}rate_limited: false\nreceive_ephemeral: true\nprotocols: [irc, gitter]\n`;
    const as = parseAppserviceRegistration(text, "irc.yaml", "example.org");
    expect([as.rateLimited, as.receiveEphemeral, as.protocols]).to.deep.equal([false, true, ["irc", "gitter"]]);
  });

  it("takes url: null (no traffic) and namespaces without lists", () => {
    const text = withLine("url", "url: null").replace(/namespaces:[\s\S]*$/, "namespaces: {}\n");
    const as = parseAppserviceRegistration(text, "irc.yaml", "example.org");
    expect(as.url).to.equal(null);
    expect([as.namespaces.users, as.namespaces.aliases, as.namespaces.rooms]).to.deep.equal([[], [], []]);
  });

  it("ignores keys it does not know (implementation and MSC keys)", () => {
    const as = parseAppserviceRegistration(`${GOOD}de.sorunome.msc2409.push_ephemeral: true\norg.matrix.msc3202: true\n`, "irc.yaml", "example.org");
    expect(as.id).to.equal("IRC Bridge");
  });

  for (const key of ["id", "url", "as_token", "hs_token", "sender_localpart", "namespaces"]) {
    it(`refuses a registration without ${key}, naming the key`, () => {
      const text = key === "namespaces" ? GOOD.replace(/namespaces:[\s\S]*$/, "") : withLine(key, "");
      expect(problem(text)).to.equal(`irc.yaml: ${key}: is required`);
    });
  }

  it("names the key of a value of the wrong type", () => {
    expect(problem(withLine("id", "id: 12"))).to.equal("irc.yaml: id: must be a non-empty string (got 12)");
    expect(problem(withLine("as_token", 'as_token: ""'))).to.equal('irc.yaml: as_token: must be a non-empty string (got "")');
    expect(problem(withLine("hs_token", "hs_token: [a]"))).to.equal("irc.yaml: hs_token: must be a non-empty string (got a list)");
    expect(problem(`${GOOD}rate_limited: sometimes\n`)).to.equal('irc.yaml: rate_limited: must be true or false (got "sometimes")');
    expect(problem(`${GOOD}receive_ephemeral: 1\n`)).to.equal("irc.yaml: receive_ephemeral: must be true or false (got 1)");
    expect(problem(`${GOOD}protocols: irc\n`)).to.equal('irc.yaml: protocols: must be a list of strings (got "irc")');
    expect(problem(withLine("url", "url: 8080"))).to.equal("irc.yaml: url: must be an http or https URL, or null (got 8080)");
  });

  it("refuses a url that is not http(s)", () => {
    expect(problem(withLine("url", 'url: "ftp://bridge"'))).to.equal('irc.yaml: url: must be an http or https URL, or null (got "ftp://bridge")');
    expect(problem(withLine("url", 'url: "not a url"'))).to.equal('irc.yaml: url: must be an http or https URL, or null (got "not a url")');
  });

  it("refuses a sender_localpart that cannot be a localpart of this server", () => {
    expect(problem(withLine("sender_localpart", 'sender_localpart: "IRC Bot"'))).to.match(/^irc\.yaml: sender_localpart: must be a valid localpart .*\(got "IRC Bot"\)$/);
  });

  it("names the namespace entry whose exclusive or regex is missing or wrong", () => {
    expect(problem(withLine("regex", ""))).to.equal("irc.yaml: namespaces.users[0].regex: is required");
    expect(problem(GOOD.replace("exclusive: false", "exclusive: no-thanks"))).to.equal(
      'irc.yaml: namespaces.aliases[0].exclusive: must be true or false (got "no-thanks")',
    );
    expect(problem(GOOD.replace("rooms: []", "rooms: everything"))).to.equal('irc.yaml: namespaces.rooms: must be a list (got "everything")');
  });

  it("names a regex that does not compile", () => {
    expect(problem(GOOD.replace('"#_irc_bridge_.*"', '"#_irc_(bridge"'))).to.match(/^irc\.yaml: namespaces\.aliases\[0\]\.regex: invalid regular expression: /);
    // Balanced only once wrapped: still refused.
    expect(problem(GOOD.replace('"@_irc_bridge_.*"', '"a)(b"'))).to.match(/^irc\.yaml: namespaces\.users\[0\]\.regex: invalid regular expression: /);
  });

  it("refuses YAML that is not a mapping, an empty file, and syntax errors with the line", () => {
    expect(problem("- a\n- b\n")).to.equal("irc.yaml: must be a mapping of keys to values (got a list)");
    expect(problem("")).to.equal("irc.yaml: the file is empty (an application service registration is required)");
    expect(problem("id: a\nnamespaces: {users: [\n")).to.match(/^irc\.yaml: line \d+, column \d+: invalid YAML: /);
  });
});
