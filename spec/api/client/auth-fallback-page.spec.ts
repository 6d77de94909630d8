import { expect } from "chai";
import { createHash } from "node:crypto";
import { donePage, errorPage, formPage } from "../../../src/api/client/auth-fallback-page.js";
import type { RawResponse } from "../../../src/http/raw-response.js";

const HOSTILE = `"><script>alert('x')</script>&`;
const ESCAPED = "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;";

function html(response: RawResponse): string {
  expect(response.body).to.be.a("string");
  return response.body as string;
}

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

describe("api/client/auth-fallback-page", () => {
  it("escapes everything a form page shows: title, intro, labels, field names, session and error", () => {
    const page = html(formPage({
      title: HOSTILE,
      intro: HOSTILE,
      fields: [{ name: HOSTILE, label: HOSTILE, type: "text", autocomplete: HOSTILE }],
      sessionId: HOSTILE,
      error: HOSTILE,
    }));
    expect(page).to.not.include("<script>alert");
    // title, h1, intro, error, label text, label for, input id, name, autocomplete, session
    expect(page.split(ESCAPED).length - 1).to.equal(10);
  });

  it("answers HTML with a Content-Security-Policy that allows only the page's own inline style and script", () => {
    for (const response of [donePage(), errorPage(400, "x"), formPage({ title: "t", intro: "i", fields: [], sessionId: "s", error: null })]) {
      expect(response.headers["Content-Type"]).to.equal("text/html; charset=utf-8");
      const csp = response.headers["Content-Security-Policy"]!;
      expect(csp).to.match(/^default-src 'none'; /);
      expect(csp).to.include("frame-ancestors 'none'");
      expect(csp).to.include("form-action 'self'");
      const page = html(response);
      const style = /<style>(.*?)<\/style>/.exec(page)![1]!;
      expect(csp).to.include(`style-src ${sha256(style)}`);
      // Nothing loaded from elsewhere.
      expect(page).to.not.match(/\s(src|href)=/);
      expect(response.headers["Referrer-Policy"]).to.equal("no-referrer");
      expect(response.headers["Cache-Control"]).to.equal("no-store");
    }
  });

  it("the completion page runs the spec's script, allowed by its hash", () => {
    const response = donePage();
    const script = /<script>(.*?)<\/script>/.exec(html(response))![1]!;
    expect(script).to.equal('if (window.onAuthDone) { window.onAuthDone(); } else if (window.opener && window.opener.postMessage) { window.opener.postMessage("authDone", "*"); }');
    expect(response.headers["Content-Security-Policy"]).to.include(`script-src ${sha256(script)}`);
    expect(response.status).to.equal(200);
  });

  it("the error page carries the status it is given", () => {
    expect(errorPage(403, "no").status).to.equal(403);
    expect(html(errorPage(400, "<b>"))).to.include("&lt;b&gt;");
  });
});
