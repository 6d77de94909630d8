import { expect } from "chai";
import { createHash } from "node:crypto";
import { cspHash, escapeHtml, fieldsHtml, htmlPage, pageHeaders, type PagePolicy } from "../../../src/api/client/html-page.js";

const HOSTILE = `"><script>alert('x')</script>&`;
const ESCAPED = "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;";

const STRICT: PagePolicy = { scripts: [], formAction: "'self'", connectSelf: false, frameAncestors: "'none'" };

describe("api/client/html-page", () => {
  it("escapeHtml escapes the five characters that matter in content and quoted attributes", () => {
    expect(escapeHtml(HOSTILE)).to.equal(ESCAPED);
    expect(escapeHtml("plain @alice:hs.test")).to.equal("plain @alice:hs.test");
  });

  it("cspHash is the base64 SHA-256 of the UTF-8 text, quoted as a CSP source", () => {
    const text = "alert('é')";
    expect(cspHash(text)).to.equal(`'sha256-${createHash("sha256").update(Buffer.from(text, "utf8")).digest("base64")}'`);
  });

  it("the CSP allows the page's style and the scripts named, and nothing else unless asked", () => {
    const none = pageHeaders(STRICT);
    expect(none["Content-Security-Policy"]).to.equal(
      ["default-src 'none'", /style-src ('sha256-[^']+')/.exec(none["Content-Security-Policy"]!)![0], "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"].join("; "),
    );
    expect(none["X-Frame-Options"]).to.equal("DENY");

    const scripted = pageHeaders({ scripts: ["a()", "b()"], formAction: "'none'", connectSelf: true, frameAncestors: "'self'" });
    const csp = scripted["Content-Security-Policy"]!;
    expect(csp).to.include(`script-src ${cspHash("a()")} ${cspHash("b()")}`);
    expect(csp).to.include("connect-src 'self'");
    expect(csp).to.include("form-action 'none'");
    expect(csp).to.include("frame-ancestors 'self'");
    expect(scripted["X-Frame-Options"]).to.equal("SAMEORIGIN");
    for (const headers of [none, scripted]) {
      expect(headers).to.include({ "Content-Type": "text/html; charset=utf-8", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" });
    }
  });

  it("fieldsHtml labels each input, escapes every attribute and focuses the first field", () => {
    const html = fieldsHtml([
      { name: "user", label: "User", type: "text", autocomplete: "username" },
      { name: HOSTILE, label: HOSTILE, type: "password", autocomplete: HOSTILE },
    ]);
    expect(html).to.include('<label for="f-user">User</label><input id="f-user" name="user" type="text" autocomplete="username" required autofocus>');
    expect(html).to.not.include("<script>");
    // label for, label text, input id, name, autocomplete
    expect(html.split(ESCAPED).length - 1).to.equal(5);
    expect(html.match(/autofocus/g)).to.have.length(1);
  });

  it("htmlPage wraps the body with the shared style (allowed by the CSP) and an escaped title", () => {
    const headers = pageHeaders(STRICT);
    const page = htmlPage(418, HOSTILE, "<p>body</p>", headers);
    expect(page.status).to.equal(418);
    expect(page.headers).to.equal(headers);
    const html = page.body as string;
    expect(html).to.match(/^<!DOCTYPE html>/);
    expect(html).to.include(`<title>${ESCAPED}</title>`);
    expect(html).to.include("<main><p>body</p></main>");
    const style = /<style>(.*?)<\/style>/.exec(html)![1]!;
    expect(headers["Content-Security-Policy"]).to.include(`style-src ${cspHash(style)}`);
  });
});
